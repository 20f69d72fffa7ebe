"""Django admin for system administrators (superusers); committees use the portal pages."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Assignment,
    Evidence,
    Indicator,
    ManualPoints,
    Milestone,
    Plan,
    PointGroup,
    ProgressEntry,
    Score,
    ScoreItem,
    Section,
    Target,
    WorkPoint,
)


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


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "reported_on", "value", "status", "entered_by", "entered_at"]
    raw_id_fields = ["assignment"]
    inlines = [EvidenceInline]


admin.site.register([Section, PointGroup])


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["parent", "name", "max_points", "rule", "params", "order"]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "year", "grade_mode", "is_active"]
    list_filter = ["year", "is_active"]
    raw_id_fields = ["organization"]
    inlines = [IndicatorInline]


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = ["scheme", "month", "version", "status", "computed_at", "published_at"]
    list_filter = ["status", "month"]
    readonly_fields = ["computed_at", "published_at", "published_by", "requested_by", "error"]


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    extra = 0
    readonly_fields = ["indicator", "raw", "points", "explanation"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["organization", "run", "total", "rank", "grade"]
    list_filter = ["grade", "run__month"]
    search_fields = ["organization__name", "organization__code"]
    raw_id_fields = ["organization", "run"]
    inlines = [ScoreItemInline]


@admin.register(ManualPoints, Adjustment)
class AssessorEntryAdmin(admin.ModelAdmin):
    list_display = ["organization", "month", "points", "entered_by"]
    raw_id_fields = ["organization"]


class AppealEvidenceInline(admin.TabularInline):
    model = AppealEvidence
    extra = 0
    readonly_fields = ["original_name", "size", "sha256"]
    fields = readonly_fields


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["organization", "run", "status", "adjustment", "filed_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["organization", "run"]
    inlines = [AppealEvidenceInline]
