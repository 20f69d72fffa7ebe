"""The volunteer registry, activities, sign-ins, service records and what is computed from them.

Personal data: a volunteer's document number and mobile are stored encrypted (``volunteers.pii``) with a
keyed lookup hash and a masked form; pages, exports and the API show the masked form, and only
administrators of the volunteer's organisation or above read the clear one, one record at a time, each
time leaving an ``UnmaskEvent``.

Service hours: only confirmed records count. ``ServiceDay`` keeps the hours of each volunteer and day that
are not rejected, and its check constraint is what finally refuses a 25th hour, whichever path wrote it.
A record keeps the organisation the volunteer belonged to on its date (``organization``), so moving a
volunteer moves no hours between organisations' statistics.
"""
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.choices import ImportStatus
from orgs.permissions import Action, RestrictedQuerySet, ScopedByOrganization, scope_q

from .choices import (
    ActivityCategory,
    ActivityStatus,
    Gender,
    IdType,
    Platform,
    PoliticalStatus,
    RecordSource,
    RecordStatus,
    SignKind,
    ViewedThrough,
    VolunteerStatus,
)

HOURS = {"max_digits": 12, "decimal_places": 2}
DEFAULT_STAR_HOURS = (100, 300, 600, 1000, 1500)  # ../shared/DOMAIN.md: 一星 … 五星; varies by province


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class VolunteerQuerySet(RestrictedQuerySet):
    def registered(self):
        """Everyone on the registry who has not left (anonymised volunteers have left)."""
        return self.exclude(status=VolunteerStatus.LEFT)


class Volunteer(ScopedByOrganization, models.Model):
    """A registered volunteer (注册志愿者): one person, once in the whole province."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="volunteers",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_type = models.CharField(_("document type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number_encrypted = models.TextField(_("document number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(_("document number lookup hash"), max_length=64, null=True, blank=True,
                                      editable=False)
    id_number_masked = models.CharField(_("document number"), max_length=30, blank=True, editable=False)
    mobile_encrypted = models.TextField(_("mobile (encrypted)"), blank=True, editable=False)
    mobile_hash = models.CharField(_("mobile lookup hash"), max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("mobile"), max_length=20, blank=True, editable=False)
    political_status = models.CharField(_("political status"), max_length=20, choices=PoliticalStatus.choices,
                                        default=PoliticalStatus.LEAGUE_MEMBER)
    registered_on = models.DateField(_("registration date"))
    platform = models.CharField(_("national platform"), max_length=20, choices=Platform.choices, blank=True)
    platform_number = models.CharField(_("number on the platform"), max_length=40, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Separated by commas."))
    status = models.CharField(_("status"), max_length=10, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.ACTIVE)
    guardian_consent = models.BooleanField(_("guardian's consent"), default=False,
                                           help_text=_("Required for volunteers aged 14 to 17."))
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="volunteer", verbose_name=_("portal account"))
    confirmed_hours = models.DecimalField(_("confirmed hours"), default=0, editable=False, **HOURS)
    star = models.PositiveSmallIntegerField(_("star level"), default=0, editable=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["organization__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=Q(id_number_hash__isnull=False),
                                    name="volunteer_unique_id_number",
                                    violation_error_message=_("A volunteer with this document number is registered already.")),
            models.CheckConstraint(condition=Q(star__gte=0, star__lte=5), name="volunteer_star_range"),
            models.CheckConstraint(condition=Q(confirmed_hours__gte=0), name="volunteer_hours_not_negative"),
            models.CheckConstraint(condition=Q(status__in=VolunteerStatus.values), name="volunteer_valid_status"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="volunteer_org_status_idx"),
                   # the registry's sort columns (volunteers.tables.VolunteerTable)
                   models.Index(fields=["name"], name="volunteer_name_idx"),
                   models.Index(fields=["registered_on"], name="volunteer_registered_on_idx"),
                   models.Index(fields=["confirmed_hours"], name="volunteer_hours_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class VolunteerMove(ScopedByOrganization, models.Model):
    """A volunteer moved from one organisation to another: the history stays with the volunteer."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="moves",
                                  verbose_name=_("volunteer"))
    old_organization = models.ForeignKey("orgs.Organization", on_delete=models.SET_NULL, null=True, related_name="+",
                                         verbose_name=_("from"))
    new_organization = models.ForeignKey("orgs.Organization", on_delete=models.SET_NULL, null=True, related_name="+",
                                         verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("moved by"))
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_owner = "volunteer__organization"

    class Meta:
        verbose_name = _("volunteer move")
        verbose_name_plural = _("volunteer moves")
        ordering = ["-moved_at", "-pk"]

    def __str__(self):
        return f"{self.volunteer}: {self.old_organization} → {self.new_organization}"


class UnmaskEventQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """The audit trail of unmasked personal data is read by those who may unmask it."""
        return super().restrict(user, Action.UNMASK_PII)


class UnmaskEvent(ScopedByOrganization, models.Model):
    """One look at a volunteer's personal data in clear: who, when, which record, why."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="unmask_events",
                                  verbose_name=_("volunteer"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("viewed by"))
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("viewed at"), auto_now_add=True)
    via = models.CharField(_("through"), max_length=10, choices=ViewedThrough.choices, default=ViewedThrough.PAGE)

    objects = UnmaskEventQuerySet.as_manager()
    scope_owner = "volunteer__organization"

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="unmask_event_has_reason")]

    def __str__(self):
        return f"{self.user} · {self.volunteer} · {self.at:%Y-%m-%d %H:%M}"


class StarScale(ScopedByOrganization, models.Model):
    """The cumulative confirmed hours of each star level (星级) in an organisation's subtree (set by a province;
    a volunteer's scale is that of the nearest organisation above it that has one, else the default)."""

    organization = models.OneToOneField("orgs.Organization", on_delete=models.CASCADE, related_name="star_scale",
                                        verbose_name=_("organisation"))
    one_star = models.DecimalField(_("one star"), default=DEFAULT_STAR_HOURS[0], **HOURS)
    two_stars = models.DecimalField(_("two stars"), default=DEFAULT_STAR_HOURS[1], **HOURS)
    three_stars = models.DecimalField(_("three stars"), default=DEFAULT_STAR_HOURS[2], **HOURS)
    four_stars = models.DecimalField(_("four stars"), default=DEFAULT_STAR_HOURS[3], **HOURS)
    five_stars = models.DecimalField(_("five stars"), default=DEFAULT_STAR_HOURS[4], **HOURS)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("star scale")
        verbose_name_plural = _("star scales")
        ordering = ["organization__path"]
        constraints = [models.CheckConstraint(
            condition=Q(one_star__gt=0, two_stars__gt=F("one_star"), three_stars__gt=F("two_stars"),
                        four_stars__gt=F("three_stars"), five_stars__gt=F("four_stars")),
            name="star_scale_rising", violation_error_message=_("Each star needs more hours than the one before."))]

    def __str__(self):
        return f"{self.organization.display_name} · {self.thresholds}"

    @property
    def thresholds(self) -> tuple:
        return (self.one_star, self.two_stars, self.three_stars, self.four_stars, self.five_stars)


def own_q(user, volunteer_lookup="volunteer") -> Q:
    """A volunteer's own rows (sign-ups, scans, service records), seen through their portal account."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return Q(pk__in=[])
    return Q(**{f"{volunteer_lookup}__user": user})


class ActivityQuerySet(RestrictedQuerySet):
    def open_to(self, volunteer, now=None):
        """The activities a volunteer may sign up for themself: open, not over, and organised at or above the
        volunteer's organisation (the league above recruits from the organisations below it)."""
        organization = volunteer.organization
        paths = [organization.path[:end] for end in range(organization.steplen, len(organization.path) + 1,
                                                          organization.steplen)]
        return self.filter(status=ActivityStatus.OPEN, ends_at__gt=now or timezone.now(),
                           organization__path__in=paths)

    def with_counts(self):
        """Each activity with ``signup_count`` and ``pending_count`` (records waiting for confirmation), one
        subquery each (joins of both would multiply rows)."""
        def count(model, **filters):
            rows = (model.objects.filter(activity=OuterRef("pk"), **filters).order_by().values("activity")
                    .annotate(n=Count("pk")).values("n"))
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), Value(0))
        return self.annotate(signup_count=count(Signup),
                             pending_count=count(ServiceRecord, status=RecordStatus.PENDING))


