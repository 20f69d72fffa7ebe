"""What still answers at the assessment's old names: its pages under /plans/ redirect permanently to
/assessment/ (notifications stored before the move link there), and its Celery tasks run under their
old plans.tasks names for one release (messages queued before the upgrade, a beat not yet restarted)."""
import pytest
from django.conf import settings
from django.urls import URLPattern, reverse

from assessment import urls
from notifications import kinds
from notifications.models import Notification

# pages the assessment gained after the move: no notification ever linked to them under /plans/
ADDED_AFTER_THE_MOVE = {"score_trend", "scheme_preview", "score_page"}


def pages():
    """Every assessment page that moved, with example arguments: (URL name, its new address)."""
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in ADDED_AFTER_THE_MOVE:
            continue
        kwargs = {name: 7 for name in pattern.pattern.converters}
        yield pattern.name, reverse(f"assessment:{pattern.name}", kwargs=kwargs)


PAGES = list(pages())


def test_every_page_moved_from_plans_to_assessment():
    assert len(PAGES) == 20
    for name, address in PAGES:
        assert address.startswith("/assessment/") and address.split("/")[2] in (
            "schemes", "runs", "scores", "indicators", "adjustments", "appeals"), name


@pytest.mark.parametrize("name, address", PAGES)
def test_the_old_address_of_each_page_redirects_permanently_and_keeps_the_query(client, name, address):
    old = address.replace("/assessment/", "/plans/", 1)
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, address)
    response = client.get(old + "?grade=fail&ordering=-total&page=2")
    assert (response.status_code, response["Location"]) == (301, address + "?grade=fail&ordering=-total&page=2")
    assert client.head(old).status_code == 301


@pytest.mark.parametrize("name, address", [p for p in PAGES if p[0] in (
    "scheme_compute", "run_step", "appeal_file", "appeal_decide", "indicator_delete", "adjustment_delete", "run_entries")])
def test_a_form_posted_to_the_old_address_is_sent_on_with_its_method(client, name, address):
    response = client.post(address.replace("/assessment/", "/plans/", 1), {"step": "publish"})
    assert (response.status_code, response["Location"]) == (308, address)


def test_a_stored_notification_link_still_leads_to_the_page(client, people):
    """The link _tell_group stored before the move, followed by the reporter it was sent to."""
    Notification.objects.create(user=people.reporter, kind=kinds.OTHER, title="5月考核结果已公布", url="/plans/scores/mine/")
    client.force_login(people.reporter)
    response = client.get(Notification.objects.get().url, follow=True)
    assert response.redirect_chain == [("/assessment/scores/mine/", 301)] and response.status_code == 200
    assert 'id="my-scores"' in response.content.decode()


def test_the_plans_pages_that_stayed_are_not_redirected(client, people):
    client.force_login(people.reporter)
    for address in ["/plans/", "/plans/tasks/"]:
        assert client.get(address).status_code == 200, address
    assert client.get("/plans/schemesx/").status_code == 404


def test_new_notifications_link_to_the_new_addresses(people, month_data, django_capture_on_commit_callbacks):
    from assessment import services
    from tests.assessment.scoring import compute_may

    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(run, by=people.assessor)
    published = Notification.objects.filter(title__contains=month_data.scheme.title)
    assert published.exists() and set(published.values_list("url", flat=True)) == {"/assessment/scores/mine/"}


@pytest.fixture
def worker_tasks():
    """The tasks a worker registers: it imports every app's tasks module at start."""
    from league_portal.celery import app

    app.loader.import_default_modules()
    return app.tasks


def test_the_tasks_answer_to_their_new_and_their_old_names(worker_tasks):
    from assessment.tasks import LEGACY_NAMES

    for old, new in LEGACY_NAMES.items():
        assert old in worker_tasks and new in worker_tasks, old
        assert worker_tasks[old].time_limit == worker_tasks[new].time_limit
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} >= {"assessment.tasks.compute_due_assessments"}
    assert not any(entry["task"] in LEGACY_NAMES for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_a_message_queued_under_the_old_name_computes_the_run(people, month_data, worker_tasks):
    from freezegun import freeze_time

    from assessment.models import AssessmentRun, Score
    from tests.assessment.scoring import MAY

    run = AssessmentRun.objects.create(scheme=month_data.scheme, month=MAY)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        result = worker_tasks["plans.tasks.compute_scores"].apply_async(args=[run.pk])
    run.refresh_from_db()
    assert result.get() == 3 and run.status == "provisional" and Score.objects.filter(run=run).count() == 3


def test_the_old_beat_name_starts_the_due_computations(people, month_data, worker_tasks,
                                                       django_capture_on_commit_callbacks):
    from freezegun import freeze_time

    month_data.scheme.compute_day = 8
    month_data.scheme.save()
    with freeze_time("2026-06-08 06:30:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        (run_id,) = worker_tasks["plans.tasks.compute_due_assessments"].apply().get()
    from assessment.models import Score

    assert Score.objects.filter(run_id=run_id).count() == 3


def test_the_plans_app_imports_nothing_of_the_assessment():
    """The direction runs assessment → plans; plans (its old migrations aside) never reaches back."""
    import ast
    from pathlib import Path

    found = []
    for path in (Path(settings.BASE_DIR) / "plans").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "assessment"]
    assert found == []
