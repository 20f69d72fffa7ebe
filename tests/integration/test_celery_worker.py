"""A real task through Redis to a real Celery worker that this test starts, on PostgreSQL.

Skipped with a reason on a bare machine (no REDIS_URL, or SQLite whose test database a
second process cannot share); .ci/run sets both variables, so CI runs it.
"""
import os
import time

import pytest

from league_portal.celery import app
from orgs.tasks import verify_tree

from .conftest import database_url

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis broker to send tasks through"),
]


def test_a_task_travels_through_redis_to_a_real_worker(worker, tree):
    result = verify_tree.apply_async(queue=worker.queue)
    assert result.get(timeout=60) == {"organizations": 6, "problems": {}}


def test_ready_sees_the_broker_and_the_heartbeat_of_a_real_worker(worker, client, settings):
    """The heartbeat beat sends to each queue, taken by the worker, written into the cache both processes share
    (Redis: the test settings' own cache is in memory), read by /healthz/ready."""
    from league_portal.tasks import heartbeat

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": os.environ["REDIS_URL"]}}
    settings.HEALTH_HEARTBEAT_QUEUES = [worker.queue]
    assert client.get("/healthz/ready").json()["checks"]["workers"]["status"] == "stale"  # nothing beat yet
    heartbeat.apply_async(kwargs={"queue": worker.queue}, queue=worker.queue)
    deadline = time.monotonic() + 60
    while (body := client.get("/healthz/ready").json())["checks"]["workers"]["status"] != "ok":
        assert time.monotonic() < deadline, body
        time.sleep(0.5)
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["workers"]["queues"][worker.queue]["age_seconds"] < 60
    assert body["status"] == "ok"
    worker.kill()  # a dead worker: stale, reported, and the web stays ready
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 0
    response = client.get("/healthz/ready")
    assert response.status_code == 200 and response.json()["checks"]["workers"]["status"] == "stale"


def test_the_morning_reminders_run_on_a_real_worker(worker, people, tree):
    import datetime

    from notifications.models import Notification
    from reports import kinds
    from reports.models import ReportingRule
    from reports.tasks import send_report_reminders

    # due on the 1st: whatever today is, last month's report is due today or missing
    ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=1,
                                 since=datetime.date(2000, 1, 1))
    assert send_report_reminders.apply_async(queue=worker.queue).get(timeout=60) == 1
    assert send_report_reminders.apply_async(queue=worker.queue).get(timeout=60) == 0  # once a day
    notification = Notification.objects.get()
    assert notification.user == people.reporter and notification.kind in (kinds.REPORT_DUE_TODAY, kinds.REPORT_MISSING)


def test_a_message_queued_under_the_old_task_name_runs_on_a_real_worker(worker, people, tree):
    """The reminders were plans.tasks.send_report_reminders before the reports app; messages under that name run."""
    import datetime

    from notifications.models import Notification
    from reports.models import ReportingRule

    ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=1,
                                 since=datetime.date(2000, 1, 1))
    assert app.send_task("plans.tasks.send_report_reminders", queue=worker.queue).get(timeout=60) == 1
    assert app.send_task("reports.tasks.send_report_reminders", queue=worker.queue).get(timeout=60) == 0  # the same job
    assert Notification.objects.get().user == people.reporter


def this_months_run(tree, people):
    """This month's run, not computed yet, of city A's default scheme."""
    import datetime

    from assessment import services
    from assessment.models import AssessmentRun

    scheme = services.install_default_scheme(tree.city_a, datetime.date.today().year, by=people.assessor)
    return AssessmentRun.objects.create(scheme=scheme, month=datetime.date.today().replace(day=1))


def score_rows(run):
    """What a computation wrote for ``run``: its scores and their items, sorted."""
    from assessment.models import Score, ScoreItem

    return (sorted(Score.objects.filter(run=run).values_list("organization__code", "total", "rank", "grade")),
            sorted(ScoreItem.objects.filter(score__run=run).values_list("score__organization__code", "indicator_id",
                                                                        "points", "explanation")))


