"""Django admin for system administrators (superusers); committees use the portal pages."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import StoredFileInline

from .models import Assignment, Evidence, Milestone, Plan, PointGroup, ProgressEntry, Section, Target, WorkPoint


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "organization", "status"]
    list_filter = ["year", "status"]
    search_fields = ["title", "organization__name"]
    autocomplete_fields = ["organization"]
    inlines = [SectionInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(WorkPoint)
class WorkPointAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "section", "lead_department", "deadline", "is_key", "status"]
    list_filter = ["is_key", "status"]
    search_fields = ["title", "text"]
    inlines = [TargetInline, MilestoneInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "comparator", "value", "unit", "aggregation", "progress_rule", "point"]
    search_fields = ["metric", "point__title"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "assigned_value", "actual_value", "completion", "light"]
    list_filter = ["light"]
    search_fields = ["organization__name", "point__title", "target__metric"]
    raw_id_fields = ["plan", "point", "target", "organization", "parent"]
    readonly_fields = ["own_value", "own_value_on", "actual_value", "completion", "expected", "light", "last_progress_at", "rolled_up_at"]


class EvidenceInline(StoredFileInline):
    model = Evidence
    download_url_name = "plans:evidence_download"


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "reported_on", "value", "status", "entered_by", "entered_at"]
    raw_id_fields = ["assignment"]
    inlines = [EvidenceInline]


admin.site.register([Section, PointGroup])


