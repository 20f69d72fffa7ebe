"""Django admin of the assessment models, for system administrators (superusers)."""
from django.contrib import admin

from core.admin import StoredFileInline

from .models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    ManualPoints,
    Score,
    ScoreItem,
)


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


class AppealEvidenceInline(StoredFileInline):
    model = AppealEvidence
    download_url_name = "assessment:appeal_evidence"


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["organization", "run", "status", "adjustment", "filed_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["organization", "run"]
    inlines = [AppealEvidenceInline]
