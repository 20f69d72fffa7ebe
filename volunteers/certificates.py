"""志愿服务记录证明: a volunteer's confirmed service as an A4 PDF (WeasyPrint, the Noto CJK font embedded), with a
verification code kept as a ``Certificate`` row and a QR code of the public page that confirms it.

The civil-affairs ministry's rules on service records and certificates (2021) ask a certificate to state the
volunteer's identity, each service's content and hours, the total and the issuing organisation: here the
organisation of the issuer that keeps the volunteer (the deepest of their organisations above the volunteer's),
or, when volunteers ask for their own, the organisation they are registered at. The identity is the masked
document number, as everywhere outside the logged reveal.
"""
import base64
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, organizations_held, require

from .models import Certificate, ServiceRecord

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 16
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@dataclass(frozen=True)
class ServiceLine:
    """One activity on a certificate: its title, first and last day served, confirmed hours."""

    title: str
    first: object
    last: object
    hours: Decimal


def service_lines(volunteer) -> list[ServiceLine]:
    """The volunteer's confirmed service by activity, oldest first (one query)."""
    rows = (ServiceRecord.objects.confirmed().filter(volunteer=volunteer).order_by()
            .values("activity_id", "activity__title")
            .annotate(first=Min("date"), last=Max("date"), hours=Sum("hours")).order_by("first", "activity_id"))
    return [ServiceLine(r["activity__title"], r["first"], r["last"], r["hours"]) for r in rows]


def issuing_organization(volunteer, by):
    """The organisation that issues ``by``'s certificate for ``volunteer``: the volunteer's own organisation for
    their own account, else the deepest organisation at or above the volunteer's where ``by`` keeps volunteers."""
    if volunteer.user_id and volunteer.user_id == getattr(by, "pk", None):
        return volunteer.organization
    require(by, Action.MANAGE_VOLUNTEERS, volunteer)
    path = volunteer.organization.path
    held = [o for o in organizations_held(by, Action.MANAGE_VOLUNTEERS) if path.startswith(o.path)]
    return max(held, key=lambda o: o.depth) if held else volunteer.organization  # a superuser: the volunteer's


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def issue_certificate(volunteer, *, by) -> tuple[Certificate, list[ServiceLine]]:
    """Issue a certificate of ``volunteer``'s confirmed service: by someone who keeps the volunteer, or by the
    volunteer through their own account. The same certificate issued again on the same day by the same
    organisation, with nothing changed, is the one issued before."""
    if volunteer.is_anonymised:
        raise ValidationError(_("This volunteer has been anonymised; no certificate can be issued."))
    if not (volunteer.user_id and volunteer.user_id == getattr(by, "pk", None)):
        require(by, Action.MANAGE_VOLUNTEERS, volunteer)
    if getattr(by, "pk", None) is None:
        raise PermissionDenied
    organization = issuing_organization(volunteer, by)
    lines = service_lines(volunteer)
    total = sum((line.hours for line in lines), Decimal(0))
    count = ServiceRecord.objects.confirmed().filter(volunteer=volunteer).count()
    today = timezone.localdate()
    same = Certificate.objects.filter(volunteer=volunteer, organization=organization, total_hours=total,
                                      record_count=count, issued_at__date=today).first()
    if same is not None:
        return same, lines
    certificate = Certificate.objects.create(volunteer=volunteer, organization=organization, code=new_code(),
                                             total_hours=total, record_count=count, issued_by=actor(by))
    audit.record(by, AuditAction.CERTIFICATE_ISSUE, certificate, organization, object_repr=certificate.code,
                 changes={"total_hours": [None, total], "record_count": [None, count]})
    return certificate, lines


def verification_url(certificate) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("volunteers:certificate_verify", args=[certificate.code])


def _qr_data_uri(text: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=2, dark="#000")
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _font_url() -> str:
    for name in FONT_FILES:
        if Path(name).exists():
            return Path(name).as_uri()
    return ""


def render_pdf(certificate, lines) -> bytes:
    """The certificate as an A4 PDF, in Chinese (a certificate is read by schools and employers in China)."""
    from weasyprint import HTML

    url = verification_url(certificate)
    with translation.override("zh-hans"):
        html = render_to_string("volunteers/certificate_pdf.html", {
            "certificate": certificate, "volunteer": certificate.volunteer, "lines": lines,
            "issued_on": timezone.localdate(certificate.issued_at), "verify_url": url, "qr": _qr_data_uri(url),
            "font_url": _font_url(),
        })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def find_certificate(code: str):
    """The certificate with ``code`` (any case, spaces ignored), or None: the public verification page's read."""
    code = "".join(str(code or "").split()).upper()
    if not code or len(code) > 32:
        return None
    return Certificate.objects.select_related("volunteer", "organization").filter(code=code).first()


__all__ = ["find_certificate", "issue_certificate", "mask_name", "render_pdf", "service_lines",
           "verification_url"]


def mask_name(name: str) -> str:
    """张*, 欧阳**: the family name's first character and a star for every other, for the public page."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