class Activity(ScopedByOrganization, models.Model):
    """志愿服务活动 / 项目, organised by one organisation ("谁组织谁记录, 谁记录谁证明")."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="volunteer_activities",
                                     verbose_name=_("organiser"))
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=ActivityCategory.choices,
                                default=ActivityCategory.COMMUNITY)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    planned_hours = models.DecimalField(_("planned hours per volunteer"), default=0, **HOURS)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit."))
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN)
    signin_secret = models.CharField(_("sign-in secret"), max_length=64, default=new_secret, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-pk"]
        # the activity list's sort columns (volunteers.tables.ActivityTable)
        indexes = [models.Index(fields=["starts_at"], name="activity_starts_at_idx"),
                   models.Index(fields=["title"], name="activity_title_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start",
                                   violation_error_message=_("An activity ends after it starts.")),
            models.CheckConstraint(condition=Q(planned_hours__gte=0, planned_hours__lte=24 * 366),
                                   name="activity_planned_hours_range"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteers:activity_detail", args=[self.pk])


class SignupQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """Seen by the organiser's part of the tree, by the volunteer's and by the volunteer themself; changed by the
        organiser's."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(scope_q(user, action, "activity__organization__path")
                           | scope_q(user, action, "volunteer__organization__path") | own_q(user))


class Signup(ScopedByOrganization, models.Model):
    """A volunteer on an activity's sign-up list (报名)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups", verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups",
                                  verbose_name=_("volunteer"))
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("signed up by"))

    objects = SignupQuerySet.as_manager()
    scope_owner = "activity__organization"

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="signup_once",
                                               violation_error_message=_("This volunteer has signed up already."))]

    def __str__(self):
        return f"{self.volunteer} · {self.activity}"


class SignInQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """Seen by the organiser's part of the tree and by the volunteer who scanned."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(scope_q(user, action, "activity__organization__path") | own_q(user))


class SignIn(ScopedByOrganization, models.Model):
    """A scan of an activity's rotating QR code: signing in or out at a time. ``window`` is the code's time
    window; one code serves one scan of one volunteer, so a photo of it is no use later."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_ins",
                                 verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="sign_ins",
                                  verbose_name=_("volunteer"))
    kind = models.CharField(_("kind of scan"), max_length=3, choices=SignKind.choices)
    at = models.DateTimeField(_("at"))
    window = models.BigIntegerField(_("code window"))

    objects = SignInQuerySet.as_manager()
    scope_owner = "activity__organization"

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["activity", "volunteer", "at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer", "window"], name="sign_in_one_scan_per_code"),
            models.UniqueConstraint(fields=["activity", "volunteer", "kind"], name="sign_in_once_each_way"),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.get_kind_display()} · {self.at:%H:%M}"


class ServiceRecordQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """Seen by the organiser's part of the tree, by the volunteer's organisation's (on the record's date) and by
        the volunteer themself; changed (confirmed, rejected) only by the organiser's."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(scope_q(user, action, "activity__organization__path")
                           | scope_q(user, action, "organization__path") | own_q(user))

    def confirmed(self):
        return self.filter(status=RecordStatus.CONFIRMED)


class ServiceRecord(ScopedByOrganization, models.Model):
    """Hours one volunteer served at one activity on one day. Only confirmed records count."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records",
                                  verbose_name=_("volunteer"))
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="records",
                                 verbose_name=_("activity"))
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("volunteer's organisation"),
                                     help_text=_("Where the volunteer belonged on the day of service."))
    date = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), **HOURS)
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("decided by"))
    confirmed_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ServiceRecordQuerySet.as_manager()
    scope_owner = "activity__organization"

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "activity", "date"], name="service_record_once_a_day",
                                    violation_error_message=_("This volunteer has a record for this activity on this day already.")),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="service_record_hours_range",
                                   violation_error_message=_("Hours of one record lie between 0 and 24.")),
            models.CheckConstraint(condition=Q(status__in=RecordStatus.values), name="service_record_valid_status"),
            models.CheckConstraint(condition=~Q(status=RecordStatus.REJECTED) | ~Q(reject_reason=""),
                                   name="service_record_rejection_has_reason"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "date"], name="service_record_org_idx"),
            models.Index(fields=["volunteer", "status"], name="service_record_volunteer_idx"),
            # the records list sorted by date of service (volunteers.tables.ServiceRecordTable)
            models.Index(fields=["date"], name="service_record_date_idx"),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.activity} · {self.date} · {self.hours}"


class ServiceDay(models.Model):
    """The hours of a volunteer's records on one day that are not rejected: the database refuses more than 24."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("volunteer"))
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), default=0, **HOURS)

    class Meta:
        verbose_name = _("service day")
        verbose_name_plural = _("service days")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "date"], name="service_day_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0, hours__lte=24), name="service_day_at_most_24_hours",
                                   violation_error_message=_("A volunteer cannot serve more than 24 hours a day.")),
        ]

    def __str__(self):
        return f"{self.volunteer_id} · {self.date} · {self.hours}"


