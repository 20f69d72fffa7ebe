"""Health endpoints for the container healthcheck, load balancers and monitoring; public, no data.

``/healthz/live``: the process answers (no database, nothing else). ``/healthz/ready``: the database, the broker when
``REDIS_URL`` is set, and each worker queue's heartbeat (``league_portal.tasks.heartbeat``, sent by beat to every
queue and written into the shared cache), as JSON. Ready answers 200 while the database answers, 503 when it does
not: a dead broker or a stale worker is reported ("degraded") but restarting the web containers would not mend it,
so it does not make them unhealthy (the pages keep working without Redis: jobs wait in the outbox, reported
here as ``outbox``, tests/integration/test_redis_down.py). ``/healthz`` is the ready check under its old address.
"""
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app

HEARTBEAT_KEY = "health:heartbeat:{queue}"


def _timed(check):
    started = time.monotonic()
    try:
        detail = check()
        result = {"status": "ok"}
        if detail:
            result["detail"] = detail
    except Exception as exc:  # a health check reports every failure rather than raising
        result = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def record_heartbeat(queue):
    cache.set(HEARTBEAT_KEY.format(queue=queue), time.time(), timeout=None)


def _workers():
    """Each queue's last heartbeat: ok when it is recent, stale when older than HEALTH_HEARTBEAT_STALE_SECONDS or
    never seen (no worker takes that queue, or it is busy with long jobs)."""
    queues = settings.HEALTH_HEARTBEAT_QUEUES
    try:
        get_many = getattr(cache, "get_many_or_raise", cache.get_many)  # the forgiving cache would hide a failure
        beats = get_many([HEARTBEAT_KEY.format(queue=queue) for queue in queues])
    except Exception as exc:  # the cache is Redis too
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"}
    now = time.time()
    report = {}
    for queue in queues:
        beat = beats.get(HEARTBEAT_KEY.format(queue=queue))
        if beat is None:
            report[queue] = {"status": "stale", "detail": "no heartbeat yet"}
        else:
            age = round(now - beat, 1)
            fresh = age < settings.HEALTH_HEARTBEAT_STALE_SECONDS
            report[queue] = {"status": "ok" if fresh else "stale", "age_seconds": age}
    stale = any(part["status"] != "ok" for part in report.values())
    return {"status": "stale" if stale else "ok", "queues": report}


def _outbox():
    """Jobs kept while the broker refused them (core.jobs); beat sends them once it is back."""
    from django.db import DatabaseError

    from core.models import PendingJob

    try:
        pending = PendingJob.objects.count()
    except DatabaseError as exc:  # e.g. migrations not applied yet: said, not a 500
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": "waiting" if pending else "ok", "pending": pending}


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    checks = {"database": _timed(_database)}
    if settings.REDIS_URL:
        checks["broker"] = _timed(_broker)
        checks["workers"] = _workers()
    else:
        checks["broker"] = {"status": "skipped", "detail": "no REDIS_URL: tasks run eagerly in-process"}
        checks["workers"] = {"status": "skipped", "detail": "eager mode"}
    if database_ok := checks["database"]["status"] == "ok":
        checks["outbox"] = _outbox()
    everything_ok = all(check["status"] in ("ok", "skipped") for check in checks.values())
    status = "ok" if everything_ok else "degraded" if database_ok else "error"
    return JsonResponse({"status": status, "checks": checks}, status=200 if database_ok else 503)
