"""Reading and writing the spreadsheets users exchange with the portal (.xlsx and .csv).

Readers turn an upload into numbered rows keyed by the header text, or raise
``SpreadsheetError`` with a message a person can act on; writers produce workbooks with a
bold frozen header row, sensible widths and number formats, and write whatever users typed as
inert text (see "writing" below). Every sheet is set up to print the same way (print_layout():
A4 landscape, fitted to the page width, header rows on every page, page numbers in the footer),
and a template users fill offline adds drop-downs, a locked header and a 说明 sheet.
"""
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

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
    """A streamed worksheet whose every appended value goes through cell(); ``row_count`` is how many rows it
    has (the number of the last row written)."""

    row_count = 0

    def append(self, row):
        super().append([_appended(self, value) for value in row])
        self.row_count += 1


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


# --- printing ----------------------------------------------------------------------------------------
# Sheets are printed by people who file them: every writer sets the page up through print_layout(), and header
# rows get a height that fits their wrapped text (openpyxl and XlsxWriter cannot measure text, so we estimate).

PAGE_NUMBER_FOOTER = "第 &P 页 共 &N 页"
A4 = 9  # the paper size code of A4 in SpreadsheetML


def print_layout(sheet, *, title_rows: tuple[int, int] = (1, 1), landscape: bool = True):
    """Set ``sheet`` (openpyxl, streamed or not, or XlsxWriter) up for printing: A4, landscape, fitted to the page
    width and as many pages down as it takes, rows ``title_rows`` (first, last; counted from 1) repeated at the
    top of every page, and "第 n 页 共 m 页" in the footer."""
    first, last = title_rows
    if hasattr(sheet, "set_landscape"):  # XlsxWriter
        sheet.set_landscape() if landscape else sheet.set_portrait()
        sheet.set_paper(A4)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(first - 1, last - 1)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.8)
        sheet.set_footer(f"&C{PAGE_NUMBER_FOOTER}", {"margin": 0.3})
        return sheet
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{first}:{last}"
    sheet.oddFooter.center.text = PAGE_NUMBER_FOOTER
    # the footer sits 0.3 inch above the paper's edge, in the 0.8 inch margin that keeps it off the table
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top, margins.bottom, margins.header, margins.footer = 0.6, 0.8, 0.3, 0.3
    return sheet