class Certificate(ScopedByOrganization, models.Model):
    """志愿服务记录证明 issued for one volunteer: what it stated, and the code a public page verifies."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates",
                                  verbose_name=_("volunteer"))
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("issuing organisation"))
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    total_hours = models.DecimalField(_("total hours"), **HOURS)
    record_count = models.PositiveIntegerField(_("records"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return f"{self.code} · {self.volunteer}"


class VolunteerStatistic(ScopedByOrganization, models.Model):
    """The volunteer figures of an organisation's whole subtree for one month, computed set-based and stored
    (like the plan roll-ups) for plans, reports, assessment and the dashboard to read."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="volunteer_statistics",
                                     verbose_name=_("organisation"))
    month = models.DateField(_("month"))
    registered = models.PositiveIntegerField(_("registered volunteers"), default=0)
    registered_members = models.PositiveIntegerField(_("registered league members"), default=0)
    members = models.PositiveIntegerField(_("league members"), default=0)
    active = models.PositiveIntegerField(_("active volunteers"), default=0,
                                         help_text=_("With a confirmed record in the last twelve months."))
    hours = models.DecimalField(_("confirmed hours in the month"), default=0, **HOURS)
    cumulative_hours = models.DecimalField(_("confirmed hours to the month's end"), default=0, **HOURS)
    stars = models.JSONField(_("star distribution"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer statistic")
        verbose_name_plural = _("volunteer statistics")
        ordering = ["organization__path", "month"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="volunteer_statistic_unique")]
        # the dashboard's cache key reads the latest computation: one lookup with this index
        indexes = [models.Index(fields=["computed_at"], name="volunteer_stat_computed_idx")]

    def __str__(self):
        return f"{self.organization.display_name} · {self.month:%Y-%m}"

    @property
    def registered_share(self):
        """Registered league members per hundred league members (%), None without members."""
        return round(Decimal(self.registered_members) * 100 / self.members, 2) if self.members else None

    @property
    def hours_per_volunteer(self):
        """Cumulative confirmed hours per registered volunteer."""
        return round(Decimal(self.cumulative_hours) / self.registered, 2) if self.registered else None

    @property
    def hours_per_member(self):
        """Cumulative confirmed hours per league member."""
        return round(Decimal(self.cumulative_hours) / self.members, 2) if self.members else None


class VolunteerImportQuerySet(models.QuerySet):
    def restrict(self, user, action=None):
        """An import, its file and its findings are its uploader's alone."""
        return self.filter(created_by=user) if user.is_authenticated else self.none()


class VolunteerImport(models.Model):
    """An import of volunteers or service records from a national platform's export, checked and applied by
    Celery (100,000 rows do not fit in a request): pages and the API poll it."""

    class Kind(models.TextChoices):
        VOLUNTEERS = "volunteers", _("Volunteers")
        RECORDS = "records", _("Service records")

    kind = models.CharField(_("what is imported"), max_length=10, choices=Kind.choices)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("into organisation"))
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("activity"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_imports",
                                   verbose_name=_("uploaded by"))
    file = models.FileField(_("file"), upload_to="volunteer-imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    apply = models.BooleanField(_("import when valid"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    detail = models.CharField(_("why the file could not be read"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = VolunteerImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer import")
        verbose_name_plural = _("volunteer imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} · {self.get_status_display()}"
