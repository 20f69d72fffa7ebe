"""Validation of evidence files at the edge (forms and serializers)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> accepted leading bytes (None: any text)
ALLOWED = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",), ".gif": (b"GIF8",),
    ".webp": (b"RIFF",), ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",),
}


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


DOCUMENT_ERRORS = {
    "too_large": _("The document is larger than 5 MB."),
    "empty": _("The document is empty."),
    "binary": _("The file is not a text document (.txt) or a Word document (.docx)."),
    "unreadable_docx": _("The Word document could not be read; save it again as .docx and retry."),
}


def read_plan_document(*, text=None, upload=None):
    """The text of a pasted or uploaded plan document, or ValidationError with a clear message."""
    from .parser import DocumentError, read_document

    if upload is not None:
        try:
            return read_document(upload.name, upload.read())
        except DocumentError as exc:
            raise ValidationError(DOCUMENT_ERRORS.get(str(exc), str(exc))) from exc
    if not (text or "").strip():
        raise ValidationError(DOCUMENT_ERRORS["empty"])
    if len(text.encode("utf-8")) > 5 * 1024 * 1024:
        raise ValidationError(DOCUMENT_ERRORS["too_large"])
    return text
