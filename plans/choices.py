"""Choices of the plans app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Comparator(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    AT_MOST = "lte", _("at most")
    EXACTLY = "eq", _("exactly")


class Aggregation(models.TextChoices):
    """How the figures of a subtree combine into the figure of the organisation above."""

    SUM = "sum", _("sum")
    AVERAGE = "avg", _("average")
    MINIMUM = "min", _("minimum")
    LATEST = "latest", _("latest")


class ProgressRule(models.TextChoices):
    """What time-based expected progress (时序进度) means for a target."""

    CUMULATIVE = "cumulative", _("cumulative count: grows with the elapsed share of the period")
    LEVEL = "level", _("level to hold: checked against its level at every entry")


class PointStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Light(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Behind")
    RED = "red", _("Far behind")
    DONE = "done", _("Done")


