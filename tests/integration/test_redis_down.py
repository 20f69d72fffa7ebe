"""Redis (broker and cache) stops while the portal serves: pages still answer, a write is kept and the job it asked
for waits in the outbox (core.jobs), /healthz/ready names the broker; when Redis is back the job is sent and a
worker does it. Redis here is a throwaway redis-server on its own port, gunicorn and the worker use it."""
import datetime
import os
import time

import pytest
import requests

from core.models import PendingJob
from plans.models import Assignment, ProgressEntry

from .conftest import database_url
from .live import CeleryWorker, Portal, RedisServer, csrf_post, logged_in, manage_py

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: CI's stack is not here"),
]


@pytest.fixture
def stack(transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the portal processes share the test database: set DATABASE_URL to PostgreSQL")
    redis = RedisServer()
    redis.start()
    env = {"REDIS_URL": redis.url, "DATABASE_URL": database_url()}
    portal, worker = Portal(**env), CeleryWorker(**env)
    try:
        portal.start()
        worker.start()
        yield redis, portal, worker, env
    finally:
        worker.stop()
        portal.stop()
        redis.stop()


def test_with_redis_down_pages_answer_writes_are_kept_and_the_work_queues_when_it_returns(stack, tree, people):
    from tests.plans.conftest import build_plan

    redis, portal, worker, env = stack
    plan = build_plan(tree)
    session = logged_in(portal, people.reporter)
    ready = requests.get(f"{portal.url}/healthz/ready", timeout=10).json()
    assert ready["checks"]["broker"]["status"] == "ok", ready

    redis.stop()
    started = time.monotonic()
    home = session.get(portal.url + "/", timeout=30)
    assert home.status_code == 200, portal.output()
    path = f"/plans/assignments/{plan.branch.pk}/progress/"
    prefix = f"a{plan.branch.pk}"
    answer = csrf_post(session, path, {f"{prefix}-reported_on": datetime.date.today().isoformat(),
                                       f"{prefix}-value": "7", f"{prefix}-note": "Redis 停了也要记下"})
    took = time.monotonic() - started
    assert answer.status_code == 200, portal.output()
    entry = ProgressEntry.objects.get(assignment=plan.branch)  # the write is kept
    assert entry.value == 7
    waiting = list(PendingJob.objects.values_list("name", "kwargs"))
    # after an entry only its assignment and those above it are refreshed (plans.services.schedule_refresh)
    assert waiting == [("plans.tasks.refresh_rollups", {"assignment_id": plan.branch.pk,
                                                         "pending_key": f"rollup-pending:a:{plan.branch.pk}"})]
    assert "could not send plans.tasks.refresh_rollups" in portal.output()
    assert took < 10, f"the pages took {took:.1f} s with Redis down"
    response = requests.get(f"{portal.url}/healthz/ready", timeout=30)
    body = response.json()
    # the web still serves, so it stays in the load balancer: 200, "degraded", and the broker named as the cause
    assert response.status_code == 200 and body["status"] == "degraded", body
    assert body["checks"]["broker"]["status"] == "error" and "onnect" in body["checks"]["broker"]["detail"], body
    assert body["checks"]["outbox"] == {"status": "waiting", "pending": 1}, body

    redis.start()  # the same port: the portal and the worker find it again by themselves
    assert manage_py("from core.jobs import send_pending; print(send_pending())", **env) == "1"  # beat's minute
    assert not PendingJob.objects.exists()
    deadline = time.monotonic() + 60
    while Assignment.objects.get(pk=plan.branch.pk).actual_value != 7:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.5)
    body = requests.get(f"{portal.url}/healthz/ready", timeout=10).json()
    assert body["checks"]["broker"]["status"] == "ok" and body["checks"]["outbox"]["status"] == "ok", body
    # and a new write queues at once again
    answer = csrf_post(session, path, {f"{prefix}-reported_on": datetime.date.today().isoformat(),
                                       f"{prefix}-value": "9"})
    assert answer.status_code == 200 and not PendingJob.objects.exists(), portal.output()
    deadline = time.monotonic() + 60
    while Assignment.objects.get(pk=plan.branch.pk).actual_value != 9:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.5)
