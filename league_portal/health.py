"""``GET /healthz``: the database, the broker (when configured) and a worker ping, as JSON."""
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from .celery import app


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


def _workers():
    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered the ping")
    return f"{len(replies)} worker(s)"


def healthz(request):
    checks = {"database": _timed(_database)}
    if settings.REDIS_URL:
        checks["broker"] = _timed(_broker)
        checks["worker"] = _timed(_workers) if checks["broker"]["status"] == "ok" else {"status": "skipped"}
    else:
        checks["broker"] = {"status": "skipped", "detail": "no REDIS_URL: tasks run eagerly in-process"}
        checks["worker"] = {"status": "skipped", "detail": "eager mode"}
    healthy = all(c["status"] in ("ok", "skipped") for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
