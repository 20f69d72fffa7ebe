"""Django admin of monthly reports, for system administrators (superusers); committees use the portal pages."""
from django.contrib import admin

from core.admin import StoredFileInline

from .models import MonthlyReport, ReportAttachment, ReportEvent, ReportField, ReportingRule, ReportLine


class ReportLineInline(admin.TabularInline):
    model = ReportLine
    extra = 0
    raw_id_fields = ["assignment"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ["action", "by", "at", "reason"]


class ReportAttachmentInline(StoredFileInline):
    model = ReportAttachment
    download_url_name = "reports:attachment_download"
    fields = readonly_fields = [*StoredFileInline.fields, "uploaded_by"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "month", "status", "due_on", "submitted_at", "days_late"]
    list_filter = ["status", "month"]
    search_fields = ["organization__name", "organization__code"]
    raw_id_fields = ["organization"]
    inlines = [ReportLineInline, ReportAttachmentInline, ReportEventInline]


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["organization", "due_day", "since", "levels", "kinds", "is_active"]
    raw_id_fields = ["organization"]
    filter_horizontal = ["exceptions"]


@admin.register(ReportField)
class ReportFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "field_type", "required", "organization", "order"]
    raw_id_fields = ["organization"]
