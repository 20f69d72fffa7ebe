"""Serializers of monthly reports, their reporting rules and fields, and the workflow actions' input."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import StoredFileSerializer
from core.dates import MonthSerializerField
from orgs.api.serializers import OrganizationCodeField

from .. import services
from ..models import MonthlyReport, ReportAttachment, ReportField, ReportingRule, ReportLine


class ReportingRuleSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    exceptions = OrganizationCodeField(many=True, required=False)

    class Meta:
        model = ReportingRule
        fields = ["id", "organization", "levels", "kinds", "due_day", "exceptions", "is_active"]

    def save(self, **kwargs):
        exceptions = self.validated_data.pop("exceptions", None)
        rule = self.instance or ReportingRule()
        for name, value in self.validated_data.items():
            setattr(rule, name, value)
        self.instance = services.save_rule(rule, by=self.context["request"].user, exceptions=exceptions)
        return self.instance


class ReportFieldSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = ReportField
        fields = ["id", "organization", "key", "label", "field_type", "required", "minimum", "maximum", "help_text", "order"]
        validators = []  # the service checks the key's uniqueness with a clear message

    def save(self, **kwargs):
        field = self.instance or ReportField()
        for name, value in self.validated_data.items():
            setattr(field, name, value)
        self.instance = services.save_field(field, by=self.context["request"].user)
        return self.instance


class ReportLineSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="assignment.target", read_only=True)
    assigned_value = serializers.DecimalField(source="assignment.assigned_value", read_only=True, max_digits=16, decimal_places=4)
    last_value = serializers.DecimalField(source="assignment.own_value", read_only=True, max_digits=16, decimal_places=4)

    class Meta:
        model = ReportLine
        fields = ["id", "assignment", "target", "assigned_value", "last_value", "value", "note"]
        read_only_fields = ["assignment"]


class AttachmentSerializer(StoredFileSerializer):
    download_url_name = "reports:attachment_download"

    class Meta(StoredFileSerializer.Meta):
        model = ReportAttachment


class MonthlyReportSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    month = MonthSerializerField()
    lines = ReportLineSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "organization", "month", "status", "values", "work_done", "problems", "next_plan", "due_on",
                  "submitted_at", "days_late", "return_reason", "version", "lines", "attachments", "updated_at"]
        read_only_fields = ["status", "due_on", "submitted_at", "days_late", "return_reason", "version"]
        validators = []


class DraftSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("The version you read; a stale one is refused."))
    values = serializers.DictField(required=False)
    work_done = serializers.CharField(required=False, allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True)
    next_plan = serializers.CharField(required=False, allow_blank=True)
    lines = serializers.ListField(child=serializers.DictField(), required=False,
                                  help_text=_("[{id, value, note}] for the report's lines."))


class StepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)


class MonthColumnSerializer(serializers.Serializer):
    month = serializers.DateField()
    due = serializers.IntegerField(help_text=_("Organisations that must report."))
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Reports by status."))
    late = serializers.IntegerField()
    missing = serializers.IntegerField(help_text=_("Due organisations without a submitted report after the deadline."))
    rate = serializers.FloatField(allow_null=True, help_text=_("Submitted share of the organisations due, in %."))


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The offline form (.xlsx or .csv)."))
    submit = serializers.BooleanField(required=False, default=False)
