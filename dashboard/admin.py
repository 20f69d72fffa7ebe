"""Django admin of the dashboard: the stored 工作通报, to look at only (Celery beat and the download make them)."""
from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Circular


@admin.register(Circular)
class CircularAdmin(ReadOnlyAdmin):
    """Read only, and without the file: it is fetched through the circular download, which checks who asks."""

    list_display = ["name", "organization", "month", "kind", "size", "made_at", "issued_for"]
    list_filter = ["kind", "month"]
    search_fields = ["name", "organization__name", "organization__code"]
    fields = ["organization", "month", "kind", "name", "size", "stamp", "made_at", "issued_for"]
    readonly_fields = fields
    date_hierarchy = "made_at"
