"""Validation of uploaded files at the edge (forms and serializers), through the upload guard (core.uploads)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.uploads import UploadRejected, check_zip, read_upload

# extension -> accepted leading bytes (None: any text)
ALLOWED = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",), ".gif": (b"GIF8",),
    ".webp": (b"RIFF",), ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",),
}

ZIP_BASED = (".docx", ".xlsx", ".pptx")


def validate_evidence(upload):
    """Photos, PDFs and office documents up to EVIDENCE_MAX_BYTES, whose content matches their name."""
    name = upload.name.lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("“%(name)s”: only photos (jpg, png, gif, webp), PDF and office documents are accepted.") % {"name": upload.name}
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": upload.name, "limit": limit // (1024 * 1024)}
        )
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ALLOWED[extension]):
        raise ValidationError(_("“%(name)s” is not really a %(kind)s file.") % {"name": upload.name, "kind": extension[1:]})
    if extension in ZIP_BASED:  # a zip bomb or a damaged file is not stored for others to open
        try:
            check_zip(read_upload(upload, limit), kind=extension)
        except UploadRejected as exc:
            raise ValidationError(_("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": exc.message}) from exc
        finally:
            upload.seek(0)


DOCUMENT_ERRORS = {
    "too_large": gettext_lazy("The document is larger than 5 MB."),
    "too_long": gettext_lazy("The document is longer than %(limit)d characters; split it and import the parts one by one."),
    "empty": gettext_lazy("The document is empty."),
    "binary": gettext_lazy("The file is not a text document (.txt) or a Word document (.docx)."),
    "unreadable_docx": gettext_lazy("The Word document could not be read; save it again as .docx and retry."),
}


def _document_error(code):
    from .parser import MAX_CHARS

    return ValidationError(DOCUMENT_ERRORS.get(code, code), code=code, params={"limit": MAX_CHARS})


def read_plan_document(*, text=None, upload=None):
    """The text of a pasted or uploaded plan document, or ValidationError with a clear message.

    Both are held to parser.MAX_CHARS characters, so that no request gives the parser more. A file the
    upload guard refuses (too large, a zip bomb, a DTD) raises its UploadRejected.
    """
    from .parser import MAX_BYTES, MAX_CHARS, DocumentError, read_document

    if upload is not None:
        data = read_upload(upload, MAX_BYTES)  # UploadRejected goes to the caller: 413 in the API
        try:
            return read_document(upload.name, data)
        except DocumentError as exc:
            raise _document_error(str(exc)) from exc
    if not (text or "").strip():
        raise _document_error("empty")
    if len(text) > MAX_CHARS:
        raise _document_error("too_long")
    return text