def text_width(text) -> int:
    """The width of ``text`` in a column's units (the width of a digit): Chinese and other wide characters take
    two, everything else one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text or ""))


# Where a line may not break (the rules of Chinese typesetting): before closing punctuation, after an opening one,
# and inside a run of digits or Latin letters.
_NO_BREAK_BEFORE = set("）)」』】》〉，。、；：！？％%,.;:!?")
_NO_BREAK_AFTER = set("（(「『【《〈")


def _pieces(line: str):
    """``line`` cut where it may wrap: each wide character alone, a word of narrow ones together, punctuation
    kept with its neighbour."""
    pieces, joined = [], False
    for char in line:
        narrow = unicodedata.east_asian_width(char) not in "WF" and not char.isspace()
        if pieces and (joined or char in _NO_BREAK_BEFORE or (narrow and pieces[-1][-1:].isalnum()
                                                                 and char.isalnum())):
            pieces[-1] += char
        else:
            pieces.append(char)
        joined = char in _NO_BREAK_AFTER
    return pieces


def wrapped_lines(text, width: float, *, scale: float = 1.0) -> int:
    """How many lines ``text`` takes in a column ``width`` units wide once wrapped as a spreadsheet wraps it
    (greedily, never breaking where Chinese typesetting forbids; a unit of the width is the cell's padding);
    ``scale`` widens the text for a larger or bold font."""
    usable = max(width - 1, 1)
    count = 0
    for line in str(text or "").split("\n"):
        lines, used = 1, 0.0
        for piece in _pieces(line):
            size = text_width(piece) * scale
            if used and used + size > usable:
                lines, used = lines + 1, 0.0
            used += size
        count += lines
    return count


def fitting_height(cells, *, font_size: float = 11, bold: bool = False) -> float | None:
    """The height in points of a row whose wrapped texts all show: ``cells`` are (text, width of the column or the
    merged columns). None when one line is enough for every text (the row keeps its default height)."""
    scale = font_size / 11 * (1.1 if bold else 1)
    lines = max((wrapped_lines(text, width, scale=scale) for text, width in cells if text), default=1)
    if lines <= 1 and font_size <= 11:
        return None
    # a line of Chinese text is about 1.45 times its font size high in Excel and LibreOffice, plus the cell's padding
    return round(lines * font_size * 1.45 + 4, 1)


# --- templates ---------------------------------------------------------------------------------------
# A sheet users fill offline and upload again: the import reads the first sheet, so the 说明 sheet comes second.

INPUT_STYLE = "portal_input"
INSTRUCTIONS_TITLE = "说明"
TEMPLATE_ROWS = 2000  # rows below the data that keep their drop-downs for rows a user adds
VALIDATION_MESSAGES = {
    "list": ("请从下拉列表中选择", "请从下拉列表中选择一项。"),
    "decimal": ("请填写数字", "请填写数字"),
    "whole": ("请填写整数", "请填写整数"),
    "date": ("请填写日期", "请填写日期，格式为 YYYY-MM-DD。"),
}


def _input_style():
    return NamedStyle(name=INPUT_STYLE, protection=Protection(locked=False))


def _number(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def rule_text(column) -> str:
    """What a column accepts, in the words of the 说明 sheet and of the validation's messages."""
    if column.choices:
        return f"从下拉列表中选择：{'、'.join(str(c) for c in column.choices)}。"
    if column.kind in ("decimal", "whole"):
        low, high = column.minimum, column.maximum
        bounds = (f"，介于 {_number(low)} 和 {_number(high)} 之间" if low is not None and high is not None
                  else f"，不小于 {_number(low)}" if low is not None
                  else f"，不大于 {_number(high)}" if high is not None else "")
        return f"{VALIDATION_MESSAGES[column.kind][1]}{bounds}。"
    if column.kind == "date":
        return VALIDATION_MESSAGES["date"][1]
    return ""


def validation_for(column):
    """The data validation of ``column`` (a Column with ``choices`` or a ``kind``, and bounds), or None."""
    if column.choices:
        options = ",".join(str(c).replace(",", "，") for c in column.choices)
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        title = VALIDATION_MESSAGES["list"][0]
    elif column.kind in ("decimal", "whole"):
        low, high = column.minimum, column.maximum
        if low is not None and high is not None:
            operator, formulas = "between", (_number(low), _number(high))
        elif low is not None:
            operator, formulas = "greaterThanOrEqual", (_number(low), None)
        elif high is not None:
            operator, formulas = "lessThanOrEqual", (_number(high), None)
        else:  # any number, but a number
            operator, formulas = "between", (_number(-LARGEST_AMOUNT), _number(LARGEST_AMOUNT))
        validation = DataValidation(type=column.kind, operator=operator, formula1=formulas[0], formula2=formulas[1],
                                    allow_blank=True)
        title = VALIDATION_MESSAGES[column.kind][0]
    elif column.kind == "date":
        validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        title = VALIDATION_MESSAGES["date"][0]
    else:
        return None
    validation.errorTitle = validation.promptTitle = title
    validation.error = validation.prompt = rule_text(column)
    validation.showErrorMessage = validation.showInputMessage = True
    return validation


def _instructions_sheet(workbook, lines, columns):
    """The 说明 sheet: what the file is for and how to fill it, then every column with its rule; each row as high
    as its wrapped text (a streamed sheet cannot be measured when it is opened)."""
    widths = (24, 76)
    notes = workbook.create_sheet(INSTRUCTIONS_TITLE)
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = widths
    print_layout(notes, landscape=False)

    def add(first, second, style="portal_wrap"):
        height = fitting_height([(first, widths[0]), (second, widths[1])], bold=style == HEADER_STYLE)
        if height:
            notes.row_dimensions[notes.row_count + 1].height = height
        notes.append([cell(notes, first, style), cell(notes, second, style)])

    notes.append([cell(notes, "填写说明", HEADER_STYLE), cell(notes, None, HEADER_STYLE)])
    notes.merged_cells.add("A1:B1")
    general = [*lines,
               "第一行是表头，已锁定（工作表保护，无密码）：请不要改动表头的文字和列的顺序，导入按表头识别各列。",
               "带下拉箭头的列只能从列表中选择；数字列和日期列只接受下表写明的数值，填错时会提示。",
               "填好后在平台的导入页面上传本文件（第一个工作表）；系统逐行检查，有任何错误时一行也不写入，"
               "并列出行号和列名。"]
    for number, line in enumerate(general, start=1):
        add(f"{number}.", line)
    notes.append([])
    add("列名", "填写要求", HEADER_STYLE)
    for column in columns:
        add(column.header, f"{column.help}{rule_text(column)}" or "—")
    return notes


HEADER_STYLE = "portal_header"


def _header_style():
    thin = Side(style="thin", color="999999")
    return NamedStyle(name=HEADER_STYLE, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"),
                      border=Border(left=thin, right=thin, top=thin, bottom=thin),
                      alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))


def _wrap_style():
    return NamedStyle(name="portal_wrap", alignment=Alignment(vertical="top", wrap_text=True))


@dataclass
class Column:
    """One column of an exported sheet: header text, width in characters, number format; for templates, the
    values it accepts (``choices`` as a drop-down, or ``kind``: "decimal" or "whole" between ``minimum`` and
    ``maximum``, "date") and a ``help`` line for the 说明 sheet."""

    header: str
    width: int = 12
    number_format: str | None = None
    choices: tuple | list | None = None
    kind: str | None = None
    help: str = ""
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None


