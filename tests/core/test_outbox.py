"""core.jobs' outbox and core.cache's forgiving Redis cache: what keeps pages working while Redis is away
(tests/integration/test_redis_down.py runs them against a real redis-server that stops)."""
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import jobs
from core.cache import ForgivingRedisCache
from core.models import PendingJob


@pytest.fixture
def not_eager():
    from league_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def broker(monkeypatch, not_eager):
    sent = []
    state = {"down": True}

    def publish(name, args, kwargs, options):
        if state["down"]:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
        sent.append((name, args, kwargs, options))

    monkeypatch.setattr(jobs, "_publish", publish)
    return state, sent


def test_a_job_the_broker_refuses_waits_in_the_outbox_and_is_sent_when_it_is_back(db, broker, caplog):
    state, sent = broker
    assert jobs.send("plans.tasks.refresh_rollups", kwargs={"target_id": 7}, countdown=3) is False
    job = PendingJob.objects.get()
    assert (job.name, job.args, job.kwargs, job.options) == ("plans.tasks.refresh_rollups", [], {"target_id": 7}, {})
    assert "ConnectionError" in job.last_error and "kept in the outbox" in caplog.text
    assert jobs.send_pending() == 0  # still down: kept, one more attempt counted
    assert PendingJob.objects.get().attempts == 2
    state["down"] = False
    assert jobs.send_pending() == 1
    assert sent == [("plans.tasks.refresh_rollups", [], {"target_id": 7}, {})] and not PendingJob.objects.exists()


def test_enqueue_sends_after_the_commit_and_a_refused_send_does_not_fail_the_write(db, broker,
                                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue("orgs.tasks.verify_tree")
    assert PendingJob.objects.filter(name="orgs.tasks.verify_tree").exists()


def test_in_eager_mode_a_task_error_is_the_callers_not_the_outboxs(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the task's own bug")

    monkeypatch.setattr(jobs, "_publish", broken)
    with pytest.raises(ValueError):
        jobs.send("orgs.tasks.verify_tree")
    assert not PendingJob.objects.exists()


def test_the_forgiving_cache_misses_and_skips_while_redis_is_away_but_health_sees_it():
    cache = ForgivingRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is None and cache.delete("k") is False
    assert cache.add("claim", 1) is True  # a claim it cannot record counts as won: the work is done, not skipped
    with pytest.raises(RedisConnectionError):
        cache.get_many_or_raise(["a"])
