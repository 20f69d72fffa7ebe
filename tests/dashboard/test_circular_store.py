"""Stored 工作通报: a download is kept and served again while its stamp holds, made again after a change; what is
stored is what any user allowed to download it would get, and never reaches anyone else; Celery beat issues the
circulars of a published month once (to the organisations with children in the run and its issuer), tells their
leaders only, and issues them again when the month is published again with other scores; provisional scores never
reach a stored file."""
import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from docx import Document
from freezegun import freeze_time

from assessment import services as assessment_services
from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score
from dashboard import circular, services, tasks
from dashboard.kinds import CIRCULAR_READY
from dashboard.models import Circular
from notifications.models import Notification
from orgs.choices import Role
from orgs.models import Organization
from orgs.permissions import SYSTEM
from reports.models import MonthlyReport
from tests.assessment.scoring import compute_may
from tests.factories import RoleAssignmentFactory, UserFactory

from .conftest import NOW
from .test_dashboard import _get

MAY = datetime.date(2026, 5, 1)
PUBLISHED = timezone.make_aware(datetime.datetime(2026, 6, 9, 10, 0))


@pytest.fixture
def renders(monkeypatch):
    """Every circular actually made (not served from storage): (organisation code, month, kind, user)."""
    made = []
    real = circular.render

    def counting(organization, month, user, kind, today=None):
        made.append((organization.code, f"{month:%Y-%m}", kind, user))
        return real(organization, month, user, kind, today)

    monkeypatch.setattr(circular, "render", counting)
    return made


@pytest.fixture
def published(known):
    """The known May run, published the day before NOW (the fixture publishes it at the real clock's time)."""
    AssessmentRun.objects.filter(pk=known.run.pk).update(published_at=PUBLISHED)
    known.run.refresh_from_db()
    return known


@pytest.fixture
def district_leader(tree):
    return RoleAssignmentFactory(user=UserFactory(username="leader_a1"), organization=tree.district,
                                 role=Role.LEADER).user


def _text(content):
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _beat(callbacks, at=NOW):
    with freeze_time(at), callbacks(execute=True):
        return tasks.issue_published_circulars.delay().get()


def test_a_download_is_stored_and_served_again_while_nothing_changes(client, people, known, renders):
    client.force_login(people.leader)
    first = _get(client, "/dashboard/A/circular.docx?month=2026-05")
    stored = Circular.objects.get()
    assert (stored.organization.code, stored.month, stored.kind, stored.size) == ("A", MAY, "docx", len(first.content))
    assert Path(stored.file.path).read_bytes() == first.content
    assert stored.file.path.startswith(str(Path(settings.MEDIA_ROOT)))
    again = _get(client, "/api/v1/dashboard/A/circular/?month=2026-05")
    assert again.content == first.content and len(renders) == 1
    # made as the portal itself, not as the leader who asked
    assert renders == [("A", "2026-05", "docx", SYSTEM)]
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_a_change_in_the_subtree_makes_it_again_and_drops_the_old_file(client, people, known, tree, renders,
                                                                        django_capture_on_commit_callbacks):
    client.force_login(people.leader)
    _get(client, "/dashboard/A/circular.pdf?month=2026-05")
    old = Path(Circular.objects.get().file.path)
    stamp = Circular.objects.get().stamp
    MonthlyReport.objects.filter(organization__code="B1").update(updated_at=timezone.now())  # a report changed
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the new row is committed
        _get(client, "/dashboard/A/circular.pdf?month=2026-05")
    stored = Circular.objects.get()
    assert len(renders) == 2 and stored.stamp != stamp
    assert Path(stored.file.path).exists() and not old.exists()
    # a change in another city's subtree leaves city A's circular as it is
    Organization.objects.filter(pk=tree.city_b.pk).update(updated_at=timezone.now(), member_count=7)
    _get(client, "/dashboard/A/circular.pdf?month=2026-05")
    assert len(renders) == 2


def test_the_stored_circular_says_what_the_asking_leader_would_be_told(people, known, tree):
    with freeze_time(NOW):
        today = timezone.localdate()
        as_portal = circular.contents(tree.city_a, MAY, SYSTEM, today)
        as_leader = circular.contents(tree.city_a, MAY, people.leader, today)
    for data in (as_portal, as_leader):
        data.pop("made")
        data.pop("charts")
    assert as_portal == as_leader


@pytest.mark.parametrize("user, url, status, hidden", [
    ("leader", "/dashboard/B/circular.docx?month=2026-05", 404, "乙市"),
    ("leader", "/api/v1/dashboard/B/circular/?month=2026-05&kind=pdf", 404, "乙市"),
    ("outsider", "/dashboard/A/circular.docx?month=2026-05", 404, "甲市"),
    ("reporter", "/dashboard/A1a/circular.docx?month=2026-05", 403, "工作通报"),
    ("nobody", "/dashboard/A/circular.docx?month=2026-05", 404, "甲市"),
])
def test_a_stored_circular_never_reaches_anyone_who_may_not_see_the_dashboard(client, people, known, tree, user,
                                                                               url, status, hidden):
    with freeze_time(NOW):
        for organization in (tree.city_a, tree.city_b, tree.branch):
            for kind in ("docx", "pdf"):
                services.circular_file(organization, MAY, kind)
        stored = Circular.objects.count()
        client.force_login(getattr(people, user))
        response = client.get(url)
    assert response.status_code == status
    assert b"PK\x03\x04" not in response.content[:4] and b"%PDF" not in response.content[:4]
    assert hidden not in response.content.decode(errors="replace")
    assert Circular.objects.count() == stored == 6


