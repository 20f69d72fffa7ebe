"""Pagination of list pages and of the API."""
from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page; a page number out of range or not a number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class UncountedPage:
    """A page of a list too long to count on every request (a work point's progress history at the province): it
    reads one row more than it shows to know whether a next page exists, and offers previous and next, no total."""

    paginator = None  # no page count: the pagination template then shows the page's number alone

    def __init__(self, queryset, number, per_page):
        rows = list(queryset[(number - 1) * per_page:number * per_page + 1])
        self.number = number
        self.object_list = rows[:per_page]
        self._more = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def paginate_uncounted(request, queryset, per_page=PAGE_SIZE):
    """The requested page of ``queryset`` without counting it (``UncountedPage``); not a number gives the first."""
    try:
        number = min(max(int(request.GET.get("page") or 1), 1), 10**6)
    except (TypeError, ValueError):
        number = 1
    return UncountedPage(queryset, number, per_page)


class APIPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
