"""Where the current write comes from: the client's address and the request's id, kept for the length of a
request in a context variable, so that services record them (orgs.audit) without a parameter of their own.

Outside a request (Celery, management commands, the shell) nothing is set and writes come from nowhere in
particular: ``current()`` answers an empty context.
"""
import contextvars
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


def request_id_of(request) -> str:
    """The proxy's X-Request-ID when it sent a short one, else a new id."""
    given = request.headers.get("X-Request-ID", "").strip()
    return given[:64] if given and given.isascii() and given.isprintable() else uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets the request context (after TrustedProxyMiddleware, so the address is the client's) and clears it
    after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "request_id"):
            request.request_id = request_id_of(request)
        token = _current.set(RequestContext(request.META.get("REMOTE_ADDR", "")[:45], request.request_id))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
