"""Reading and writing the spreadsheets users exchange with the portal (.xlsx and .csv).

Readers turn an upload into numbered rows keyed by the header text, or raise
``SpreadsheetError`` with a message a person can act on; writers produce workbooks with a
bold frozen header row, sensible widths and number formats, and write whatever users typed as
inert text (see "writing" below).
"""
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.dates import parse_month
from core.uploads import Deadline, UploadRejected, bounded_rows, calamine_rows, read_upload, sheet_limits, xlsx_rows

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


# Every refusal of an uploaded sheet is the upload guard's: callers catch SpreadsheetError as before.
SpreadsheetError = UploadRejected


@dataclass
class Table:
    """The rows of an uploaded sheet: ``rows`` holds (spreadsheet row number, {header: value})."""

    headers: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)


@dataclass
class CheckedUpload:
    """An uploaded sheet checked row by row: what to write (``rows``, in the checker's shape) or every problem as
    (spreadsheet row, column header, message). Nothing is written unless there is no problem."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    def error_list(self) -> list[dict]:
        """The problems as the API answers them."""
        return [{"row": row, "column": column, "message": str(message)} for row, column, message in self.errors]


def _clean(value):
    if isinstance(value, str):
        value = value.strip().lstrip("\ufeff")
        return value
    return value


def read_table(upload, *, use="default", limits=None, deadline=None) -> Table:
    """Read the first sheet of an .xlsx file or a .csv file (UTF-8 or GB18030) through the upload guard.

    ``use`` picks the limits (core.uploads.sheet_limits): file size, rows, columns, seconds. Rows are
    streamed and counted; a file past any limit is refused as soon as that is known.
    """
    limits = limits or sheet_limits(use)
    deadline = deadline or Deadline(limits.seconds)
    kind, data = _sheet_upload(upload, limits)
    raw_rows = xlsx_rows(data, deadline) if kind == "xlsx" else _csv_rows(data)
    return _to_table(bounded_rows(raw_rows, limits, deadline))


def _sheet_upload(upload, limits) -> tuple[str, bytes]:
    """("xlsx" or "csv", the bytes) of an uploaded sheet read through the guard; refused when empty or neither."""
    name = (getattr(upload, "name", "") or "").lower()
    data = read_upload(upload, limits.max_bytes)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return "xlsx", data
    if name.endswith(".csv") or name.endswith(".txt") or not name:
        return "csv", data
    raise SpreadsheetError(_("Only .xlsx and .csv files can be imported."))


@dataclass
class StreamedTable:
    """An uploaded sheet read as it streams: its header, an estimate of its data rows (for progress) and an iterator
    of (spreadsheet row number, {header: value}); empty rows are skipped."""

    headers: list[str]
    estimated_rows: int
    rows: object


def stream_table(upload, *, use="default", deadline=None) -> StreamedTable:
    """Like read_table(), for sheets too large to hold as a list of dicts: .xlsx through python-calamine (after the
    guard has measured the sheet), .csv line by line; the limits of ``use`` hold while the rows stream."""
    limits = sheet_limits(use)
    deadline = deadline or Deadline(limits.seconds)
    kind, data = _sheet_upload(upload, limits)
    if kind == "xlsx":
        estimated, raw_rows = calamine_rows(data, limits, deadline)
    else:
        estimated, raw_rows = data.count(b"\n") + 1, _csv_rows(data)
    rows = _keyed(bounded_rows(raw_rows, limits, deadline))
    headers = next(rows, None)
    if headers is None:
        raise SpreadsheetError(_("The file has no header row."))
    return StreamedTable(headers=headers, estimated_rows=max(estimated - 1, 1), rows=rows)


def _keyed(raw_rows):
    """The header (first non-empty row) as a list, then (row number, {header: value}) for every non-empty row."""
    headers = None
    for number, row in enumerate(raw_rows, start=1):
        row = tuple(_clean(v) for v in row)
        if not any(v not in (None, "") for v in row):
            continue
        if headers is None:
            headers = ["" if v is None else str(v) for v in row]
            yield headers
            continue
        yield number, {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers) if h}


def _csv_rows(data: bytes):
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(_("The file is not a text table (.csv)."))
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(_("The text encoding of the file could not be recognised."))
    return _csv_reader(text)


def _csv_reader(text: str):
    try:
        for row in csv.reader(io.StringIO(text)):
            yield tuple(csv_unescape(v) for v in row)
    except csv.Error as exc:
        raise SpreadsheetError(_("The file is not a valid CSV table: %(error)s") % {"error": exc}) from exc


def _to_table(raw_rows) -> Table:
    """Rows after the first non-empty one (the header), keyed by header; empty rows are skipped."""
    table = None
    for number, row in enumerate(raw_rows, start=1):
        row = tuple(_clean(v) for v in row)
        if not any(v not in (None, "") for v in row):
            continue
        if table is None:
            table = Table(headers=["" if v is None else str(v) for v in row])
            continue
        table.rows.append((number, {h: (row[i] if i < len(row) else None) for i, h in enumerate(table.headers) if h}))
    if table is None:
        raise SpreadsheetError(_("The file has no header row."))
    return table


# --- writing ---------------------------------------------------------------------------------------
# Every value the portal writes into a spreadsheet goes through cell() (.xlsx) or csv_value() (.csv):
# names, narratives, labels, comments and reasons are typed by users, and a spreadsheet program runs
# text that starts like a formula. Workbooks come only from new_workbook(), whose sheets pass every
# appended value through the same function, so that an export cannot forget it.

# What Excel and LibreOffice start a formula with (OWASP, "CSV injection"): = + - @, and a tab or a
# carriage return in front of one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A CSV cell we escaped: the apostrophe we added (and any the text had) before a formula character.
_CSV_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
_CSV_UNESCAPE = re.compile(r"'+[=+\-@\t\r]")
MAX_CELL_TEXT = 32767  # Excel's limit for the text of one cell


def sheet_text(value) -> str:
    """Text as a cell can hold it: without the control characters that XML 1.0 cannot hold (openpyxl
    refuses the whole workbook for one of them), and no longer than Excel's limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]


