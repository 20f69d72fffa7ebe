"""Choices of the monthly reports."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    INTEGER = "integer", _("whole number")
    DECIMAL = "decimal", _("decimal")
    PERCENT = "percent", _("percentage")
    BOOLEAN = "boolean", _("yes/no")
    TEXT = "text", _("text")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    RETURN = "return", _("returned")
    APPROVE = "approve", _("approved")
    REOPEN = "reopen", _("reopened")
