"""Reading and writing the spreadsheets users exchange with the portal (.xlsx and .csv).

Readers turn an upload into numbered rows keyed by the header text, or raise
``SpreadsheetError`` with a message a person can act on; writers produce workbooks with a
bold frozen header row, sensible widths and number formats.
"""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Table:
    """The rows of an uploaded sheet: ``rows`` holds (spreadsheet row number, {header: value})."""

    headers: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _clean(value):
    if isinstance(value, str):
        value = value.strip().lstrip("\ufeff")
        return value
    return value


def read_table(upload, *, max_bytes=None) -> Table:
    """Read the first sheet of an .xlsx file or a .csv file (UTF-8 or GB18030)."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(limit)d MB.") % {"limit": max_bytes // (1024 * 1024)}
        )
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    if name.endswith(".xlsx") or data[:2] == b"PK":
        raw_rows = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        raw_rows = _csv_rows(data)
    else:
        raise SpreadsheetError(_("Only .xlsx and .csv files can be imported."))
    return _to_table(raw_rows)


def _xlsx_rows(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [tuple(_clean(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many kinds on a damaged sheet
        raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from exc
    finally:
        workbook.close()


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
    try:
        return [tuple(_clean(v) for v in row) for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise SpreadsheetError(_("The file is not a valid CSV table: %(error)s") % {"error": exc}) from exc


def _to_table(raw_rows) -> Table:
    header_index = next((i for i, row in enumerate(raw_rows) if any(v not in (None, "") for v in row)), None)
    if header_index is None:
        raise SpreadsheetError(_("The file has no header row."))
    headers = ["" if v is None else str(v) for v in raw_rows[header_index]]
    table = Table(headers=headers)
    for offset, row in enumerate(raw_rows[header_index + 1 :], start=header_index + 2):
        if not any(v not in (None, "") for v in row):
            continue
        table.rows.append((offset, {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers) if h}))
    return table


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class Column:
    """One column of an exported sheet: header text, width in characters, number format."""

    header: str
    width: int = 12
    number_format: str | None = None


def write_xlsx(columns: list[Column], rows, *, sheet_title: str) -> bytes:
    """A workbook with one sheet: bold, frozen header row, widths and number formats set."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append(list(row))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(columns: list[Column], rows) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


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


def download(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE):
    """An HTTP response that saves ``content`` as ``filename`` (Chinese names encoded as RFC 6266 asks)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def table_from_form(form, field: str = "file"):
    """The table uploaded through a valid form, or None with the reason put on the form's field."""
    try:
        return read_table(form.cleaned_data[field])
    except SpreadsheetError as exc:
        form.add_error(field, str(exc))
        return None
