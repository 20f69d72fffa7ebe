"""Reads that told more than they showed when the read matrices were generated (issue 11), each as it was found.

The generated matrices (tests/<app>/test_permissions.py) close the class; these keep the exact cases readable.
"""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.choices import RunStatus
from assessment.models import AppealEvidence, AssessmentRun, AssessmentScheme, Score
from assessment.services import file_appeal
from orgs.permissions import SYSTEM

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_appeal_file_elsewhere_in_the_tree_is_not_found_as_if_it_did_not_exist(client, people, tree, settings,
                                                                                  tmp_path):
    """``/assessment/appeals/evidence/<pk>/`` answered 403 for the evidence of a run the caller cannot see, and 404
    for a number no evidence has: counting up the numbers told which appeals of city B had files."""
    settings.MEDIA_ROOT = str(tmp_path)
    scheme = AssessmentScheme.objects.create(organization=tree.city_b, year=2026, title="乙市考核", levels=["grassroots"])
    run = AssessmentRun.objects.create(scheme=scheme, month=datetime.date(2026, 5, 1), status=RunStatus.APPEAL,
                                       appeal_until=timezone.localdate() + datetime.timedelta(days=3))
    Score.objects.create(run=run, organization=tree.other_branch, total=8, rank=1, grade="good", ytd_total=8,
                         ytd_average=8)
    file_appeal(run, tree.other_branch, by=SYSTEM, reason="有误", files=[SimpleUploadedFile("a.png", PNG, "image/png")])
    evidence = AppealEvidence.objects.get()
    client.force_login(people.assessor)
    assert client.get(f"/assessment/appeals/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/assessment/appeals/evidence/{evidence.pk + 1}/").status_code == 404
    client.force_login(people.outsider)
    assert client.get(f"/assessment/appeals/evidence/{evidence.pk}/").status_code == 200
