"""The tables of the list pages (django-tables2): sortable column headers, a page-size choice and "export this
list" as .xlsx, the same three on every list.

A list page builds its queryset from the permission layer (``restrict()``), lets the model's one FilterSet
filter it, and hands the FilterSet's ``qs`` to a ``PortalTable``: the table only sorts, pages and exports what
it is given, so a page, its export and the API cannot disagree about what a user sees. Sorting is by the
``sort`` parameter (a table whose FilterSet names its ordering otherwise says so in ``Meta.order_by_field``),
``page_size`` picks 20, 50 or 100 rows, ``export=xlsx`` answers the whole sorted, filtered list as a workbook.

Exports go through core.spreadsheets.write_large_xlsx (XlsxWriter in constant-memory mode, every text cell
through the formula and control-character guard), never through tablib: rows stream from the database in
chunks, and a list longer than ``LIST_EXPORT_MAX_ROWS`` is cut there, which the page says beside the link.
"""
from itertools import islice

import django_tables2 as tables
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tables2.rows import BoundRow

from core.spreadsheets import XLSX_CONTENT_TYPE, Column, write_large_xlsx

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def export_limit() -> int:
    return getattr(settings, "LIST_EXPORT_MAX_ROWS", 50000)


class PortalTable(tables.Table):
    """A list page's table. Subclasses name their columns (headers through gettext_lazy), map each sortable column
    to database fields with ``order_by`` (indexed ones, so a sorted page stays an index scan) and set
    ``export_name`` (the sheet's title and the file's name)."""

    export_name = gettext_lazy("List")
    # widths of the exported columns in characters, by column name (12 otherwise)
    export_widths: dict = {}
    # number formats of exported columns, by column name
    export_formats: dict = {}

    class Meta:
        template_name = "_table.html"
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        order_by_field = "sort"
        per_page_field = "page_size"
        empty_text = gettext_lazy("Nothing to show.")

    def annotate_records(self, records):
        """Add to a page's (or an export chunk's) records what the database does not sort by: figures computed in
        Python for the whole batch at once (one query per batch, never one per row)."""

    def export_columns(self):
        """The bound columns that go into the export (not the selection boxes, nor columns excluded from it)."""
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]


def page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def configure(request, table):
    """Sort and page ``table`` as the request asks: an unknown sort column is ignored, a page past the last shows
    the last one, a page size not offered falls back to the default."""
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by  # the table keeps only the aliases of its sortable columns
    try:
        table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=page_size(request))
    except PageNotAnInteger:
        table.paginate(page=1, per_page=page_size(request))
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    table.annotate_records([row.record for row in table.page.object_list])
    table.page_sizes = PAGE_SIZES
    table.current_page_size = page_size(request)
    return table


def batched(iterable, size):
    """Lists of ``size`` items of ``iterable`` (itertools.batched arrives with Python 3.12)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def export_rows(table, limit):
    """The table's rows as exported values, in the table's order; at most ``limit`` of them. A queryset streams in
    chunks; prefetches are carried out per chunk."""
    columns = table.export_columns()
    data = table.data.data  # ordered by the table already
    data = data[:limit].iterator(chunk_size=EXPORT_CHUNK) if hasattr(data, "iterator") else list(data)[:limit]
    for batch in batched(data, EXPORT_CHUNK):
        table.annotate_records(batch)
        for record in batch:
            row = BoundRow(record, table=table)
            yield [_exported(row.get_cell_value(column.name)) for column in columns]


def _exported(value):
    """A cell's value as the workbook takes it: moments in local time, without the time zone; ``—`` stays empty."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None and hasattr(value, "hour"):
        return timezone.localtime(value).replace(tzinfo=None)
    if value in ("—", "-"):
        return None
    return value


def export_response(table, *, filename: str | None = None):
    """The whole list as .xlsx: filters and sort as on the page, headers as on the page (translated), every cell
    through the spreadsheet guard, at most ``export_limit()`` rows."""
    columns = [Column(str(c.header), table.export_widths.get(c.name, 12), table.export_formats.get(c.name))
               for c in table.export_columns()]
    title = str(table.export_name)
    workbook = write_large_xlsx(columns, export_rows(table, export_limit()), sheet_title=title)
    name = filename or f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(workbook, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def export_query(request) -> str:
    """The query string of "export this list": the page's filters and sort, without its page and page size."""
    query = request.GET.copy()
    for name in ("page", "page_size", "export"):
        query.pop(name, None)
    query["export"] = "xlsx"
    return query.urlencode()


def table_context(request, table) -> dict:
    """What the shared table template needs beside the table: the export link and whether it is cut."""
    total = table.paginator.count if getattr(table, "paginator", None) else len(table.rows)
    return {"table": table, "export_query": export_query(request), "export_capped": total > export_limit(),
            "export_limit": export_limit(), "total_rows": total}


def list_response(request, table, render_page, *, filename=None, export=None):
    """The list page, or its export when ``?export=xlsx``: one view serves both, so both share filters and sort.
    ``render_page(context)`` renders the page with the table's context; ``export(rows)``, where a list has a
    workbook of its own (more columns than the page shows), answers the export from the table's sorted,
    filtered rows (at most ``export_limit()``), else the table's columns are exported."""
    configure(request, table)
    if wants_export(request):
        if export is not None:
            return export(sorted_rows(table)[:export_limit()])
        return export_response(table, filename=filename)
    return render_page(table_context(request, table))


def sorted_rows(table):
    """The rows the table shows, on every page, in its order: the queryset it was given, sorted as the request
    asked."""
    return table.data.data


def selection_column(form_id: str, enabled=None, **kwargs):
    """A column of check boxes that belong to the bulk form ``form_id`` (outside the table, so that the filter
    form above and the bulk form do not nest); never exported. ``enabled(record)``: whether a row can be ticked."""
    row_input = {"form": form_id, "class": "form-check-input row-select", "aria-label": gettext_lazy("Select")}
    if enabled is not None:
        row_input["disabled"] = lambda record: None if enabled(record) else "disabled"
    attrs = {"td__input": row_input,
             "th__input": {"class": "form-check-input select-all", "aria-label": gettext_lazy("Select all"),
                           "data-form": form_id}}
    return tables.CheckBoxColumn(accessor="pk", attrs=attrs, exclude_from_export=True, orderable=False, **kwargs)
