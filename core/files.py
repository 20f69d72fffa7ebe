"""Files users upload as evidence (佐证材料) of progress, monthly reports and appeals: the stored-file fields
every such model shares, the check of a file's content against its name, storing it with its hash, and serving it
to one who may see it."""
import hashlib
import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
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


def serve_stored(stored_file, *, filename, as_attachment=False):
    """A stored upload, for a view that has checked the right to see it (uploads are never served under MEDIA_URL).

    The portal sends the bytes itself, unless MEDIA_ACCEL_REDIRECT names the internal path under which the reverse
    proxy serves MEDIA_ROOT (docker-compose.yml's Caddy): then the answer is only headers with X-Accel-Redirect, and
    the proxy sends the file without holding a gunicorn worker for the whole download.
    """
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if not prefix:
        return FileResponse(stored_file.open("rb"), as_attachment=as_attachment, filename=filename)
    response = HttpResponse(content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    # The stored name as raw UTF-8 (a header is Latin-1 to Django): Caddy does not decode a %-escaped path here, and
    # storage names hold only letters, digits, "_", "-", "." and "/" (Storage.get_valid_name), nothing to escape.
    response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{stored_file.name}".encode().decode("latin-1")
    return response
