"""Monthly assessment (月考核): schemes with a two-level indicator tree, computed runs, scores with their
breakdown, assessor entries (manual points, bonus and deduction) and appeals.

The tables were created by the plans app and keep its names (``Meta.db_table``): the models moved
here by state-only migrations, so no row or table had to move with them."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.files import StoredFile
from orgs.permissions import (
    Action,
    RestrictedQuerySet,
    ScopedByOrganization,
    SeenWithQuerySet,
    paths_at_and_above,
    scope_q,
)

from .choices import AdjustmentKind, AppealStatus, Grade, GradeMode, ItemKind, RuleKind, RunStatus

POINTS = {"max_digits": 8, "decimal_places": 2}


def default_thresholds():
    return {"excellent": 90, "good": 80, "pass": 60}


def default_shares():
    return {"excellent": 20, "good": 30}


# What the assessed see of a scheme's months: the runs open for appeal or published (and the versions those
# replaced), and the scores of the runs open for appeal or published. Provisional runs are the assessors' alone.
RUNS_SHOWN = (RunStatus.APPEAL, RunStatus.PUBLISHED, RunStatus.SUPERSEDED)
SCORES_SHOWN = (RunStatus.APPEAL, RunStatus.PUBLISHED)


def assessing(user, scheme):
    """A filter keeping the rows whose scheme (``scheme``, the ORM path to it) ``user`` assesses."""
    return scope_q(user, Action.ASSESS, f"{scheme}__organization__path")


class SchemeQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """A scheme is seen in its issuer's reach and by every organisation below the issuer: its rules and
        weights are open to those it assesses."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(scope_q(user, action, self.model.scope_path_lookup)
                           | Q(organization__path__in=paths_at_and_above(user)))


class RunQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """The scheme's assessors see every run; whoever sees the scheme sees the runs shown to the assessed."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(assessing(user, "scheme") | Q(scheme__in=AssessmentScheme.objects.restrict(user).values("pk"),
                                                        status__in=RUNS_SHOWN))


class ScoreQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """The scheme's assessors see every score; the assessed, in their reach, the scores shown to them."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(assessing(user, "run__scheme")
                           | (scope_q(user, action, self.model.scope_path_lookup) & Q(run__status__in=SCORES_SHOWN)))


class AppealQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """In the runs a user sees: the scheme's assessors see every appeal, the appealing organisation's side
        (in their reach) its own."""
        if action != Action.VIEW:
            return super().restrict(user, action)
        return self.filter(Q(run__in=AssessmentRun.objects.restrict(user).values("pk"))
                           & (assessing(user, "run__scheme") | scope_q(user, action, self.model.scope_path_lookup)))


class AssessorEntryQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """Manual points and bonuses or deductions are the assessors' working papers: seeing them takes the
        right to assess (the assessed read them in their scores' explanations)."""
        return super().restrict(user, Action.ASSESS if action == Action.VIEW else action)


class AssessmentScheme(ScopedByOrganization, models.Model):
    """考核方案: issued by an organisation for a year, applied to a group of organisations below it."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="assessment_schemes",
                                     verbose_name=_("issued by"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    levels = models.JSONField(_("levels assessed"), default=list, blank=True, help_text=_("Empty: every level."))
    kinds = models.JSONField(_("kinds assessed"), default=list, blank=True, help_text=_("Empty: every kind."))
    grade_mode = models.CharField(_("grades"), max_length=10, choices=GradeMode.choices, default=GradeMode.THRESHOLD)
    thresholds = models.JSONField(_("grade thresholds"), default=default_thresholds,
                                  help_text=_("Lowest score of 优秀, 良好 and 合格."))
    shares = models.JSONField(_("grade shares"), default=default_shares,
                              help_text=_("Percent of the group graded 优秀 and 良好 by rank; below the 合格 threshold is 不合格."))
    bonus_cap = models.DecimalField(_("bonus cap"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    deduction_cap = models.DecimalField(_("deduction cap"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=0,
                                                   help_text=_("0: scores are published without an appeal window."))
    compute_day = models.PositiveSmallIntegerField(_("computed on day"), default=8,
                                                   help_text=_("Day of the following month on which beat computes the scores."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        db_table = "plans_assessmentscheme"
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "organization__path", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("assessment:scheme_detail", args=[self.pk])

    @property
    def max_total(self):
        return sum((i.max_points for i in self.indicators.all() if i.parent_id is None), start=0)


class Indicator(ScopedByOrganization, models.Model):
    """一级指标 (no parent, groups its 二级指标) or 二级指标 (scored by its rule)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators",
                               verbose_name=_("scheme"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("一级指标"))
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), validators=[MinValueValidator(0)], **POINTS)
    rule = models.CharField(_("scoring rule"), max_length=15, choices=RuleKind.choices, blank=True)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    standard = models.TextField(_("scoring standard (评分标准)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SeenWithQuerySet.as_manager()  # seen wherever its scheme is
    scope_owner = "scheme__organization"
    seen_with = "scheme"

    class Meta:
        db_table = "plans_indicator"
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "order", "pk"]

    def __str__(self):
        return self.name


class AssessmentRun(ScopedByOrganization, models.Model):
    """A scheme's scores for one month, one version. Published runs are frozen; a recomputation after
    publication makes a new version and keeps the old one, with who asked and why."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scheme"))
    month = models.DateField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.COMPUTING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    appeal_until = models.DateField(_("appeals until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RunQuerySet.as_manager()
    scope_owner = "scheme__organization"

    class Meta:
        db_table = "plans_assessmentrun"
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "month", "version"], name="assessment_run_version"),
            models.CheckConstraint(condition=Q(month__day=1), name="assessment_run_month_first_day"),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.month:%Y-%m} · v{self.version}"

    @property
    def is_frozen(self):
        return self.status in (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)



class Score(ScopedByOrganization, models.Model):
    """One organisation's result in a run: total, rank in the group, grade, change, year to date."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("run"))
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="scores",
                                     verbose_name=_("organisation"))
    total = models.DecimalField(_("total"), **POINTS)
    bonus = models.DecimalField(_("bonus"), default=0, **POINTS)
    deduction = models.DecimalField(_("deduction"), default=0, **POINTS)
    rank = models.PositiveIntegerField(_("rank"))
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    change = models.DecimalField(_("change from last month"), null=True, blank=True, **POINTS)
    ytd_total = models.DecimalField(_("year to date, total"), **POINTS)
    ytd_average = models.DecimalField(_("year to date, average"), **POINTS)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        db_table = "plans_score"
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["run", "rank", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="score_once_per_run")]
        # a run's table sorted by rank or total (assessment.tables.ScoreTable)
        indexes = [models.Index(fields=["run", "rank"], name="score_run_rank_idx"),
                   models.Index(fields=["run", "total"], name="score_run_total_idx")]

    def __str__(self):
        return f"{self.organization} · {self.total}"

    def get_absolute_url(self):
        """The stable address (scheme, month, organisation code): it outlives recomputations of the month."""
        from .selectors import score_url

        return score_url(self.run.scheme_id, self.run.month, self.organization.code)


