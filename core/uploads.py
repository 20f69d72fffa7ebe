"""The upload guard: every file a user sends is checked here before anything parses it.

One set of limits for every upload endpoint and page (spreadsheets, plan documents, evidence):

- the request as a whole: ``RequestSizeLimitMiddleware`` refuses a body larger than
  ``UPLOAD_MAX_REQUEST_BYTES`` from its Content-Length, before anything reads it, and
  ``LimitedUploadHandler`` stops a body that turns out longer than it said;
- a file: its size from the upload's metadata, before it is read (``read_upload``);
- zip-based files (.xlsx, .docx, .pptx): member count, the declared unpacked size, the compression
  ratio, then every member unpacked as a stream with the real bytes counted, XML members scanned for
  document type declarations (DTDs and entities: office files never carry them), all before
  openpyxl or python-docx open the file (``check_zip``);
- sheets: rows and columns counted as they stream, never trusting the sheet's declared dimension,
  stopping at the first row past the ceiling of the use (``bounded_rows``, ``sheet_limits``);
- time: a monotonic ``Deadline`` checked while unpacking and every few hundred rows.

Every refusal is an ``UploadRejected`` carrying a message for the user and the HTTP status the API
answers with (400, or 413 for sizes). Limits live in settings (see the README's configuration table).
"""
import io
import re
import time
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK = 64 * 1024
# A member smaller than this may compress any amount: tiny XML parts of an office file often do.
RATIO_FLOOR = 1 * MB
# What a parser would expand: XML and relationship parts. Images (an SVG may carry a DOCTYPE) are not parsed.
PARSED_SUFFIXES = (".xml", ".rels", ".vml")
DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
ROWS_PER_CHECK = 500


class UploadRejected(Exception):
    """A file (or request) the guard refuses; ``str()`` is the message for the user."""

    def __init__(self, message, *, status_code=400, code="invalid"):
        super().__init__(str(message))
        self.message = str(message)
        self.status_code = status_code
        self.code = code


def megabytes(limit: int) -> int:
    return max(limit // MB, 1)


# --- time ---------------------------------------------------------------------------------------


class Deadline:
    """A monotonic time budget; ``check()`` refuses the file once it has run out."""

    def __init__(self, seconds=None):
        self.seconds = settings.UPLOAD_READ_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self):
        if time.monotonic() > self.ends:
            raise UploadRejected(
                _("Reading the file took more than %(seconds)d seconds; split it into smaller files.")
                % {"seconds": self.seconds},
                code="time",
            )


# --- the request --------------------------------------------------------------------------------


def request_too_large_message(limit=None) -> str:
    limit = settings.UPLOAD_MAX_REQUEST_BYTES if limit is None else limit
    return _("The upload is larger than %(limit)d MB; send smaller files, or fewer at once.") % {"limit": megabytes(limit)}


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in a multipart body and stops past ``UPLOAD_MAX_REQUEST_BYTES``.

    The middleware refuses an announced oversized body; this catches one whose length was not announced
    (a chunked body under ASGI) before it is spooled to disk whole. Django answers RequestDataTooBig with
    400, as it does for an oversized form.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise RequestDataTooBig(request_too_large_message())
        return raw_data

    def file_complete(self, file_size):
        return None


# --- a file -------------------------------------------------------------------------------------


def file_too_large_message(limit: int) -> str:
    return _("The file is larger than %(limit)d MB.") % {"limit": megabytes(limit)}


