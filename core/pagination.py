"""Pagination of list pages and of the API."""
from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page; a page number out of range or not a number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class APIPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
