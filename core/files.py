"""Files users upload as evidence (佐证材料) of progress, monthly reports and appeals: the stored-file fields
every such model shares, the check of a file's content against its name, and storing it with its hash."""
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .uploads import UploadRejected, check_zip, read_upload

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


class StoredFile(models.Model):
    """A file uploaded to the portal, with its original name, type, size and content hash. Each concrete model
    declares ``file`` again with its own upload_to (a folder per kind of evidence, addressed by the hash)."""

    file = models.FileField(gettext_lazy("file"), upload_to="files/%Y/%m/", max_length=300)
    original_name = models.CharField(gettext_lazy("file name"), max_length=255)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100)
    size = models.PositiveIntegerField(gettext_lazy("size"))
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def store_file(stored, upload):
    """Save ``upload`` into ``stored`` (a StoredFile row with its owner set): name, type, size, hash, file."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored.original_name = upload.name[:255]
    stored.content_type = getattr(upload, "content_type", "") or ""
    stored.size, stored.sha256 = upload.size, digest.hexdigest()
    stored.file.save(upload.name, upload, save=False)
    stored.save()
    return stored
