"""Where the current write comes from: the client's address and the request's id, kept for the length of a
request in a context variable, so that services record them (orgs.audit) without a parameter of their own.

Outside a request (Celery, management commands, the shell) nothing is set and writes come from nowhere in
particular: ``current()`` answers an empty context.
"""
import contextvars
import re
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    address: str = ""
    request_id: str = ""


EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("request_context", default=EMPTY)


def current() -> RequestContext:
    return _current.get()


REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")


def request_id_of(request) -> str:
    """The id a request already has (league_portal.logs sets it first), else the X-Request-ID it came with when that
    is a plain token (TrustedProxyMiddleware drops the header from anyone but a trusted proxy), else a new id."""
    if getattr(request, "request_id", ""):
        return request.request_id
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID_PATTERN.fullmatch(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets the request context (after TrustedProxyMiddleware, so the address is the client's) and clears it
    after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = _current.set(RequestContext(request.META.get("REMOTE_ADDR", "")[:45], request.request_id))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