def read_upload(upload, limit: int) -> bytes:
    """The bytes of ``upload``, refused by its size before reading when larger than ``limit``.

    An upload that does not know its size is read up to one byte past the limit, never further.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRejected(file_too_large_message(limit), status_code=413, code="too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(file_too_large_message(limit), status_code=413, code="too_large")
    return data


# --- zip-based files ----------------------------------------------------------------------------


def is_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith((".xlsx", ".docx", ".pptx")) or data[:4] == b"PK\x03\x04"


def _unreadable(kind: str):
    if kind == ".xlsx":
        message = _("The file is not a readable .xlsx workbook.")
    elif kind == ".docx":
        message = _("The Word document could not be read; save it again as .docx and retry.")
    else:
        message = _("The file is not a readable %(kind)s file; save it again and retry.") % {"kind": kind}
    return UploadRejected(message, code="unreadable")


def dtd_message() -> str:
    return _("The file contains an XML document type declaration (DTD) or entities, which office files never "
             "need; it is not accepted.")


def check_zip(data: bytes, *, kind: str, deadline: Deadline | None = None):
    """Refuse a zip-based file (``kind`` names it to the user: ".xlsx") that is damaged, too large when
    unpacked, a zip bomb, or carries a DTD, before any parser opens it."""
    deadline = deadline or Deadline()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise _unreadable(kind) from exc
    limit_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    if len(members) > limit_members:
        raise UploadRejected(_("The file holds more than %(limit)d parts; it is not accepted.") % {"limit": limit_members},
                             code="members")
    limit_bytes = settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES
    unpacks_too_large = UploadRejected(
        _("The file unpacks to more than %(limit)d MB; it is not accepted.") % {"limit": megabytes(limit_bytes)},
        status_code=413, code="unpacked")
    if sum(m.file_size for m in members) > limit_bytes:
        raise unpacks_too_large
    ratio = settings.UPLOAD_ZIP_MAX_RATIO
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > ratio * max(member.compress_size, 1):
            raise UploadRejected(
                _("The file is packed more than %(ratio)d to 1, as a zip bomb is; it is not accepted.") % {"ratio": ratio},
                code="ratio")
        if member.flag_bits & 0x1:
            raise UploadRejected(_("The file is protected by a password; save it again without one."), code="encrypted")
    # The declared sizes may lie: unpack every member as a stream and count what really comes out.
    unpacked = 0
    for member in members:
        scan = member.filename.lower().endswith(PARSED_SUFFIXES)
        tail = b""
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limit_bytes:
                        raise unpacks_too_large
                    if scan:
                        window = tail + chunk
                        if any(marker in window for marker in DTD_MARKERS):
                            raise UploadRejected(dtd_message(), code="dtd")
                        tail = window[-16:]
                    deadline.check()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise _unreadable(kind) from exc


# --- sheets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLimits:
    """What one use of an uploaded sheet accepts."""

    max_bytes: int
    max_rows: int
    max_columns: int
    seconds: float


def sheet_limits(use: str = "default", **overrides) -> SheetLimits:
    """The limits of a use (``org_import``, ``ledger``, ``report_form``, ``decompose``) from settings."""
    values = {
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "max_rows": settings.SHEET_MAX_ROWS,
        "max_columns": settings.SHEET_MAX_COLUMNS,
        "seconds": settings.UPLOAD_READ_SECONDS,
    }
    values.update(settings.UPLOAD_LIMITS.get(use, {}))
    values.update(overrides)
    return SheetLimits(**values)


def too_many_rows_message(limit: int) -> str:
    return _("The sheet has more than %(limit)s rows; split it into smaller files.") % {"limit": f"{limit:,}"}


def _empty(value) -> bool:
    return value is None or value == ""


def bounded_rows(rows, limits: SheetLimits, deadline: Deadline):
    """Pass on ``rows`` (tuples, one per sheet row from the first) while they stay within ``limits``.

    Refuses as soon as a row passes the row ceiling (the header row is not counted) or holds a value
    past the column ceiling, so a huge sheet costs no more than its first ``max_rows`` rows.
    """
    for number, row in enumerate(rows, start=1):
        if number % ROWS_PER_CHECK == 0:
            deadline.check()
        if number > limits.max_rows + 1:
            raise UploadRejected(too_many_rows_message(limits.max_rows), code="rows")
        if len(row) > limits.max_columns:
            row = tuple(row)
            last = len(row)
            while last > limits.max_columns and _empty(row[last - 1]):
                last -= 1
            if last > limits.max_columns:
                raise UploadRejected(
                    _("Row %(row)d has more than %(limit)d columns; the sheet is not accepted.")
                    % {"row": number, "limit": limits.max_columns}, code="columns")
            row = row[:last]
        yield row


def xlsx_rows(data: bytes, deadline: Deadline):
    """The rows of the first sheet of a checked .xlsx as value tuples, streamed (openpyxl read-only).

    The sheet's declared dimension is dropped (``reset_dimensions``): openpyxl would otherwise pad every
    row, and yield every row, up to it.
    """
    from openpyxl import load_workbook

    check_zip(data, kind=".xlsx", deadline=deadline)
    with _refused_by_openpyxl():
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    try:
        with _refused_by_openpyxl():  # the sheet's XML is parsed while its rows are read
            sheet.reset_dimensions()
            yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


@contextmanager
def _refused_by_openpyxl():
    """What goes wrong while openpyxl reads a workbook, as the guard's refusal: a DTD, or a damaged file."""
    from defusedxml import DefusedXmlException

    try:
        yield
    except DefusedXmlException as exc:
        raise UploadRejected(dtd_message(), code="dtd") from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _unreadable(".xlsx") from exc


