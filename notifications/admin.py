from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import kinds
from .forms import masked
from .models import Delivery, Download, Notification, OrganizationChannel, Preference


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
    exclude = ["phone"]  # personal: the user's own settings page and API show it


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Read-only: deliveries are written by the delivery task and retried from the failed deliveries page."""

    list_display = ["notification", "recipient", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "notification__user__username", "provider_message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["notification__user"]

    @admin.display(description=_("user"), ordering="notification__user__username")
    def recipient(self, delivery):
        return delivery.notification.user


@admin.register(OrganizationChannel)
class OrganizationChannelAdmin(admin.ModelAdmin):
    """Read-only, masked: robots are set up by the organisation's administrators on its 通知渠道 page."""

    list_display = ["organization", "channel", "enabled", "webhook_masked", "changed_at", "changed_by"]
    list_filter = ["channel", "enabled"]
    fields = ["organization", "channel", "enabled", "webhook_masked", "kinds", "changed_at", "changed_by"]
    readonly_fields = fields

    @admin.display(description=_("robot webhook address"))
    def webhook_masked(self, robot):
        return masked(robot.webhook)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
