"""REST endpoints of the monthly assessment: schemes and indicators, runs (recompute, appeal window,
publish, the sheet), scores with their breakdown, manual points, bonuses and deductions, appeals."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedViewSetMixin
from core.dates import MonthSerializerField
from core.spreadsheets import XLSX_CONTENT_TYPE, download
from orgs.api.serializers import OrganizationCodeField
from orgs.permissions import Action, require, scope_q

from .. import assessment, score_sheets
from ..filtersets import ScoreFilterSet
from ..models import Adjustment, Appeal, AssessmentRun, AssessmentScheme, Indicator, ManualPoints, Score, ScoreItem


def acting(serializer):
    return serializer.context["request"].user


class IndicatorSerializer(serializers.ModelSerializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=AssessmentScheme.objects.all())

    class Meta:
        model = Indicator
        fields = ["id", "scheme", "parent", "name", "max_points", "rule", "params", "standard", "order"]

    def validate_scheme(self, scheme):
        if not assessment.visible_schemes(acting(self)).filter(pk=scheme.pk).exists():
            raise serializers.ValidationError(_("No such scheme."))
        return scheme

    def save(self, **kwargs):
        indicator = self.instance or Indicator()
        for name, value in self.validated_data.items():
            setattr(indicator, name, value)
        self.instance = assessment.save_indicator(indicator, by=acting(self))
        return self.instance


class SchemeSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "organization", "year", "title", "levels", "kinds", "grade_mode", "thresholds", "shares",
                  "bonus_cap", "deduction_cap", "appeal_days", "compute_day", "is_active", "max_total", "indicators"]

    def save(self, **kwargs):
        scheme = self.instance or AssessmentScheme()
        for name, value in self.validated_data.items():
            setattr(scheme, name, value)
        self.instance = assessment.save_scheme(scheme, by=acting(self))
        return self.instance


class RunSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentRun
        fields = ["id", "scheme", "month", "version", "status", "reason", "requested_by", "computed_at", "error",
                  "appeal_until", "published_at", "published_by", "progress"]
        read_only_fields = fields

    def get_progress(self, run) -> int:
        return assessment.progress_of(run)


class ScoreItemSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, default=None)

    class Meta:
        model = ScoreItem
        fields = ["indicator", "indicator_name", "raw", "points", "explanation"]


class ScoreSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    month = serializers.DateField(source="run.month", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "run", "month", "organization", "organization_name", "total", "bonus", "deduction", "rank",
                  "grade", "change", "ytd_total", "ytd_average"]
        read_only_fields = fields


class ScoreDetailSerializer(ScoreSerializer):
    items = ScoreItemSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "items"]
        read_only_fields = fields


class ComputeSerializer(serializers.Serializer):
    month = MonthSerializerField()
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("Needed once the month is published."))


class SchemeViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Assessment schemes: readable by their issuer's side and by the organisations they assess."""

    serializer_class = SchemeSerializer
    queryset = AssessmentScheme.objects.none()

    def get_queryset(self):
        return assessment.visible_schemes(self.request.user).select_related("organization").prefetch_related("indicators")

    def perform_destroy(self, instance):
        assessment.delete_scheme(instance, by=self.request.user)

    @extend_schema(request=ComputeSerializer, responses={202: RunSerializer})
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """重新计算: compute a month (a new version, with a reason, once it is published)."""
        scheme = self.get_object()
        data = ComputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = assessment.request_computation(scheme, data.validated_data["month"], by=request.user,
                                             reason=data.validated_data.get("reason", ""))
        return Response(RunSerializer(run).data, status=202)


class IndicatorViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filterset_fields = ["scheme"]

    def get_queryset(self):
        return Indicator.objects.filter(scheme__in=assessment.visible_schemes(self.request.user))

    def perform_destroy(self, instance):
        assessment.delete_indicator(instance, by=self.request.user)


class RunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A scheme's months; provisional ones only for its assessors."""

    serializer_class = RunSerializer
    queryset = AssessmentRun.objects.none()
    filterset_fields = ["scheme", "month", "status"]

    def get_queryset(self):
        return assessment.visible_runs(self.request.user).select_related("scheme")

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"], url_path="open-appeals")
    def open_appeals(self, request, pk=None):
        return Response(RunSerializer(assessment.open_appeals(self.get_object(), by=request.user)).data)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return Response(RunSerializer(assessment.publish(self.get_object(), by=request.user)).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def sheet(self, request, pk=None):
        """The month's 考核评分表 (.xlsx), for the scheme's assessors."""
        run = self.get_object()
        require(request.user, Action.ASSESS, run)
        return download(score_sheets.month_workbook(run), f"scores-{run.month:%Y-%m}-v{run.version}.xlsx")


class ScoreViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Scores; filter by run, scheme, month, subtree, grade; ``ordering`` by rank, total, change; the detail
    carries the per-indicator breakdown."""

    queryset = Score.objects.none()
    filterset_class = ScoreFilterSet

    def get_queryset(self):
        scores = assessment.visible_scores(self.request.user).select_related("organization", "run")
        if self.action == "retrieve":
            scores = scores.prefetch_related("items__indicator")
        return scores.order_by("run", "rank", "organization__path")

    def get_serializer_class(self):
        return ScoreDetailSerializer if self.action == "retrieve" else ScoreSerializer


class ManualPointsSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    month = MonthSerializerField()

    class Meta:
        model = ManualPoints
        fields = ["id", "indicator", "organization", "month", "points", "comment", "entered_by", "entered_at"]
        read_only_fields = ["entered_by", "entered_at"]
        validators = []

    def create(self, data):
        return assessment.set_manual_points(data["indicator"], data["organization"], data["month"], by=acting(self),
                                            points_given=data["points"], comment=data["comment"])


class AdjustmentSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    month = MonthSerializerField()

    class Meta:
        model = Adjustment
        fields = ["id", "scheme", "organization", "month", "kind", "points", "reason", "entered_by", "entered_at"]
        read_only_fields = ["entered_by", "entered_at"]

    def create(self, data):
        return assessment.add_adjustment(data["scheme"], data["organization"], data["month"], by=acting(self),
                                         kind=data["kind"], points_given=data["points"], reason=data["reason"])


class _AssessorEntries(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["month", "organization"]


class ManualPointsViewSet(_AssessorEntries):
    """Points an assessor gives on manual indicators (one per indicator, organisation and month; a second POST replaces)."""

    serializer_class = ManualPointsSerializer
    queryset = ManualPoints.objects.none()

    def get_queryset(self):
        return ManualPoints.objects.restrict(self.request.user, Action.ASSESS).select_related("organization")


class AdjustmentViewSet(mixins.DestroyModelMixin, _AssessorEntries):
    """加分 and 扣分 entries with their reasons."""

    serializer_class = AdjustmentSerializer
    queryset = Adjustment.objects.none()

    def get_queryset(self):
        return Adjustment.objects.restrict(self.request.user, Action.ASSESS).select_related("organization")

    def perform_destroy(self, instance):
        assessment.remove_adjustment(instance, by=self.request.user)


class AppealSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    files = serializers.ListField(child=serializers.FileField(), write_only=True, required=False)

    class Meta:
        model = Appeal
        fields = ["id", "run", "organization", "reason", "files", "status", "adjustment", "decision", "filed_by",
                  "filed_at", "decided_by", "decided_at"]
        read_only_fields = ["status", "adjustment", "decision", "filed_by", "filed_at", "decided_by", "decided_at"]

    def validate_run(self, run):
        if not assessment.visible_runs(acting(self)).filter(pk=run.pk).exists():
            raise serializers.ValidationError(_("No such run."))
        return run

    def create(self, data):
        return assessment.file_appeal(data["run"], data["organization"], by=acting(self), reason=data["reason"],
                                      files=data.get("files", []))


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    decision = serializers.CharField()
    adjustment = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, default=0)


class AppealViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Appeals: filed by an assessed organisation during the window, decided by the scheme's assessors."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()
    parser_classes = [JSONParser, MultiPartParser]
    filterset_fields = ["run", "status"]

    def get_queryset(self):
        user = self.request.user
        return Appeal.objects.filter(run__in=assessment.visible_runs(user)).filter(
            scope_q(user, Action.ASSESS, "run__scheme__organization__path") | scope_q(user, Action.VIEW, "organization__path"))

    @extend_schema(request=DecisionSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = assessment.decide_appeal(appeal, by=request.user, accept=data.validated_data["accept"],
                                          decision=data.validated_data["decision"],
                                          adjustment=data.validated_data["adjustment"])
        return Response(AppealSerializer(appeal, context=self.get_serializer_context()).data)

