"""Logs an operator can search: one JSON object a line in production, plain text when DEBUG.

Every line carries the request id (taken from the trusted proxy's X-Request-ID or made here, and sent back on the
response), the user id, and in a Celery worker the task id and name, all read from context variables by
``ContextFilter`` — so a line written deep inside a service is tied to its request or task without passing anything.
This module imports nothing of Django's at import time: deploy/gunicorn.conf.py reads ``logging_config`` too.
"""
import logging
import time
from contextvars import ContextVar

from core.context import request_id_of

request_id = ContextVar("request_id", default="")
user_id = ContextVar("user_id", default=None)
task_id = ContextVar("task_id", default="")
task_name = ContextVar("task_name", default="")

CONTEXT = {"request_id": request_id, "user_id": user_id, "task_id": task_id, "task_name": task_name}
# A proxy's id is kept only when it looks like one (UUIDs, Caddy's and nginx's hex ids, AWS' "Root=1-…"): a log
# line never carries a client's newline or a megabyte of header.
REQUEST_ID_HEADER = "X-Request-ID"

access_log = logging.getLogger("league_portal.request")


class ContextFilter(logging.Filter):
    """Puts the request's and the task's context on every record (an empty string or None outside one)."""

    def filter(self, record):
        for name, variable in CONTEXT.items():
            if not hasattr(record, name):
                setattr(record, name, variable.get())
        return True


JSON_FIELDS = "{levelname}{name}{message}{request_id}{user_id}{task_id}{task_name}"
TEXT_FORMAT = "{asctime} {levelname} {name} [{request_id}{task_id}] {message}"


def logging_config(*, json: bool, level: str = "INFO") -> dict:
    """The ``LOGGING`` dict: JSON lines (time, level, logger, message, request_id, user_id, task_id, task_name, and
    whatever ``extra`` a call adds) or plain text, on standard error, for Django, gunicorn and Celery alike."""
    formatter = (
        {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": JSON_FIELDS, "style": "{", "timestamp": "time",
         "rename_fields": {"levelname": "level", "name": "logger"}, "json_ensure_ascii": False}
        if json
        else {"format": TEXT_FORMAT, "style": "{"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "league_portal.logs.ContextFilter"}},
        "formatters": {"portal": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal", "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # the middleware writes one line per request with its id and user; runserver's own line would repeat it
            "django.server": {"level": "WARNING"},
            # gunicorn's loggers propagate to the root handler (its access log is off: see deploy/gunicorn.conf.py)
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
        },
    }


class RequestIdMiddleware:
    """Gives each request an id: the trusted proxy's X-Request-ID (TrustedProxyMiddleware, which runs first, drops the
    header from anyone else) or a new one; it goes on the response's X-Request-ID and on every log line written while
    the request is answered, with the user id, and the request itself ends in one line of ``league_portal.request``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        tokens = [request_id.set(request.request_id), user_id.set(None)]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # DRF authenticates tokens inside the view and sets the user on this request: read it again
            user_id.set(_user_id(request))
            response[REQUEST_ID_HEADER] = request.request_id
            access_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round((time.monotonic() - started) * 1000, 1),
                       "client": request.META.get("REMOTE_ADDR", "")},
            )
            return response
        finally:
            for token in reversed(tokens):
                token.var.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # after every middleware's request half, so the session's user is known to the lines the view writes
        user_id.set(_user_id(request))


def _user_id(request):
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def bind_task(task_id_value: str, name: str):
    """Sets the task's context for the lines a Celery task writes (league_portal/celery.py's signals)."""
    return [task_id.set(task_id_value or ""), task_name.set(name or "")]


def unbind(tokens):
    for token in reversed(tokens or []):
        token.var.reset(token)