class ScoreItem(ScopedByOrganization, models.Model):
    """The points of one 二级指标, of the bonuses, of the deductions or of an accepted appeal: the raw figure, the
    points, and where they came from."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items", verbose_name=_("score"))
    kind = models.CharField(_("item kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.INDICATOR)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                  verbose_name=_("indicator"))
    raw = models.DecimalField(_("raw figure"), null=True, blank=True, max_digits=16, decimal_places=4)
    points = models.DecimalField(_("points"), **POINTS)
    explanation = models.TextField(_("explanation"))

    objects = SeenWithQuerySet.as_manager()  # seen wherever its score is
    scope_owner = "score__organization"
    seen_with = "score"

    class Meta:
        db_table = "plans_scoreitem"
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["score", models.F("indicator__order").asc(nulls_last=True), "pk"]

    def __str__(self):
        return f"{self.indicator or '—'}: {self.points}"


class AssessorEntry(ScopedByOrganization, models.Model):
    """Points an assessor enters for one organisation and month, and who entered them."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    month = models.DateField(_("month"))
    points = models.DecimalField(_("points"), validators=[MinValueValidator(0)], **POINTS)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("entered by"))

    objects = AssessorEntryQuerySet.as_manager()

    class Meta:
        abstract = True


class ManualPoints(AssessorEntry):
    """Points an assessor gives one organisation on a manual indicator for a month, with a comment."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_points",
                                  verbose_name=_("indicator"))
    comment = models.CharField(_("comment"), max_length=500)
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    scope_owner = "indicator__scheme__organization"

    class Meta:
        db_table = "plans_manualpoints"
        verbose_name = _("manual points")
        verbose_name_plural = _("manual points")
        ordering = ["month", "indicator", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["indicator", "organization", "month"], name="manual_points_once")]

    def __str__(self):
        return f"{self.indicator} · {self.organization} · {self.points}"


class Adjustment(AssessorEntry):
    """加分 or 扣分 for one organisation in a month, with the reason; capped by the scheme."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="adjustments",
                               verbose_name=_("scheme"))
    kind = models.CharField(_("adjustment kind"), max_length=10, choices=AdjustmentKind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    scope_owner = "scheme__organization"

    class Meta:
        db_table = "plans_adjustment"
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")
        ordering = ["month", "organization__path", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points} · {self.organization}"


def appeal_path(instance, filename):
    return f"appeals/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Appeal(ScopedByOrganization, models.Model):
    """申诉: an assessed organisation objects to its provisional score; the assessor accepts (with an
    adjustment) or rejects it, with a reason."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("run"))
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    adjustment = models.DecimalField(_("adjustment"), default=0, **POINTS)
    decision = models.TextField(_("decision"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        db_table = "plans_appeal"
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.organization} · {self.run}"


class AppealEvidence(ScopedByOrganization, StoredFile):
    """A file backing an appeal."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("appeal"))
    file = models.FileField(_("file"), upload_to=appeal_path, max_length=300)

    objects = SeenWithQuerySet.as_manager()  # seen wherever its appeal is
    scope_owner = "appeal__organization"
    seen_with = "appeal"

    class Meta:
        db_table = "plans_appealevidence"
        verbose_name = _("appeal evidence")
        verbose_name_plural = _("appeal evidence")