def header_height(columns: list[Column]) -> float | None:
    """The height of a header row that shows every (bold, wrapped) header whole."""
    return fitting_height(((c.header, c.width) for c in columns), bold=True)


def write_xlsx(columns: list[Column], rows, *, sheet_title: str, instructions: list[str] | None = None) -> bytes:
    """A workbook with one sheet, streamed row by row (openpyxl write-only: memory stays flat): bold, frozen,
    wrapped header row, widths and number formats set, printed by print_layout(). Columns with ``choices`` or a
    ``kind`` get drop-downs or checks. With ``instructions`` it is a template users fill: the header row is
    locked (sheet protection without a password) while every other cell stays editable, and a 说明 sheet
    explains it."""
    template = instructions is not None
    workbook = new_workbook({HEADER_STYLE: _header_style(), "portal_wrap": _wrap_style(),
                             **({INPUT_STYLE: _input_style()} if template else {})})
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if template:  # cells never written (rows a user adds) follow their column's style: unlocked
            dimension.protection = Protection(locked=False)
    sheet.freeze_panes = "A2"
    print_layout(sheet)
    height = header_height(columns)
    if height:
        sheet.row_dimensions[1].height = height
    sheet.append([cell(sheet, column.header, HEADER_STYLE) for column in columns])
    formats = [column.number_format for column in columns]
    style = INPUT_STYLE if template else None
    count = 0
    for count, row in enumerate(rows, start=1):
        if template:
            sheet.append([cell(sheet, value, style, formats[i] if i < len(formats) else None)
                          for i, value in enumerate(row)])
        else:
            # a formatted column gets a cell even where it is empty, so that a figure typed in later is formatted too
            sheet.append([cell(sheet, value, number_format=formats[i]) if i < len(formats) and formats[i] else value
                          for i, value in enumerate(row)])
    last_column = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    for index, column in enumerate(columns, start=1):
        validation = validation_for(column)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{count + 1 + TEMPLATE_ROWS}")
            sheet.data_validations.append(validation)
    if template:
        sheet.protection.sheet = True
        # what a user may still do on the locked sheet: resize, filter and sort, add and remove rows
        for allowed in ("formatColumns", "formatRows", "autoFilter", "sort", "insertRows", "deleteRows"):
            setattr(sheet.protection, allowed, False)
        _instructions_sheet(workbook, instructions, columns)
    return workbook_bytes(workbook)


def large_workbook():
    """An XlsxWriter workbook in constant-memory mode and the temporary file it writes to: each row is flushed to
    disk once the next one starts, so memory stays flat however many rows there are. Text is never taken for a
    formula, a link or a number."""
    import tempfile

    import xlsxwriter

    output = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False,
                                            "remove_timezone": True})
    return workbook, output


def write_value(sheet, row, column, value, cell_format=None, text_format=None, *, date_format=None, blank=False):
    """cell()'s rules for an XlsxWriter sheet: text written as text, cut to what a cell holds, and with
    ``text_format`` (the format marked quote_prefix) when it starts like a formula; numbers, dates and booleans keep
    their type. An empty value writes nothing, or a formatted blank with ``blank``."""
    if value is None or value == "":
        if blank and cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, str | Promise):
        text = sheet_text(value)
        sheet.write_string(row, column, text, text_format if text.startswith(FORMULA_START) else cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value), cell_format)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, cell_format or date_format)
    else:
        sheet.write_string(row, column, sheet_text(value), cell_format)


def merge_down(sheet, first_row, column, last_row):
    """Merge a column's cells over rows of an XlsxWriter sheet in constant-memory mode, whose cells the caller
    writes row by row: merge_range() would write the lower rows at once and flush the upper row half written."""
    sheet.merge.append([first_row, column, last_row, column])


def write_large_xlsx(columns: list[Column], rows, *, sheet_title: str):
    """A one-sheet workbook like write_xlsx() for lists of any length (large_workbook(); returned as the temporary
    file at its start). Text gets the same rules as cell(): written as text, never as a formula or a link, marked
    to stay text when it starts like a formula, cut to what a cell holds."""
    workbook, output = large_workbook()
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#999999",
                                  "align": "center", "valign": "vcenter", "text_wrap": True})
    stays_text = workbook.add_format({"quote_prefix": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    formats = [workbook.add_format({"num_format": c.number_format}) if c.number_format else None for c in columns]
    sheet = workbook.add_worksheet(sheet_text(sheet_title)[:31])
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    print_layout(sheet)
    sheet.set_row(0, header_height(columns))
    for index, column in enumerate(columns):
        sheet.write_string(0, index, sheet_text(column.header), header)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            number_format = formats[index] if index < len(formats) else None
            write_value(sheet, count, index, value, None if isinstance(value, str | Promise) else number_format,
                        stays_text, date_format=day)
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
