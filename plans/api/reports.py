"""REST endpoints for monthly reports, their reporting rules and fields, and the workflow actions."""
import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from league_portal.api import ScopedViewSetMixin
from orgs.api.serializers import OrganizationCodeField
from orgs.filtersets import WithinFilter

from .. import reporting
from ..choices import ReportStatus
from ..models import MonthlyReport, ReportField, ReportingRule, ReportLine


class MonthlyReportFilterSet(django_filters.FilterSet):
    month = django_filters.DateFilter(label=_("Month (its first day)"))
    year = django_filters.NumberFilter(field_name="month__year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    within = WithinFilter(path_lookup="organization__path")
    late = django_filters.BooleanFilter(method="filter_late", label=_("Late"))

    class Meta:
        model = MonthlyReport
        fields = ["month", "year", "status", "within", "late"]

    def filter_late(self, queryset, name, value):
        return queryset.filter(days_late__gt=0) if value else queryset.filter(days_late=0)


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
        self.instance = reporting.save_rule(rule, by=self.context["request"].user, exceptions=exceptions)
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
        self.instance = reporting.save_field(field, by=self.context["request"].user)
        return self.instance


class ReportLineSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="assignment.target", read_only=True)
    assigned_value = serializers.DecimalField(source="assignment.assigned_value", read_only=True, max_digits=16, decimal_places=4)
    last_value = serializers.DecimalField(source="assignment.own_value", read_only=True, max_digits=16, decimal_places=4)

    class Meta:
        model = ReportLine
        fields = ["id", "assignment", "target", "assigned_value", "last_value", "value", "note"]
        read_only_fields = ["assignment"]


class MonthlyReportSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    lines = ReportLineSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "organization", "month", "status", "values", "work_done", "problems", "next_plan", "due_on",
                  "submitted_at", "days_late", "return_reason", "version", "lines", "updated_at"]
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


class ConfigViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    def perform_destroy(self, instance):
        reporting.delete_config(instance, by=self.request.user)


class ReportingRuleViewSet(ConfigViewSet):
    """Which organisations below report to an organisation, and by which day of the next month."""

    queryset = ReportingRule.objects.select_related("organization").prefetch_related("exceptions")
    serializer_class = ReportingRuleSerializer


class ReportFieldViewSet(ConfigViewSet):
    """The indicator fields of monthly reports, inherited down the tree."""

    queryset = ReportField.objects.select_related("organization")
    serializer_class = ReportFieldSerializer


class MonthlyReportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):
    """Monthly reports; POST starts (or returns) the draft of an organisation's month."""

    queryset = MonthlyReport.objects.select_related("organization").prefetch_related(
        Prefetch("lines", queryset=ReportLine.objects.select_related("assignment__target"))
    )
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet

    def perform_create(self, serializer):
        serializer.instance = reporting.start_report(
            serializer.validated_data["organization"], serializer.validated_data["month"], by=self.request.user
        )

    def _respond(self, report):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=DraftSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save figures, narrative and line values (draft or returned reports only)."""
        report = self.get_object()
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines = {}
        for line in fields.pop("lines", []):
            value = line.get("value")
            try:
                lines[int(line["id"])] = (None if value in (None, "") else serializers.DecimalField(
                    max_digits=16, decimal_places=4, min_value=0).to_internal_value(value), line.get("note", ""))
            except (KeyError, TypeError, ValueError) as exc:
                raise serializers.ValidationError({"lines": [_("Each line needs an id and a number.")]}) from exc
        version = fields.pop("version")
        report = reporting.save_draft(report, by=request.user, version=version, lines=lines, **fields)
        return self._respond(report)

    def _step(self, request, service, needs_reason=False):
        report = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {"by": request.user, "version": data.validated_data.get("version")}
        if needs_reason:
            kwargs["reason"] = data.validated_data.get("reason", "")
        return self._respond(service(report, **kwargs))

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, reporting.submit_report)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, reporting.return_report, needs_reason=True)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, reporting.approve_report)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, reporting.reopen_report, needs_reason=True)
