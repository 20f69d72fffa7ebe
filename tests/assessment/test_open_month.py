"""A month is computed for real only once its reports are all due; before, an assessor sees a preview that counts
for nothing (issue 14: November was scored on 11-24 and 99 branches got 30 points, 不合格, "本月未报送月度报告").
And a score keeps its address when its month is computed again."""
import datetime

from freezegun import freeze_time

from assessment import services
from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score, ScoreItem
from notifications.models import Notification
from tests.assessment.scoring import compute_may

NOVEMBER = datetime.date(2026, 11, 1)
OPEN = "2026-11-24 10:00:00+08:00"  # the day of the issue: November's reports are due on 12-05


def _stored():
    return AssessmentRun.objects.count(), Score.objects.count(), ScoreItem.objects.count(), Notification.objects.count()


def test_a_month_is_not_computed_before_its_reports_are_due(month_data, people, django_capture_on_commit_callbacks):
    scheme = month_data.scheme
    for moment in (OPEN, "2026-12-05 23:00:00+08:00"):  # the due day itself is still open
        with freeze_time(moment):
            try:
                services.request_computation(scheme, NOVEMBER, by=people.assessor)
            except services.ValidationError as exc:
                assert "2026-12-05" in " ".join(exc.messages) and "预览" in " ".join(exc.messages)
            else:
                raise AssertionError("an open month was computed")
    assert not AssessmentRun.objects.filter(month=NOVEMBER).exists()
    with freeze_time("2026-12-06 08:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        run = services.request_computation(scheme, NOVEMBER, by=people.assessor)
    run.refresh_from_db()
    assert run.status == RunStatus.PROVISIONAL


def test_the_page_and_the_api_refuse_an_open_month_clearly(client, api, month_data, people):
    scheme = month_data.scheme
    client.force_login(people.assessor)
    with freeze_time(OPEN):
        html = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
        assert 'id="month-open"' in html and "2026-12-05" in html  # told before trying
        response = client.post(f"/assessment/schemes/{scheme.pk}/compute/", {"month": "2026-11"}, follow=True)
        html = response.content.decode()
        assert response.status_code == 200 and "2026-12-05" in html and "预览" in html
        response = api.login(people.assessor).post(f"/api/v1/assessment-schemes/{scheme.pk}/compute/",
                                                   {"month": "2026-11"})
    assert response.status_code == 400 and "2026-12-05" in response.json()["errors"]["month"][0]
    assert not AssessmentRun.objects.filter(month=NOVEMBER).exists()


def test_a_preview_counts_nowhere(client, api, month_data, people, django_capture_on_commit_callbacks):
    scheme = month_data.scheme
    before = _stored()
    client.force_login(people.assessor)
    with freeze_time(OPEN), django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/assessment/schemes/{scheme.pk}/preview/?month=2026-11")
        data = api.login(people.assessor).get(f"/api/v1/assessment-schemes/{scheme.pk}/preview/?month=2026-11").json()
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview-badge"' in html and 'id="preview-notice"' in html
    assert "预览" in html and "2026-12-05" in html and "一区丙团支部" in html
    assert data["preview"] is True and data["counts"] is False and data["month_open"] is True
    assert data["reporting_closes"] == "2026-12-05" and {s["organization"] for s in data["scores"]} == {"A1a", "B1", "C1"}
    assert _stored() == before  # no run, no score, no notification: nothing to publish, rank or count


def test_a_preview_is_the_assessors_alone(client, api, month_data, people):
    scheme = month_data.scheme
    with freeze_time(OPEN):
        for user in (people.reporter, people.staff, people.leader):
            client.force_login(user)
            assert client.get(f"/assessment/schemes/{scheme.pk}/preview/?month=2026-11").status_code in (403, 404)
            response = api.login(user).get(f"/api/v1/assessment-schemes/{scheme.pk}/preview/?month=2026-11")
            assert response.status_code in (403, 404)
        client.force_login(people.assessor)
        response = client.get(f"/assessment/schemes/{scheme.pk}/preview/?month=2027-01", follow=True)
        assert response.status_code == 200 and "2026" in response.content.decode()  # another year: a message
        assert api.login(people.assessor).get(
            f"/api/v1/assessment-schemes/{scheme.pk}/preview/?month=bad").status_code == 400


def test_beat_waits_for_the_deadline_when_the_compute_day_comes_first(month_data, people,
                                                                      django_capture_on_commit_callbacks):
    from assessment.tasks import compute_due_assessments

    month_data.scheme.compute_day = 3  # before the 5th, the reports' due day
    month_data.scheme.save()
    for day in ("2026-12-03", "2026-12-04", "2026-12-05"):
        with freeze_time(f"{day} 06:30:00+08:00"):
            assert compute_due_assessments() == []
    with freeze_time("2026-12-06 06:30:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        (run_id,) = compute_due_assessments()
    assert AssessmentRun.objects.get(pk=run_id).month == NOVEMBER


# --- a score's address outlives recomputation --------------------------------------------------------------------


def test_recomputing_a_month_keeps_the_links_to_its_scores(client, month_data, people,
                                                             django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    score = Score.objects.get(run=run, organization=month_data.c)
    old_link = f"/assessment/scores/{score.pk}/"
    stable = f"/assessment/schemes/{month_data.scheme.pk}/2026-05/C1/"
    client.force_login(people.assessor)
    assert client.get(old_link).url == stable
    again = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    assert again.pk == run.pk and Score.objects.filter(pk=score.pk, run=run).exists()  # updated in place
    response = client.get(old_link, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == stable
    html = response.content.decode()
    assert "一区丙团支部" in html and "30.00" in html
    assert client.get(stable).status_code == 200
    run_page = client.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert f'href="{stable}"' in run_page and f"/assessment/scores/{score.pk}/" not in run_page


def test_the_stable_address_follows_versions_and_visibility(client, api, month_data, people,
                                                           django_capture_on_commit_callbacks):
    scheme = month_data.scheme
    run = compute_may(scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    stable = f"/assessment/schemes/{scheme.pk}/2026-05/A1a/"
    client.force_login(people.reporter)
    assert client.get(stable).status_code == 404  # provisional: the assessors' alone
    with freeze_time("2026-06-11 09:00:00+08:00"):
        services.publish(run, by=people.assessor)
    assert client.get(stable).status_code == 200
    v2 = compute_may(scheme, people.assessor, reason="补录", callbacks=django_capture_on_commit_callbacks)
    assert v2.version == 2
    assert client.get(stable).context["run"].pk == run.pk  # the reporter still sees the published version
    client.force_login(people.assessor)
    assert client.get(stable).context["run"].pk == v2.pk  # the assessor the newest
    assert client.get(f"{stable}?version=1").context["run"].pk == run.pk
    old = Score.objects.get(run=run, organization=month_data.a)
    assert client.get(f"/assessment/scores/{old.pk}/").url == f"{stable}?version=1"
    assert client.get(f"/assessment/schemes/{scheme.pk}/2026-05/NOPE/").status_code == 404
    assert client.get(f"{stable}?version=x").status_code == 404
    data = api.login(people.assessor).get(f"/api/v1/scores/?run={v2.pk}").json()
    urls = {row["organization"]: row["url"] for row in data["results"]}
    assert urls["A1a"].endswith(f"{stable}?version=2")


def test_an_organisation_that_owes_no_report_on_the_month_is_not_marked_down(month_data, people,
                                                                            django_capture_on_commit_callbacks):
    month_data.c.reporting_from = datetime.date(2026, 6, 1)  # an administrator: C1 reports from June
    month_data.c.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    c = Score.objects.get(run=run, organization=month_data.c)
    reporting = c.items.get(indicator=month_data.leaves.reporting)
    study = c.items.get(indicator=month_data.leaves.study)
    assert reporting.points == 10 and "无需报送" in reporting.explanation and "未报" not in reporting.explanation
    assert study.points == 20 and c.total == 60  # 30 for no targets, 10 + 20 not owed, 0 manual
