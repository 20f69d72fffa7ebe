"""The assessment API: schemes and indicators, compute and publish, scores with breakdown, entries, appeals."""
from decimal import Decimal

import pytest
from freezegun import freeze_time

from assessment.models import Appeal, AssessmentRun, AssessmentScheme, Score
from tests.assessment.scoring import MAY, compute_may


def test_schemes_and_indicators_through_the_api(api, people, tree):
    api.login(people.assessor)
    response = api.post("/api/v1/assessment-schemes/", {"organization": "A", "year": 2026, "title": "甲市月考核",
                                                        "levels": ["grassroots"], "thresholds": {"excellent": 90, "good": 80, "pass": 60}})
    assert response.status_code == 201, response.json()
    scheme_id = response.json()["id"]
    top = api.post("/api/v1/indicators/", {"scheme": scheme_id, "name": "报送", "max_points": "10"}).json()
    leaf = api.post("/api/v1/indicators/", {"scheme": scheme_id, "parent": top["id"], "name": "月报", "max_points": "10",
                                            "rule": "reporting", "params": {"submitted": 10}})
    assert leaf.status_code == 201
    bad = api.post("/api/v1/indicators/", {"scheme": scheme_id, "parent": top["id"], "name": "无规则", "max_points": "5"})
    assert bad.status_code == 400 and "rule" in bad.json()["errors"]
    bad = api.post("/api/v1/indicators/", {"scheme": scheme_id, "parent": top["id"], "name": "字段", "max_points": "5",
                                           "rule": "report_field", "params": {"mode": "stepped"}})
    assert bad.status_code == 400
    data = api.get(f"/api/v1/assessment-schemes/{scheme_id}/").json()
    assert Decimal(data["max_total"]) == 10 and len(data["indicators"]) == 2
    bad = api.post("/api/v1/assessment-schemes/", {"organization": "A", "year": 2026, "title": "x",
                                                   "thresholds": {"excellent": 50, "good": 80, "pass": 60}})
    assert bad.status_code == 400
    api.login(people.staff)
    assert api.post("/api/v1/assessment-schemes/", {"organization": "A", "year": 2026, "title": "y"}).status_code == 403
    api.login(people.reporter)
    assert api.get(f"/api/v1/assessment-schemes/{scheme_id}/").status_code == 200  # the assessed read the rules
    assert api.patch(f"/api/v1/assessment-schemes/{scheme_id}/", {"title": "改"}).status_code == 403
    api.login(people.outsider)
    assert api.get(f"/api/v1/assessment-schemes/{scheme_id}/").status_code == 404


def test_compute_publish_and_read_scores(api, people, month_data, django_capture_on_commit_callbacks, tree):
    api.login(people.assessor)
    with freeze_time("2026-06-10 09:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/assessment-schemes/{month_data.scheme.pk}/compute/", {"month": "2026-05"})
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert api.get(f"/api/v1/assessment-runs/{run_id}/").json()["status"] == "provisional"
    scores = api.get(f"/api/v1/scores/?run={run_id}&ordering=-total").json()["results"]
    assert [(s["organization"], s["rank"]) for s in scores] == [("A1a", 1), ("C1", 2), ("B1", 3)]
    detail = api.get(f"/api/v1/scores/{scores[0]['id']}/").json()
    assert Decimal(detail["total"]) == 61 and {i["indicator_name"] for i in detail["items"]} >= {"任务完成", "月报"}
    assert api.get(f"/api/v1/scores/?run={run_id}&grade=fail").json()["count"] == 2
    api.login(people.reporter)
    assert api.get(f"/api/v1/scores/?run={run_id}").json()["count"] == 0
    assert api.post(f"/api/v1/assessment-runs/{run_id}/publish/").status_code in (403, 404)
    api.login(people.assessor)
    assert api.post(f"/api/v1/assessment-runs/{run_id}/publish/").json()["status"] == "published"
    assert api.get(f"/api/v1/assessment-runs/{run_id}/sheet/").status_code == 200
    with freeze_time("2026-06-10 09:00:00+08:00"):
        again = api.post(f"/api/v1/assessment-schemes/{month_data.scheme.pk}/compute/", {"month": "2026-05"})
    assert again.status_code == 400 and "detail" in again.json()
    api.login(people.reporter)
    assert [s["organization"] for s in api.get(f"/api/v1/scores/?run={run_id}").json()["results"]] == ["A1a"]
    assert api.get(f"/api/v1/assessment-runs/{run_id}/sheet/").status_code == 403


