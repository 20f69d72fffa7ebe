"""core/files.py: evidence files are checked by their content, and stored with their name, size and hash."""
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import StoredFile, store_file, validate_evidence
from plans.models import Evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_photo_whose_content_matches_its_name_passes():
    validate_evidence(SimpleUploadedFile("照片.png", PNG, content_type="image/png"))


@pytest.mark.parametrize("name, content, message", [
    ("脚本.exe", b"MZ\x90\x00", "only photos"),
    ("照片.png", b"%PDF-1.7", "is not really a png file"),
    ("报告.docx", b"PK\x03\x04" + b"\x00" * 20, "报告.docx"),
])
def test_a_file_that_is_not_what_it_says_is_refused_with_its_name(name, content, message, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as refused:
        validate_evidence(SimpleUploadedFile(name, content))
    assert message in " ".join(refused.value.messages)


def test_the_stored_file_of_every_kind_of_evidence_shares_the_fields():
    from django.apps import apps


    stored = [model for model in apps.get_models() if issubclass(model, StoredFile)]
    assert Evidence in stored and len(stored) >= 3
    for model in stored:
        assert {"file", "original_name", "content_type", "size", "sha256", "uploaded_at"} <= {f.name for f in model._meta.fields}


@pytest.mark.django_db
def test_store_file_records_name_size_type_and_hash(plan_with_entry, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    entry = plan_with_entry
    stored = store_file(Evidence(entry=entry), SimpleUploadedFile("照片.png", PNG, content_type="image/png"))
    stored.refresh_from_db()
    assert (stored.original_name, stored.size, stored.content_type) == ("照片.png", len(PNG), "image/png")
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored.file.name.startswith(f"evidence/{stored.sha256[:2]}/{stored.sha256}/")


@pytest.fixture
def plan_with_entry(tree):
    import datetime

    from orgs.permissions import SYSTEM
    from plans import services
    from plans.models import Assignment, Plan, Section, Target, WorkPoint

    plan = Plan.objects.create(organization=tree.city_a, year=2026, title="计划")
    point = WorkPoint.objects.create(section=Section.objects.create(plan=plan, title="思想引领"), title="青年大学习")
    target = Target.objects.create(point=point, metric="场次", value=10)
    assignment = Assignment.objects.create(plan=plan, point=point, target=target, organization=tree.city_a)
    return services.record_progress(assignment, by=SYSTEM, reported_on=datetime.date(2026, 6, 1), value=1)
