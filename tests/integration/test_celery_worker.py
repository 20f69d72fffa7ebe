"""A real task through Redis to a real Celery worker that this test starts, on PostgreSQL.

Skipped with a reason on a bare machine (no REDIS_URL, or SQLite whose test database a
second process cannot share); .ci/run sets both variables, so CI runs it.
"""
import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from league_portal.celery import app
from orgs.tasks import verify_tree

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis broker to send tasks through"),
]


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: set DATABASE_URL to PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "league_portal.settings", "DATABASE_URL": database_url()}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "league_portal", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0, destination=None) or not any(
            queue in name for reply in app.control.ping(timeout=1.0) for name in reply
        ):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start:\n" + (process.stdout.read() if process.poll() is not None else ""))
            time.sleep(0.5)
        yield queue
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_task_travels_through_redis_to_a_real_worker(worker, tree):
    result = verify_tree.apply_async(queue=worker)
    assert result.get(timeout=60) == {"organizations": 6, "problems": {}}


def test_healthz_sees_the_broker_and_the_worker(worker, client):
    body = client.get("/healthz").json()
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "ok", body
    assert body["status"] == "ok"


def test_the_morning_reminders_run_on_a_real_worker(worker, people, tree):
    import datetime

    from notifications.models import Kind, Notification
    from plans.models import ReportingRule
    from plans.tasks import send_report_reminders

    # due on the 1st: whatever today is, last month's report is due today or missing
    ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=1,
                                 since=datetime.date(2000, 1, 1))
    assert send_report_reminders.apply_async(queue=worker).get(timeout=60) == 1
    assert send_report_reminders.apply_async(queue=worker).get(timeout=60) == 0  # once a day
    notification = Notification.objects.get()
    assert notification.user == people.reporter and notification.kind in (Kind.REPORT_DUE_TODAY, Kind.REPORT_MISSING)


def test_scores_are_computed_on_a_real_worker_and_again_identically(worker, people, tree):
    import datetime

    from plans import assessment
    from plans.models import AssessmentRun, Score, ScoreItem
    from plans.tasks import compute_scores

    scheme = assessment.install_default_scheme(tree.city_a, datetime.date.today().year, by=people.assessor)
    run = AssessmentRun.objects.create(scheme=scheme, month=datetime.date.today().replace(day=1))

    def rows():
        return (sorted(Score.objects.filter(run=run).values_list("organization__code", "total", "rank", "grade")),
                sorted(ScoreItem.objects.filter(score__run=run).values_list("score__organization__code", "indicator_id",
                                                                            "points", "explanation")))

    assert compute_scores.apply_async(args=[run.pk], queue=worker).get(timeout=60) == 1
    first = rows()
    AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
    assert compute_scores.apply_async(args=[run.pk], queue=worker).get(timeout=60) == 1
    assert rows() == first and first[0][0][0] == "A1a"
    assert AssessmentRun.objects.get(pk=run.pk).status == "provisional"