def test_entries_and_appeals_through_the_api(api, people, month_data, django_capture_on_commit_callbacks, tree):
    api.login(people.assessor)
    response = api.post("/api/v1/manual-points/", {"indicator": month_data.leaves.manual.pk, "organization": "C1",
                                                    "month": "2026-05-01", "points": "9", "comment": "规范"})
    assert response.status_code == 201
    response = api.post("/api/v1/manual-points/", {"indicator": month_data.leaves.manual.pk, "organization": "C1",
                                                    "month": "2026-05-01", "points": "99", "comment": "超出"})
    assert response.status_code == 400
    response = api.post("/api/v1/adjustments/", {"scheme": month_data.scheme.pk, "organization": "C1", "month": "2026-05-01",
                                                  "kind": "bonus", "points": "3", "reason": "获奖"})
    assert response.status_code == 201
    assert api.delete(f"/api/v1/adjustments/{response.json()['id']}/").status_code == 204
    month_data.scheme.appeal_days = 2
    month_data.scheme.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        assert api.post(f"/api/v1/assessment-runs/{run.pk}/open-appeals/").json()["status"] == "appeal"
        api.login(people.reporter)
        filed = api.post("/api/v1/appeals/", {"run": run.pk, "organization": "A1a", "reason": "漏计团课"})
        assert filed.status_code == 201, filed.json()
        assert api.post(f"/api/v1/appeals/{filed.json()['id']}/decide/", {"accept": True, "decision": "自批"}).status_code == 403
        api.login(people.assessor)
        with django_capture_on_commit_callbacks(execute=True):
            decided = api.post(f"/api/v1/appeals/{filed.json()['id']}/decide/",
                               {"accept": True, "decision": "核实", "adjustment": "1.5"})
    assert decided.json()["status"] == "accepted"
    assert Score.objects.get(run=run, organization=tree.branch).total == Decimal("62.50")
    assert Appeal.objects.get().decided_by == people.assessor


@pytest.mark.parametrize("role, status", [("admin", 200), ("assessor", 200), ("staff", 404), ("leader", 404),
                                          ("reporter", 404)])
def test_provisional_runs_are_the_assessors(api, people, month_data, role, status, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    api.login(getattr(people, role))
    assert api.get(f"/api/v1/assessment-runs/{run.pk}/").status_code == status
    assert AssessmentRun.objects.filter(pk=run.pk).exists() and AssessmentScheme.objects.exists()
    assert Score.objects.restrict(getattr(people, role)).filter(run=run).exists() == (status == 200)
    assert MAY.day == 1


def test_an_appeal_in_the_api_lists_its_evidence_with_the_checked_download(api, people, month_data, tmp_path, settings,
                                                                            django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    month_data.scheme.appeal_days = 2
    month_data.scheme.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        api.login(people.assessor)
        api.post(f"/api/v1/assessment-runs/{run.pk}/open-appeals/")
        api.login(people.reporter)
        photo = SimpleUploadedFile("签到表.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, content_type="image/png")
        filed = api.post("/api/v1/appeals/", {"run": run.pk, "organization": "A1a", "reason": "漏计团课",
                                              "files": [photo]}, multipart=True)
        assert filed.status_code == 201, filed.json()
        appeal = api.get(f"/api/v1/appeals/{filed.json()['id']}/").json()
    [evidence] = appeal["evidence"]
    assert evidence["original_name"] == "签到表.png" and evidence["url"].startswith("/assessment/appeals/evidence/")
    assert settings.MEDIA_URL not in evidence["url"]
    assert api.login(people.reporter).get(evidence["url"]).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/manual-points/", "/api/v1/adjustments/", "/api/v1/assessment-runs/"])
def test_runs_and_entries_take_a_month_as_yyyy_mm_like_every_other_month_filter(api, people, month_data,
                                                                                 django_capture_on_commit_callbacks, path):
    compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    api.login(people.assessor)
    everything = api.get(path).json()["count"]
    assert everything > 0
    assert api.get(path, {"month": "2026-05"}).json()["count"] == everything
    assert api.get(path, {"month": "2026-05-20"}).json()["count"] == everything  # any day names its month
    assert api.get(path, {"month": "2026-04"}).json()["count"] == 0
    response = api.get(path, {"month": "1999-12"})
    assert response.status_code == 400 and "month" in response.json()["errors"]