def test_beat_issues_a_published_month_once_and_tells_the_leaders_only(
        client, people, published, tree, district_leader, renders, django_capture_on_commit_callbacks):
    assert _beat(django_capture_on_commit_callbacks) == 2  # district A1 (its branches were scored), city A (issuer)
    stored = Circular.objects.order_by("organization__code", "kind")
    assert [(c.organization.code, c.kind, c.issued_for) for c in stored] == [
        ("A", "docx", PUBLISHED), ("A", "pdf", PUBLISHED), ("A1", "docx", PUBLISHED), ("A1", "pdf", PUBLISHED)]
    assert sorted(r[:3] for r in renders) == sorted(
        (code, "2026-05", kind) for code in ("A", "A1") for kind in ("docx", "pdf"))
    told = Notification.objects.filter(kind=CIRCULAR_READY)
    assert sorted(told.values_list("user__username", flat=True)) == ["leader_a", "leader_a1"]
    note = told.get(user=people.leader)
    assert note.title == f"{tree.city_a.name} 2026-05 工作通报已生成"
    assert note.url == "/dashboard/A/circular.pdf?month=2026-05"
    assert not Notification.objects.filter(kind=CIRCULAR_READY, user__in=[
        people.staff, people.admin, people.assessor, people.reporter, people.outsider]).exists()

    # nothing published since: the next run sends nothing, makes nothing, tells nobody
    assert _beat(django_capture_on_commit_callbacks, at="2026-06-10 09:15:00+08:00") == 0
    assert len(renders) == 4 and told.count() == 2

    # the leader's link serves the stored PDF
    client.force_login(people.leader)
    response = _get(client, note.url)
    assert response.content == Path(Circular.objects.get(organization=tree.city_a, kind="pdf").file.path).read_bytes()
    assert len(renders) == 4


def test_a_month_published_again_with_another_score_is_issued_again(
        people, published, tree, renders, django_capture_on_commit_callbacks):
    _beat(django_capture_on_commit_callbacks)
    first = {c.organization.code: c.stamp for c in Circular.objects.filter(kind="docx")}
    assert "77.77" not in _text(Path(Circular.objects.get(organization=tree.district, kind="docx").file.path)
                                .read_bytes())
    # the assessor computes May again (a new version), an appeal's adjustment changes A1a's total, and publishes it
    again = compute_may(published.scheme, people.assessor, reason="更正报送数据",
                        callbacks=django_capture_on_commit_callbacks)
    Score.objects.filter(run=again, organization=tree.branch).update(total=Decimal("77.77"))
    with freeze_time("2026-06-10 10:00:00+08:00"):
        again = assessment_services.publish(again, by=people.assessor)
    assert _beat(django_capture_on_commit_callbacks, at="2026-06-10 10:15:00+08:00") == 2
    stored = Circular.objects.get(organization=tree.district, kind="docx")
    assert stored.issued_for == again.published_at and stored.stamp != first["A1"]
    assert "77.77" in _text(Path(stored.file.path).read_bytes())
    assert len(renders) == 8
    assert Notification.objects.filter(kind=CIRCULAR_READY, user=people.leader).count() == 2


def test_a_publication_older_than_the_window_is_left_alone(published, django_capture_on_commit_callbacks):
    later = PUBLISHED + datetime.timedelta(days=settings.CIRCULAR_ISSUE_WITHIN_DAYS, hours=1)
    assert _beat(django_capture_on_commit_callbacks, at=later) == 0
    assert not Circular.objects.exists() and not Notification.objects.filter(kind=CIRCULAR_READY).exists()


def test_provisional_scores_never_reach_a_stored_circular(
        people, published, tree, district_leader, django_capture_on_commit_callbacks):
    # a newer May version still open for appeal gives A1a 99.5
    provisional = AssessmentRun.objects.create(scheme=published.scheme, month=MAY, version=9,
                                               status=RunStatus.APPEAL, appeal_until=datetime.date(2026, 7, 20))
    Score.objects.create(run=provisional, organization=tree.branch, total=Decimal("99.5"), rank=1,
                         grade="excellent", ytd_total=0, ytd_average=0)
    with freeze_time(NOW):
        before = circular.stamp(tree.district, MAY)
    _beat(django_capture_on_commit_callbacks)
    with freeze_time(NOW):
        assert circular.stamp(tree.district, MAY) == before  # a provisional run is nothing a circular is made from
    for stored in Circular.objects.filter(organization__in=[tree.city_a, tree.district]):
        content = Path(stored.file.path).read_bytes()
        text = _text(content) if stored.kind == "docx" else _pdf_text(content, stored.file.path)
        assert "99.5" not in text
        if stored.kind == "docx" and stored.organization == tree.district:
            assert "61.00" in text  # A1a's published total is there


def _pdf_text(content, path):
    assert content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        return content.decode("latin-1")  # the PDF's text is in its (compressed) streams: at least its dictionary
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def test_beat_schedules_the_issue_every_quarter_of_an_hour():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
                if e["task"] == "dashboard.tasks.issue_published_circulars"]
    assert entry["schedule"].minute == {0, 15, 30, 45}


def test_the_admin_lists_stored_circulars_and_changes_nothing(client, people, known, tree):
    with freeze_time(NOW):
        stored = services.circular_file(tree.city_a, MAY, "docx") and Circular.objects.get()
    client.force_login(people.root)
    listing = client.get("/admin/dashboard/circular/")
    assert listing.status_code == 200 and stored.name in listing.content.decode()
    page = client.get(f"/admin/dashboard/circular/{stored.pk}/change/")
    assert page.status_code == 200 and stored.file.name not in page.content.decode()  # no link to the file
    assert client.get("/admin/dashboard/circular/add/").status_code == 403
    assert client.post(f"/admin/dashboard/circular/{stored.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Circular.objects.filter(pk=stored.pk).exists()
