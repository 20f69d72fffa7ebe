"""Pages that moved answer at their old address with a permanent redirect: notifications stored in the database
and users' bookmarks link there."""
from django.http import HttpResponsePermanentRedirect


def moved_to(request, url):
    """301 for GET and HEAD; 308 for a form sent to the old address, so that the browser sends it again (method
    and body) to the new one; the query string is kept."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url,
                                         preserve_request=request.method not in ("GET", "HEAD"))


def moved_page(view):
    """Marks a view that only redirects to a page's new address (the permission matrices skip it: the page it
    leads to is in them)."""
    view.moved_page = True
    return view
