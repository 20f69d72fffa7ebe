"""Plan documents as uploaded or pasted: their text, or a clear message (evidence files: core.files)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.uploads import read_upload

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
