from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Download, Notification, Preference


class KindFilter(admin.SimpleListFilter):
    """The kinds the apps register (the column has no choices of its own)."""

    title = _("kind of notification")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind_label", "created_at", "read_at", "emailed_at"]
    list_filter = [KindFilter, "read_at", "emailed_at"]
    search_fields = ["title", "user__username", "key"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"

    @admin.display(description=_("kind of notification"), ordering="kind")
    def kind_label(self, notification):
        return notification.kind_label


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at"]
    raw_id_fields = ["user"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "changed_at"]
    raw_id_fields = ["user"]
