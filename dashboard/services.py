"""Writes of the dashboard app, which reads everything else: keeping the 工作通报 it makes, and issuing them after a
month's scores are published.

A stored circular is made as the portal itself (``SYSTEM``): the download serves it only to users who see the
organisation's whole subtree, and for them the figures read are the same whoever asks (``figures.board`` is cached
on that ground already), so one file per organisation, month and kind serves them all and says nothing one of them
may not see. Provisional scores never reach it: the circular reads published runs only.
"""
import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score
from core.dates import parse_month
from core.jobs import enqueue
from notifications.services import notify
from orgs import audit
from orgs.choices import AuditAction, Role
from orgs.models import Organization, RoleAssignment
from orgs.permissions import SYSTEM

from . import circular
from .choices import CircularKind
from .kinds import CIRCULAR_READY
from .models import Circular

logger = logging.getLogger(__name__)


def circular_file(organization, month, kind, today=None):
    """(bytes, file name, content type) of the circular of ``organization`` and ``month`` as ``kind``: the stored
    copy while its stamp is the current one, else made now and stored. The caller has checked who asks."""
    today = today or timezone.localdate()
    stamp = circular.stamp(organization, month, today)  # before reading: a change made meanwhile makes it again
    stored = Circular.objects.filter(organization=organization, month=month, kind=kind).first()
    if stored is not None and stored.stamp == stamp:
        try:
            with stored.file.open("rb") as handle:
                return handle.read(), stored.name, circular.content_type(kind)
        except OSError:  # the file is gone (a restored database, a cleaned disk): made again
            logger.warning("Stored circular %s has lost its file; making it again.", stored.pk)
    content, name, content_type = circular.render(organization, month, SYSTEM, kind, today)
    _keep(organization, month, kind, content, name, stamp)
    return content, name, content_type


def _keep(organization, month, kind, content, name, stamp):
    """Store ``content`` as the circular of ``organization``, ``month`` and ``kind`` (replacing the old file once
    the row is saved)."""
    on_disk = get_valid_filename(f"circular-{organization.code}-{month:%Y-%m}.{kind}")
    try:
        with transaction.atomic():
            stored = Circular.objects.select_for_update().filter(organization=organization, month=month,
                                                                  kind=kind).first()
            old = stored.file.name if stored is not None else None
            stored = stored or Circular(organization=organization, month=month, kind=kind)
            stored.name, stored.size, stored.stamp, stored.made_at = name[:200], len(content), stamp, timezone.now()
            stored.file.save(on_disk, ContentFile(content), save=False)
            try:
                stored.save()
            except IntegrityError:  # another request stored the same circular meanwhile: theirs is kept
                stored.file.storage.delete(stored.file.name)
                raise
            if old and old != stored.file.name:
                storage = stored.file.storage
                transaction.on_commit(lambda: storage.delete(old))
    except IntegrityError:
        return None
    return stored


# --- issued by Celery beat after a publication -----------------------------------------------------------------


def _issued_to(run):
    """The organisations a published run's circular goes to: those with children among the organisations it scored,
    and the issuer of its scheme (its circular ranks the whole group). Active ones only."""
    steplen = Organization.steplen
    scored = Score.objects.filter(run=run).values_list("organization__path", flat=True)
    parents = {path[:-steplen] for path in scored if len(path) > steplen}
    return set(Organization.objects.filter(Q(path__in=parents) | Q(pk=run.scheme.organization_id), is_active=True)
               .values_list("pk", flat=True))


def issue_published_circulars(now=None):
    """Find the months whose scores were published in the last ``CIRCULAR_ISSUE_WITHIN_DAYS`` and whose circulars
    were not issued for that publication yet, and send one task per organisation to make and announce them.

    Idempotent: a circular issued for a publication records it (``issued_for``), so a second run sends nothing; a
    month published again (new scores) is issued again. Returns how many tasks were sent."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.CIRCULAR_ISSUE_WITHIN_DAYS)
    runs = (AssessmentRun.objects.filter(status=RunStatus.PUBLISHED, published_at__gte=since)
            .select_related("scheme").order_by("published_at", "pk"))
    wanted = {}  # (organisation, month) -> the latest run published for it
    for run in runs:
        for organization_id in _issued_to(run):
            wanted[(organization_id, run.month)] = run
    if not wanted:
        return 0
    issued = {}
    for organization_id, month, issued_for in Circular.objects.filter(
            kind=CircularKind.DOCX, issued_for__isnull=False, organization_id__in={o for o, _m in wanted},
            month__in={m for _o, m in wanted}).values_list("organization_id", "month", "issued_for"):
        issued[(organization_id, month)] = issued_for
    sent = 0
    for (organization_id, month), run in sorted(wanted.items(), key=lambda item: (item[0][1], item[0][0])):
        if issued.get((organization_id, month)) is not None and issued[(organization_id, month)] >= run.published_at:
            continue
        enqueue("dashboard.tasks.issue_circular", organization_id, f"{month:%Y-%m}", run.pk)
        sent += 1
    return sent


def issue_circular(organization_id, month, run_id, today=None):
    """Make (or find current) the circular of an organisation and month as .docx and PDF, record the publication
    it was issued for and tell the organisation's leaders, once per publication. Returns how many were told."""
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    run = AssessmentRun.objects.filter(pk=run_id, status=RunStatus.PUBLISHED).first()
    if organization is None or run is None:  # gone, or published again meanwhile (that run is issued instead)
        return 0
    month = parse_month(month)
    for kind in CircularKind.values:
        circular_file(organization, month, kind, today)
    with transaction.atomic():
        issued = Circular.objects.filter(organization=organization, month=month).filter(
            Q(issued_for__isnull=True) | Q(issued_for__lt=run.published_at)).update(issued_for=run.published_at)
        if issued:
            audit.record(SYSTEM, AuditAction.CIRCULAR_ISSUE, None, organization, object_repr=organization.name,
                         changes={"month": [None, month], "run": [None, run.pk]})
    leaders = RoleAssignment.objects.filter(organization=organization, role=Role.LEADER,
                                            user__is_active=True).values_list("user_id", flat=True)
    url = reverse("dashboard:circular", args=[organization.code, CircularKind.PDF]) + f"?month={month:%Y-%m}"
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The %(month)s work circular of %(organization)s is ready") % {
            "month": f"{month:%Y-%m}", "organization": organization.name}
        body = _("Made after the scores of “%(scheme)s” were published. The PDF opens from this link; the Word "
                 "file is on the organisation's dashboard.") % {"scheme": run.scheme.title}
    return notify(list(leaders), title=title, kind=CIRCULAR_READY, body=body, url=url,
                  key=f"circular:{organization.pk}:{month:%Y-%m}:{run.pk}")
