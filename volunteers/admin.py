"""Django admin of the volunteer registry, for system administrators (superusers); committees use the portal
pages. Personal data shows masked here too: the clear form is read only through the logged reveal."""
from django.contrib import admin

from .models import (
    Activity,
    Certificate,
    ServiceRecord,
    Signup,
    StarScale,
    UnmaskEvent,
    Volunteer,
    VolunteerImport,
    VolunteerMove,
    VolunteerStatistic,
)


class VolunteerMoveInline(admin.TabularInline):
    model = VolunteerMove
    extra = 0
    can_delete = False
    fields = readonly_fields = ["old_organization", "new_organization", "reason", "moved_by", "moved_at"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "id_number_masked", "mobile_masked", "political_status", "status",
                    "confirmed_hours", "star"]
    list_filter = ["status", "political_status", "star", "id_type"]
    search_fields = ["name", "platform_number", "organization__name"]
    raw_id_fields = ["organization", "user", "created_by"]
    readonly_fields = ["id_number_masked", "mobile_masked", "confirmed_hours", "star", "anonymised_at"]
    inlines = [VolunteerMoveInline]


@admin.register(UnmaskEvent)
class UnmaskEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "volunteer", "reason", "via"]
    raw_id_fields = ["volunteer", "user"]

    def has_change_permission(self, request, obj=None):  # an audit trail is not edited
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    raw_id_fields = ["volunteer", "created_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "category", "starts_at", "ends_at", "planned_hours", "status"]
    list_filter = ["category", "status"]
    search_fields = ["title", "organization__name"]
    raw_id_fields = ["organization", "created_by"]
    inlines = [SignupInline]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    """Read here; hours are recorded, confirmed and rejected through the portal's services (day limits, stars)."""

    list_display = ["volunteer", "activity", "date", "hours", "status", "source", "confirmed_by"]
    list_filter = ["status", "source"]
    raw_id_fields = ["volunteer", "activity", "organization", "created_by", "confirmed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StarScale)
class StarScaleAdmin(admin.ModelAdmin):
    list_display = ["organization", "one_star", "two_stars", "three_stars", "four_stars", "five_stars"]
    raw_id_fields = ["organization"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "volunteer", "organization", "total_hours", "issued_at"]
    raw_id_fields = ["volunteer", "organization", "issued_by"]
    readonly_fields = ["code", "total_hours", "record_count", "issued_at"]


@admin.register(VolunteerStatistic)
class VolunteerStatisticAdmin(admin.ModelAdmin):
    list_display = ["organization", "month", "registered", "active", "hours", "cumulative_hours", "computed_at"]
    raw_id_fields = ["organization"]


@admin.register(VolunteerImport)
class VolunteerImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "organization", "status", "progress", "error_count", "created_at"]
    raw_id_fields = ["organization", "activity", "created_by"]
