"""A real worker killed with SIGKILL in the middle of a job: the message comes back (acks late, and Redis's visibility
timeout, short here), a fresh worker runs it again, and the stored rows equal those of an uninterrupted run.

"In the middle" is made exact by a lock this test holds on what the job writes next: the worker is killed while it
waits for it, after it has read, computed and (for the roll-ups) already committed a part of its writes.
"""
import datetime
import io
import os
import time
from decimal import Decimal

import psycopg2
import pytest
from django.test import TestCase

from league_portal.celery import app

from .conftest import Worker, database_url

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis broker to send tasks through"),
]

VISIBILITY = "2"  # seconds before a message a dead worker held comes back; production keeps two hours
# kombu 5.7 looks for such messages every CELERY_UNACKED_RESTORE_INTERVAL seconds (settings): here every second


@pytest.fixture
def killable(transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: set DATABASE_URL to PostgreSQL")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    running = Worker(CELERY_VISIBILITY_TIMEOUT=VISIBILITY, CELERY_UNACKED_RESTORE_INTERVAL="1")
    try:
        running.start()
        yield running
    finally:
        app.conf.task_always_eager = eager
        running.stop()


def kill_while_it_waits(worker, lock_sql, params, send, kill=None):
    """Hold ``lock_sql``, send the job, SIGKILL the worker once its query waits for the lock, release the lock,
    start a fresh worker on the same queue and return the first result (the redelivered message's)."""
    blocker = psycopg2.connect(database_url())
    try:
        with blocker.cursor() as cursor:
            cursor.execute(lock_sql, params)
            pending = send()
            deadline = time.monotonic() + 60
            while True:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a snapshot per transaction otherwise
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database() AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(f"the job never reached the locked write ({pending.state}):\n{worker.output()}")
                time.sleep(0.1)
            (kill or worker.kill)()
    finally:
        blocker.rollback()
        blocker.close()
    if kill is None:
        worker.start()
    started = time.monotonic()
    result = pending.get(timeout=45)  # kombu restores unacked messages every few seconds once they are due
    print(f"redelivered and finished {time.monotonic() - started:.1f} s after the worker was back")
    return result


def test_scoring_killed_midway_is_redelivered_and_writes_what_an_uninterrupted_run_writes(killable, people, tree):
    from assessment.models import AssessmentRun
    from assessment.tasks import compute_scores

    from .test_celery_worker import score_rows, this_months_run

    run = this_months_run(tree, people)
    assert compute_scores.apply_async(args=[run.pk], queue=killable.queue).get(timeout=60) == 1
    clean = score_rows(run)
    AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
    from assessment.models import Score
    Score.objects.filter(run=run).delete()  # the killed run starts from nothing: every row must come from the retry

    result = kill_while_it_waits(killable, "SELECT id FROM plans_assessmentrun WHERE id = %s FOR UPDATE", [run.pk],
                                 lambda: compute_scores.apply_async(args=[run.pk], queue=killable.queue))
    assert result == 1
    assert score_rows(run) == clean and clean[0]
    assert AssessmentRun.objects.get(pk=run.pk).status == "provisional"


def rollup_rows():
    from plans.models import Assignment

    return sorted(Assignment.objects.values_list("pk", "own_value", "own_value_on", "actual_value", "completion",
                                                 "expected", "light"))


def test_a_rollup_rebuild_killed_midway_is_redelivered_and_ends_as_an_uninterrupted_one(killable, people, tree):
    from orgs.permissions import SYSTEM
    from plans import services
    from plans.models import Assignment
    from plans.tasks import rebuild_rollups
    from tests.plans.conftest import build_plan

    plan = build_plan(tree)
    with TestCase.captureOnCommitCallbacks(execute=False):  # the refresh these entries ask for is not wanted here
        for assignment, value in ((plan.district, 12), (plan.branch, 4)):
            services.record_progress(assignment, by=SYSTEM, reported_on=datetime.date.today(), value=Decimal(value))
    assert rebuild_rollups.apply_async(queue=killable.queue).get(timeout=60) >= 0
    clean = rollup_rows()
    assert any(row[3] is not None for row in clean)
    # forget every stored figure: the rebuild must write them all again, one row after another
    Assignment.objects.update(own_value=None, own_value_on=None, actual_value=None, completion=None, expected=None,
                              light="", rolled_up_at=None, last_progress_at=None)
    last = Assignment.objects.order_by("-pk").values_list("pk", flat=True)[0]
    kill_while_it_waits(killable, "SELECT id FROM plans_assignment WHERE id = %s FOR UPDATE", [last],
                        lambda: rebuild_rollups.apply_async(queue=killable.queue))
    assert rollup_rows() == clean


def test_a_volunteer_import_killed_while_writing_is_redelivered_and_writes_each_volunteer_once(killable, people, tree,
                                                                                               monkeypatch):
    from orgs.choices import ImportStatus
    from volunteers import imports
    from volunteers.models import Volunteer, VolunteerImport
    from volunteers.tasks import run_volunteer_import

    from ..volunteers.ids import resident_id
    from ..volunteers.sheets import csv_file

    monkeypatch.setattr(imports, "enqueue", lambda *args: None)  # this test sends the jobs to its own worker
    rows = [[f"志愿者{i}", "", "居民身份证", resident_id(serial=i * 2 + 1), "13912345678", "A1a", "共青团员",
             "2026-03-01", f"ZYH{i:03d}"] for i in range(40)]
    job = imports.start_import(by=people.staff, kind="volunteers", organization=tree.district, upload=csv_file(rows))
    assert run_volunteer_import.apply_async(args=[job.pk], queue=killable.queue).get(timeout=60) == "done", \
        VolunteerImport.objects.get(pk=job.pk).errors
    imports.apply_import(job, by=people.staff)

    result = kill_while_it_waits(killable, "LOCK TABLE volunteers_volunteer IN EXCLUSIVE MODE", [],
                                 lambda: run_volunteer_import.apply_async(args=[job.pk], queue=killable.queue))
    assert result == "done"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.summary["imported"] == 40 and not job.file
    assert Volunteer.objects.count() == 40
    assert sorted(Volunteer.objects.values_list("name", flat=True)) == sorted(row[0] for row in rows)
    # the message delivered once more (a second redelivery) writes nothing again
    assert run_volunteer_import.apply_async(args=[job.pk], queue=killable.queue).get(timeout=60) == "done"
    assert Volunteer.objects.count() == 40


def sheet_cells(download):
    import openpyxl

    with download.file.open("rb") as stored:
        book = openpyxl.load_workbook(io.BytesIO(stored.read()), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_a_sheet_export_killed_midway_is_redelivered_and_offers_one_download(killable, people, tree):
    from assessment.tasks import compute_scores, write_score_sheet
    from notifications.models import Download, Notification

    from .test_celery_worker import this_months_run

    run = this_months_run(tree, people)
    assert compute_scores.apply_async(args=[run.pk], queue=killable.queue).get(timeout=60) == 1
    user = people.assessor
    assert write_score_sheet.apply_async(args=["month", run.pk, user.pk, "clean.xlsx"],
                                         queue=killable.queue).get(timeout=60) == "clean.xlsx"
    clean = Download.objects.get(name="clean.xlsx")

    # the workbook is written; its Download row waits for the lock when the worker dies
    result = kill_while_it_waits(killable, "LOCK TABLE notifications_download IN EXCLUSIVE MODE", [],
                                 lambda: write_score_sheet.apply_async(args=["month", run.pk, user.pk, "killed.xlsx"],
                                                                       queue=killable.queue))
    assert result == "killed.xlsx"
    killed = Download.objects.get(name="killed.xlsx")  # one, not two
    assert sheet_cells(killed) == sheet_cells(clean)
    assert Notification.objects.filter(user=user, url__endswith=f"/{killed.pk}/").count() == 1
    for download in Download.objects.all():
        download.file.delete()


def test_a_prefork_child_killed_midway_gives_its_message_back_at_once(transactional_db, people, tree):
    """Production runs prefork: the child doing the job dies (SIGKILL, the out-of-memory killer), its parent lives.
    With task_reject_on_worker_lost the parent requeues the message instead of acknowledging it as failed."""
    import signal
    from pathlib import Path

    from django.db import connection

    from assessment.models import AssessmentRun, Score
    from assessment.tasks import compute_scores

    from .test_celery_worker import score_rows, this_months_run

    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: set DATABASE_URL to PostgreSQL")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = Worker(pool="prefork")  # the production visibility timeout: only the requeue can bring it back soon
    try:
        worker.start()
        run = this_months_run(tree, people)
        assert compute_scores.apply_async(args=[run.pk], queue=worker.queue).get(timeout=60) == 1
        clean = score_rows(run)
        AssessmentRun.objects.filter(pk=run.pk).update(status="computing")
        Score.objects.filter(run=run).delete()

        def kill_the_child():
            children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children").read_text().split()
            assert len(children) == 1, children
            os.kill(int(children[0]), signal.SIGKILL)

        result = kill_while_it_waits(worker, "SELECT id FROM plans_assessmentrun WHERE id = %s FOR UPDATE", [run.pk],
                                     lambda: compute_scores.apply_async(args=[run.pk], queue=worker.queue),
                                     kill=kill_the_child)
        assert result == 1
        assert score_rows(run) == clean and AssessmentRun.objects.get(pk=run.pk).status == "provisional"
        assert "WorkerLostError" in worker.output() or "exited" in worker.output(), worker.output()
    finally:
        app.conf.task_always_eager = eager
        worker.stop()