def cell(worksheet, value, style: str | None = None, number_format: str | None = None):
    """The one way a value enters a workbook the portal writes: text is stored as text (never a formula or an
    error value, whatever it starts with), and text that looks like a formula is also marked to stay text
    when someone edits the cell in Excel; numbers, dates and booleans keep their type."""
    text = isinstance(value, str | Promise)
    if text:
        value = sheet_text(value)
    result = WriteOnlyCell(worksheet, value=value)
    if text:
        result.data_type = TYPE_STRING  # openpyxl makes "=…" a formula and "#N/A" an error otherwise
    if style:
        result.style = style
    if number_format:
        result.number_format = number_format
    if text and value.startswith(FORMULA_START):
        result.quotePrefix = True
    return result


def _appended(worksheet, value):
    """A value as the sheet appends it: plain numbers, dates and inert text as they are (openpyxl writes them
    faster that way), everything else as a cell()."""
    if value is None or isinstance(value, Cell):
        return value
    if isinstance(value, str | Promise):
        value = sheet_text(value)
        if value.startswith(FORMULA_START) or value in ERROR_CODES:
            return cell(worksheet, value)
    return value


class _Sheet(WriteOnlyWorksheet):
    """A streamed worksheet whose every appended value goes through cell()."""

    def append(self, row):
        super().append([_appended(self, value) for value in row])


class _Workbook(Workbook):
    def create_sheet(self, title=None, index=None):
        sheet = _Sheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def new_workbook(styles: dict[str, NamedStyle] | None = None):
    """A write-only workbook (rows stream out, memory stays flat) without the default empty sheet; its sheets
    take rows of values or of cell()s. ``styles`` are registered as named styles for cell(style=…)."""
    workbook = _Workbook(write_only=True)
    for style in (styles or {}).values():
        workbook.add_named_style(style)
    return workbook


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_STYLE = "portal_header"


def _header_style():
    thin = Side(style="thin", color="999999")
    return NamedStyle(name=HEADER_STYLE, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"),
                      border=Border(left=thin, right=thin, top=thin, bottom=thin),
                      alignment=Alignment(horizontal="center", vertical="center"))


@dataclass
class Column:
    """One column of an exported sheet: header text, width in characters, number format."""

    header: str
    width: int = 12
    number_format: str | None = None


