"""Request plumbing that belongs to no app: the request size ceiling of every upload."""
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .uploads import request_too_large_message


class RequestSizeLimitMiddleware:
    """Answer 413 to a body announced larger than ``UPLOAD_MAX_REQUEST_BYTES`` before anything reads it.

    The API gets JSON ``{"detail": ...}``; a page gets a page saying so (an htmx request is sent back to
    the page it came from, with the message shown there). It must run before anything touches
    ``request.POST`` (CSRF and the views do, later).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        message = request_too_large_message()
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        referer = request.headers.get("Referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()) else "/"
        response = render(request, "413.html", {"message": message, "back": back}, status=413)
        if request.headers.get("HX-Request"):
            messages.error(request, message)
            response["HX-Redirect"] = back
        return response
