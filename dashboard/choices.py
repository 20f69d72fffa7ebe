"""Choices of the dashboard app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CircularKind(models.TextChoices):
    DOCX = "docx", _("Word document")
    PDF = "pdf", _("PDF")
