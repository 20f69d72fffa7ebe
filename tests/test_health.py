"""/healthz/live and /healthz/ready, the workers' heartbeats and the job queues they beat on."""
import time

import pytest
from django.core.cache import cache

from league_portal import health
from league_portal.celery import app
from league_portal.tasks import heartbeat


@pytest.fixture
def with_broker(settings):
    settings.REDIS_URL = "redis://broker.invalid:6379/0"  # only switches the broker and worker parts on
    settings.HEALTH_HEARTBEAT_QUEUES = ["celery", "scoring"]
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 300


@pytest.fixture
def broker_up(monkeypatch):
    monkeypatch.setattr(health, "_broker", lambda: None)


def test_live_answers_without_touching_the_database(client):
    response = client.get("/healthz/live")  # no db fixture: a query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_reports_the_database_and_skips_the_broker_in_eager_mode(client, db, settings):
    settings.REDIS_URL = ""
    body = client.get("/healthz/ready").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == body["checks"]["workers"]["status"] == "skipped"


def test_the_old_address_answers_the_ready_check(client, db, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["checks"]["database"]["status"] == "ok"


def test_ready_is_ok_when_every_queue_has_beaten_lately(client, db, with_broker, broker_up):
    heartbeat.delay("celery")
    heartbeat.delay("scoring")
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok", body
    assert set(body["checks"]["workers"]["queues"]) == {"celery", "scoring"}
    assert body["checks"]["workers"]["queues"]["scoring"]["age_seconds"] < 5


def test_a_stale_worker_is_reported_but_the_web_stays_ready(client, db, with_broker, broker_up):
    heartbeat.delay("celery")
    cache.set(health.HEARTBEAT_KEY.format(queue="scoring"), time.time() - 600, timeout=None)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["workers"]["status"] == "stale"
    assert body["checks"]["workers"]["queues"]["scoring"]["status"] == "stale"
    assert body["checks"]["workers"]["queues"]["celery"]["status"] == "ok"


def test_a_queue_no_worker_ever_took_is_stale(client, db, with_broker, broker_up):
    body = client.get("/healthz/ready").json()
    assert body["checks"]["workers"]["queues"]["celery"] == {"status": "stale", "detail": "no heartbeat yet"}


def test_a_dead_broker_is_reported_but_the_web_stays_ready(client, db, with_broker, monkeypatch):
    def unreachable():
        raise ConnectionError("Error 111 connecting to broker.invalid:6379")

    monkeypatch.setattr(health, "_broker", unreachable)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "error"
    assert "ConnectionError" in response.json()["checks"]["broker"]["detail"]


def test_ready_fails_when_the_database_does_not_answer(client, db, settings, monkeypatch):
    settings.REDIS_URL = ""

    def down():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["checks"]["database"]["status"] == "error"


def test_health_is_answered_over_plain_http_when_everything_else_is_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_every_task_is_routed_to_a_queue_a_worker_takes(settings):
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    routed = set(settings.CELERY_TASK_ROUTES)
    assert routed - ours == set(), "routes for tasks that do not exist"
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= queues
    default = ours - routed
    # housekeeping stays on the default queue
    assert default == {"orgs.tasks.verify_tree", "orgs.tasks.prune_audit", "accounts.tasks.purge_expired_tokens",
                       "league_portal.tasks.heartbeat", "core.tasks.send_pending_jobs"}, \
        "new tasks belong to a queue of settings.TASK_QUEUES"


def test_beat_sends_a_heartbeat_to_every_queue(settings):
    beats = {entry["kwargs"]["queue"]: entry["options"]["queue"]
             for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "league_portal.tasks.heartbeat"}
    assert beats == {queue.name: queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert set(beats) == set(settings.HEALTH_HEARTBEAT_QUEUES)
