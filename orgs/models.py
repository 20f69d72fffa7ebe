"""The organisation tree, its departments, the roles users hold in it, the history of moves and the audit log."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .choices import AuditAction, ImportStatus, Kind, Level, Role, Sector
from .permissions import Action, RestrictedQuerySet, RestrictedQuerySetMixin, ScopedByOrganization


class OrganizationQuerySet(RestrictedQuerySetMixin, MP_NodeQuerySet):
    def within(self, organization, include_self=True):
        """The subtree below ``organization``."""
        qs = self.filter(path__startswith=organization.path)
        return qs if include_self else qs.exclude(pk=organization.pk)

    def with_subtree_totals(self):
        """Annotate members and youth of each row's whole subtree and the organisations below it, in one query."""
        subtree = (
            Organization.objects.filter(path__startswith=OuterRef("path"))
            .order_by()
            .annotate(group=Value(1))
            .values("group")
        )

        def total(expr):
            return Coalesce(Subquery(subtree.annotate(t=expr).values("t")[:1]), 0)

        return self.annotate(
            subtree_members=total(Sum("member_count")),
            subtree_youth=total(Sum("youth_count")),
            organizations_below=total(models.Count("pk")) - 1,  # the organisation itself is not below it
        )


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(ScopedByOrganization, MP_Node):
    """A league body in the tree: 团省委, 团市委, 团县委, 乡镇团委, 团总支 or 团支部.

    The materialized path (``path``) places it in the tree; the code is the one the national
    智慧团建 system gives it and is what imports and exports carry.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("organisation kind"), max_length=30, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    member_count = models.PositiveIntegerField(_("league members"), default=0)
    youth_count = models.PositiveIntegerField(_("youth"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    reporting_from = models.DateField(
        _("reports from (month)"), null=True, blank=True,
        help_text=_("The first month whose monthly report the organisation owes (its first day). "
                    "Empty: the month after it was created or imported."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationManager()

    scope_owner = ""

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["level", "kind"], name="org_level_kind_idx"),
            # the list tables' sort columns (orgs.tables.OrganizationTable): name, level (depth), kind
            models.Index(fields=["name", "path"], name="org_name_idx"),
            models.Index(fields=["depth", "path"], name="org_depth_idx"),
            models.Index(fields=["kind", "path"], name="org_kind_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(reporting_from__day=1) | Q(reporting_from__isnull=True),
                                              name="organization_reporting_from_first_day")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:organization_detail", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def parent_path(self):
        return self.path[: -self.steplen] if self.depth > 1 else ""


class Department(ScopedByOrganization, models.Model):
    """A department (部室) of an organisation, e.g. 组织部 or 宣传部; plans name a lead department."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    objects = RestrictedQuerySet.as_manager()


    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organization__path", "display_order", "name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="department_unique_name_per_org",
                                    violation_error_message=_("This department exists already."))
        ]

    def __str__(self):
        return f"{self.organization.display_name} · {self.name}"


class RoleAssignment(ScopedByOrganization, models.Model):
    """Ties a user to an organisation with one role; the role covers the organisation's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()


    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["organization__path", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_assignment_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_assignment_valid_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization.display_name}"


class OrganizationMove(ScopedByOrganization, models.Model):
    """History of a subtree moved under another parent: who, when, from where, why."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="moves", verbose_name=_("organisation")
    )
    old_parent = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("old parent")
    )
    new_parent = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("new parent")
    )
    old_parent_name = models.CharField(_("old parent name"), max_length=200, blank=True)
    new_parent_name = models.CharField(_("new parent name"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("moved by")
    )
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()


    class Meta:
        verbose_name = _("organisation move")
        verbose_name_plural = _("organisation moves")
        ordering = ["-moved_at", "-pk"]

    def __str__(self):
        return f"{self.organization}: {self.old_parent_name} → {self.new_parent_name}"


class ImportJobQuerySet(models.QuerySet):
    def restrict(self, user, action=None):
        """A job, its file and its findings are its uploader's alone."""
        return self.filter(created_by=user) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """An organisation import too large for a request: the uploaded file, checked by Celery and, when
    ``apply`` is set and every row is valid, carried out whole. Pages and the API poll it."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_import_jobs",
                                   verbose_name=_("uploaded by"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    apply = models.BooleanField(_("import when valid"), default=False,
                                help_text=_("Off: only check the file (a dry run)."))
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True,
                              help_text=_("The first problems found, by row and column."))
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    detail = models.CharField(_("why the file could not be read"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("orgs:import_job", args=[self.pk])

    @property
    def finished(self):
        return self.status in (ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED)

    def outcome_message(self) -> tuple[str, dict]:
        """How a finished import ended, for the person who started it: a message of the catalogue (untranslated,
        the bell translates it for its reader) and its values."""
        titles = {
            ImportStatus.DONE: gettext_noop("Organisation import “%(name)s” is done"),
            ImportStatus.INVALID: gettext_noop("Organisation import “%(name)s” found problems; nothing was imported"),
            ImportStatus.FAILED: gettext_noop("Organisation import “%(name)s” could not be read"),
        }
        return titles[self.status], {"name": self.original_name}


class AuditEntryQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Audit rows are read by the administrators of the organisation they concern and of those above it;
        whoever else sees the organisation does not see its log."""
        return super().restrict(user, Action.VIEW_AUDIT)


class AuditEntry(ScopedByOrganization, models.Model):
    """One write through a service: who, when, from which address, what it did to which object, and the fields it
    changed (``changes``: {field: [old, new]}; a secret field is recorded as changed, never with its values).

    Rows are written by ``orgs.audit.record`` inside the write's own transaction and never changed; they are deleted
    only by the retention task (``AUDIT_RETENTION_DAYS``).
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True,
                                  help_text=_("Empty when the portal itself acted."))
    address = models.CharField(_("client address"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("object type"))
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, related_name="+",
                                     verbose_name=_("organisation"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
                   models.Index(fields=["action", "-at"], name="audit_action_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit entries are never changed.")
        super().save(*args, **kwargs)