# --- large sheets: python-calamine ----------------------------------------------------------------
# calamine reads a sheet about ten times faster than openpyxl, but into a dense grid that spans the sheet's first to
# last cell: a workbook with one cell in A1 and one in XFD1048576 asks for 550 GB and aborts the process. So the
# sheet's real extent is measured first, from its rows' and cells' own references, as the XML streams out of the
# (already checked) archive; calamine opens only a sheet whose grid fits the limits.

_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_ROW_REF = re.compile(rb"""\sr\s*=\s*["'](\d{1,9})["']""")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,4})(\d{1,9})["']""")
LONGEST_TAG = 64 * 1024
# The densest grid calamine may build (a cell takes about 32 bytes there): 4 million cells, 128 MB.
MAX_GRID_CELLS = 4_000_000


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _too_wide(row: int, limit: int):
    return UploadRejected(_("Row %(row)d has more than %(limit)d columns; the sheet is not accepted.")
                          % {"row": row, "limit": limit}, code="columns")


def sheet_extent(stream, limits: SheetLimits, deadline: Deadline) -> tuple[int, int]:
    """(last row, last column) of a worksheet's XML read from ``stream``, refused as soon as either passes the
    limits (a row past ``max_rows`` + 1, the header; a cell past ``max_columns``) or the grid passes
    MAX_GRID_CELLS. Rows and cells without a reference follow the one before, as spreadsheet programs read them."""
    last_row = last_column = row = 0
    column = 0
    tail = b""
    while chunk := stream.read(CHUNK * 16):
        deadline.check()
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, tail = data[:cut], data[cut:]
            if len(tail) > LONGEST_TAG:
                raise _unreadable(".xlsx")
        else:
            tail = b""
        for match in _SHEET_TAG.finditer(data):
            attributes = match.group(2)
            if match.group(1) == b"row":
                found = _ROW_REF.search(attributes)
                row = int(found.group(1)) if found else row + 1
                column = 0
                if row > limits.max_rows + 1:
                    raise UploadRejected(too_many_rows_message(limits.max_rows), code="rows")
            else:
                found = _CELL_REF.search(attributes)
                if found:
                    column = _column_number(found.group(1))
                    row = max(row, int(found.group(2)))
                    if row > limits.max_rows + 1:
                        raise UploadRejected(too_many_rows_message(limits.max_rows), code="rows")
                else:
                    column += 1
                if column > limits.max_columns:
                    raise _too_wide(max(row, 1), limits.max_columns)
                last_column = max(last_column, column)
            last_row = max(last_row, row)
        if last_row * last_column > MAX_GRID_CELLS:
            raise UploadRejected(too_many_rows_message(limits.max_rows), code="rows")
    return last_row, last_column


def calamine_rows(data: bytes, limits: SheetLimits, deadline: Deadline):
    """(number of rows, rows) of the first sheet of an .xlsx: the archive checked (``check_zip``), every XML part's
    extent measured (``sheet_extent``), then the sheet read by python-calamine; rows are value tuples from the
    sheet's first row, empty cells None."""
    from python_calamine import CalamineWorkbook

    check_zip(data, kind=".xlsx", deadline=deadline)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.infolist():
        if not member.filename.lower().endswith(".xml"):
            continue
        with archive.open(member) as stream:
            if stream.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise _unreadable(".xlsx")  # Excel writes UTF-8; the extent scan reads UTF-8 only
            sheet_extent(stream, limits, deadline)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        first_row = sheet.start[0] if sheet.height else 0
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own kinds on a damaged workbook
        raise _unreadable(".xlsx") from exc

    def values():
        yield from ((),) * first_row
        for row in rows:
            yield tuple(None if value == "" else value for value in row)

    return first_row + sheet.height, values()