def write_xlsx(columns: list[Column], rows, *, sheet_title: str) -> bytes:
    """A workbook with one sheet: bold, frozen header row, widths and number formats set."""
    workbook = new_workbook({HEADER_STYLE: _header_style()})
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, column.header, HEADER_STYLE) for column in columns])
    formats = [column.number_format for column in columns]
    count = 0
    for count, row in enumerate(rows, start=1):
        # a formatted column gets a cell even where it is empty, so that a figure typed in later is formatted too
        sheet.append([cell(sheet, value, number_format=formats[i]) if i < len(formats) and formats[i] else value
                      for i, value in enumerate(row)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{count + 1}"
    return workbook_bytes(workbook)


def write_large_xlsx(columns: list[Column], rows, *, sheet_title: str):
    """A one-sheet workbook like write_xlsx() for lists of any length: XlsxWriter in constant-memory mode flushes
    each row to disk as it is written, and the workbook itself is a temporary file (returned at its start), so
    memory stays flat however many rows there are. Text gets the same rules as cell(): written as text, never
    as a formula or a link, marked to stay text when it starts like a formula, cut to what a cell holds."""
    import tempfile

    import xlsxwriter

    output = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False,
                                            "remove_timezone": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#999999",
                                  "align": "center", "valign": "vcenter"})
    stays_text = workbook.add_format({"quote_prefix": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    formats = [workbook.add_format({"num_format": c.number_format}) if c.number_format else None for c in columns]
    sheet = workbook.add_worksheet(sheet_text(sheet_title)[:31])
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, sheet_text(column.header), header)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            number_format = formats[index] if index < len(formats) else None
            if value is None or value == "":
                continue
            if isinstance(value, str | Promise):
                text = sheet_text(value)
                sheet.write_string(count, index, text, stays_text if text.startswith(FORMULA_START) else None)
            elif isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(count, index, float(value), number_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, index, value, number_format or day)
            else:
                sheet.write_string(count, index, sheet_text(value))
    sheet.autofilter(0, 0, count, max(len(columns) - 1, 0))
    workbook.close()
    output.seek(0)
    return output


def csv_value(value):
    """A value as a CSV cell (OWASP's advice on CSV injection): text that a spreadsheet would take for a
    formula gets a leading apostrophe, which spreadsheets read as "this is text"; numbers stay numbers,
    negative ones included. read_table() removes the apostrophe again, so an export re-imports unchanged."""
    if value is None:
        return ""
    if isinstance(value, str | Promise):
        value = sheet_text(value)
        return f"'{value}" if _CSV_ESCAPED.match(value) else value
    return value


def csv_unescape(text: str) -> str:
    """The text of a CSV cell as it was before csv_value() escaped it."""
    return text[1:] if _CSV_UNESCAPE.match(text) else text


def write_csv(columns: list[Column], rows) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly; text quoted, numbers not."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([csv_value(c.header) for c in columns])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Figures are stored with 16 digits, 4 of them after the point (plans.models.target.AMOUNT).
LARGEST_AMOUNT = Decimal(10) ** 12


def parse_amount(value):
    """A non-negative decimal from a cell; (None, None) when empty, (None, message) when bad."""
    if value in (None, ""):
        return None, None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if not number.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if number < 0:
        return None, _("“%(value)s” is negative.") % {"value": value}
    if number >= LARGEST_AMOUNT:
        return None, _("“%(value)s” is too large.") % {"value": value}
    return number, None


def parse_date(value):
    """A date from a cell (a date, or text as YYYY-MM-DD or YYYY/MM/DD); empty means today."""
    if value in (None, ""):
        return timezone.localdate(), None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    try:
        return datetime.date.fromisoformat(str(value).strip().replace("/", "-")), None
    except ValueError:
        return None, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}


def parse_month_cell(value):
    """A month from a cell: a date, or text as YYYY-MM, YYYY/MM or 2026年5月 (or any day of it); the month's first
    day and None, or None and a message when it is not a month within the portal's years."""
    typed = value
    if not isinstance(value, datetime.date):
        typed = str(value or "").strip().replace("/", "-").replace("年", "-").replace("月", "")
    try:
        return parse_month(typed), None
    except ValidationError as exc:
        if exc.code == "month":
            return None, _("“%(value)s” is not a month (YYYY-MM).") % {"value": value}
        return None, " ".join(exc.messages)


def download(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE):
    """An HTTP response that saves ``content`` as ``filename`` (Chinese names encoded as RFC 6266 asks)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def table_from_form(form, field: str = "file", *, use="default"):
    """The table uploaded through a valid form, or None with the reason put on the form's field."""
    try:
        return read_table(form.cleaned_data[field], use=use)
    except SpreadsheetError as exc:
        form.add_error(field, str(exc))
        return None