def test_scores_are_computed_on_a_real_worker_and_again_identically(worker, people, tree):
    from assessment.models import AssessmentRun
    from assessment.tasks import compute_scores

    run = this_months_run(tree, people)
    assert compute_scores.apply_async(args=[run.pk], queue=worker.queue).get(timeout=60) == 1
    first = score_rows(run)
    AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
    assert compute_scores.apply_async(args=[run.pk], queue=worker.queue).get(timeout=60) == 1
    assert score_rows(run) == first and first[0][0][0] == "A1a"
    assert AssessmentRun.objects.get(pk=run.pk).status == "provisional"
    # a message queued under the task's name before the assessment left plans still runs (for one release)
    AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
    assert app.send_task("plans.tasks.compute_scores", args=[run.pk], queue=worker.queue).get(timeout=60) == 1
    assert score_rows(run) == first and AssessmentRun.objects.get(pk=run.pk).status == "provisional"


def test_a_worker_killed_midway_leaves_the_last_rows_and_a_rerun_writes_the_same(worker, people, tree):
    """Hold the run's row lock so the computation stops just before it writes, kill the worker there,
    and compute again on a fresh worker."""
    from assessment.models import AssessmentRun
    from assessment.tasks import compute_scores

    run = this_months_run(tree, people)

    compute_scores.apply_async(args=[run.pk], queue=worker.queue).get(timeout=60)
    clean = score_rows(run)
    AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
    blocker = raw_connection(database_url())
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT id FROM plans_assessmentrun WHERE id = %s FOR UPDATE", [run.pk])
            pending = compute_scores.apply_async(args=[run.pk], queue=worker.queue)
            deadline = time.monotonic() + 60
            while True:  # the worker has gathered and scored, and waits for the lock to write
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a snapshot per transaction otherwise
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND query LIKE %s", ["%plans_assessmentrun%FOR UPDATE%"])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() > deadline:
                    cursor.execute("SELECT state, wait_event_type, wait_event, left(query, 200) FROM pg_stat_activity")
                    raise AssertionError(f"the computation never reached its write ({pending.state}): {cursor.fetchall()}\n"
                                         f"{worker.output()}")
                time.sleep(0.2)
            worker.kill()
    finally:
        blocker.rollback()
        blocker.close()
    assert score_rows(run) == clean  # nothing half-written
    assert AssessmentRun.objects.get(pk=run.pk).status == "computing"
    worker.start()
    assert compute_scores.apply_async(args=[run.pk], queue=worker.queue).get(timeout=60) == 1
    assert score_rows(run) == clean and AssessmentRun.objects.get(pk=run.pk).status == "provisional"


def test_a_large_organisation_import_runs_on_a_real_worker_all_or_nothing(worker, people, tree):
    """The job's file is kept where the worker finds it (MEDIA_ROOT of both processes); a valid file is
    imported whole and its copy removed, a zip bomb ends the job with the guard's message."""
    from pathlib import Path

    from django.core.files.base import ContentFile

    from notifications.models import Notification
    from orgs.models import ImportJob, Organization
    from orgs.tasks import run_import_job

    rows = "".join(f"A1w{i},新支部{i},A1,基层,团支部,学校,{i},{i}\n" for i in range(6))
    job = ImportJob(created_by=people.admin, original_name="大表.csv", apply=True)
    job.file.save("worker-test.csv", ContentFile(("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"
                                                  + rows).encode()))
    assert run_import_job.apply_async(args=[job.pk], queue=worker.queue).get(timeout=60) == "done", worker.output()
    job.refresh_from_db()
    assert job.progress == 100 and job.summary["create"] == 6 and not job.file
    assert Organization.objects.filter(code__startswith="A1w").count() == 6
    assert Notification.objects.filter(user=people.admin, url=job.get_absolute_url()).exists()

    bomb = ImportJob(created_by=people.admin, original_name="bomb.xlsx", apply=True)
    bomb.file.save("worker-test.xlsx", ContentFile(
        (Path(__file__).resolve().parent.parent / "fixtures" / "bad" / "xlsx-bomb.xlsx").read_bytes()))
    assert run_import_job.apply_async(args=[bomb.pk], queue=worker.queue).get(timeout=60) == "failed"
    bomb.refresh_from_db()
    assert "100" in bomb.detail and not bomb.file


def raw_connection(url):
    """A connection of its own beside Django's, through whichever driver Django uses (psycopg 3, else psycopg2)."""
    try:
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver
    return driver.connect(url)
