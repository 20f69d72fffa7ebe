"""Choices of the monthly assessment."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    """How a 二级指标 is scored."""

    TARGETS = "targets", _("target completion")
    REPORTING = "reporting", _("monthly reporting")
    REPORT_FIELD = "report_field", _("report field against a standard")
    VOLUNTEERS = "volunteers", _("volunteer figure against a standard")
    MANUAL = "manual", _("points entered by an assessor")


class FieldMode(models.TextChoices):
    FULL = "full", _("full points when the standard is met")
    PROPORTIONAL = "proportional", _("in proportion to the standard")
    STEPPED = "stepped", _("by steps")


class GradeMode(models.TextChoices):
    THRESHOLD = "threshold", _("by score thresholds")
    SHARE = "share", _("by share of the group")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    PASS = "pass", _("pass")
    FAIL = "fail", _("fail")


class RunStatus(models.TextChoices):
    COMPUTING = "computing", _("computing")
    PROVISIONAL = "provisional", _("provisional")
    APPEAL = "appeal", _("open for appeal")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")
    FAILED = "failed", _("failed")


class ItemKind(models.TextChoices):
    """What a line of a score's breakdown stands for."""

    INDICATOR = "indicator", _("indicator")
    BONUS = "bonus", _("bonus")
    DEDUCTION = "deduction", _("deduction")
    APPEAL = "appeal", _("appeal")


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("bonus")
    DEDUCTION = "deduction", _("deduction")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
