"""REST endpoints of the monthly assessment: schemes and indicators, runs (recompute, appeal window,
publish, the sheet), scores with their breakdown, manual points, bonuses and deductions, appeals."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedViewSetMixin, query_param
from core.dates import parse_month
from core.spreadsheets import XLSX_CONTENT_TYPE, download
from orgs.permissions import Action, require

from .. import compute, selectors, services, sheets
from ..filtersets import AdjustmentFilterSet, ManualPointsFilterSet, RunFilterSet, ScoreFilterSet
from ..models import Adjustment, Appeal, AssessmentRun, AssessmentScheme, Indicator, ManualPoints, Score
from .serializers import (
    AdjustmentSerializer,
    AppealSerializer,
    ComputeSerializer,
    DecisionSerializer,
    IndicatorSerializer,
    ManualPointsSerializer,
    PreviewSerializer,
    RunSerializer,
    SchemeSerializer,
    ScoreDetailSerializer,
    ScoreSerializer,
)


class SchemeViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Assessment schemes: readable by their issuer's side and by the organisations they assess."""

    serializer_class = SchemeSerializer
    queryset = AssessmentScheme.objects.select_related("organization").prefetch_related("indicators")

    def perform_destroy(self, instance):
        services.delete_scheme(instance, by=self.request.user)

    @extend_schema(request=ComputeSerializer, responses={202: RunSerializer})
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """重新计算: compute a month (a new version, with a reason, once it is published)."""
        scheme = self.get_object()
        data = ComputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.request_computation(scheme, data.validated_data["month"], by=request.user,
                                             reason=data.validated_data.get("reason", ""))
        return Response(RunSerializer(run).data, status=202)


    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM", required=True)],
                   responses={200: PreviewSerializer})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """预览: a month scored as it stands, for the scheme's assessors; nothing is stored, published or sent
        (``"preview": true``, ``"counts": false``). The only way to see a month whose reports are not all due."""
        scheme = self.get_object()
        require(request.user, Action.ASSESS, scheme)
        month = query_param(request, "month", parse_month)
        if month is None:
            raise serializers.ValidationError({"month": [_("A month as YYYY-MM, please.")]})
        month = services.check_preview_month(scheme, month)
        closes = selectors.reporting_closes(scheme, month)
        return Response(PreviewSerializer({
            "preview": True, "counts": False, "month": month, "reporting_closes": closes,
            "month_open": timezone.localdate() <= closes, "scores": compute.preview(scheme, month),
        }).data)


class IndicatorViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()
    filterset_fields = ["scheme"]

    def perform_destroy(self, instance):
        services.delete_indicator(instance, by=self.request.user)


class RunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A scheme's months; provisional ones only for its assessors."""

    serializer_class = RunSerializer
    queryset = AssessmentRun.objects.select_related("scheme")
    filterset_class = RunFilterSet

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"], url_path="open-appeals")
    def open_appeals(self, request, pk=None):
        return Response(RunSerializer(services.open_appeals(self.get_object(), by=request.user)).data)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return Response(RunSerializer(services.publish(self.get_object(), by=request.user)).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def sheet(self, request, pk=None):
        """The month's 考核评分表 (.xlsx), for the scheme's assessors."""
        run = self.get_object()
        require(request.user, Action.ASSESS, run)
        return download(sheets.month_workbook(run), f"scores-{run.month:%Y-%m}-v{run.version}.xlsx")


class ScoreViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Scores; filter by run, scheme, month, subtree, grade; ``ordering`` by rank, total, change; the detail
    carries the per-indicator breakdown."""

    queryset = Score.objects.select_related("organization", "run").order_by("run", "rank", "organization__path")
    filterset_class = ScoreFilterSet

    def get_queryset(self):
        scores = super().get_queryset()
        return scores.prefetch_related("items__indicator") if self.action == "retrieve" else scores

    def get_serializer_class(self):
        return ScoreDetailSerializer if self.action == "retrieve" else ScoreSerializer


class _AssessorEntries(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The assessors' entries of a month: listed, read and created (filtered by month and organisation)."""


class ManualPointsViewSet(_AssessorEntries):
    """Points an assessor gives on manual indicators (one per indicator, organisation and month; a second POST replaces)."""

    serializer_class = ManualPointsSerializer
    filterset_class = ManualPointsFilterSet
    queryset = ManualPoints.objects.select_related("organization")


class AdjustmentViewSet(mixins.DestroyModelMixin, _AssessorEntries):
    """加分 and 扣分 entries with their reasons."""

    serializer_class = AdjustmentSerializer
    filterset_class = AdjustmentFilterSet
    queryset = Adjustment.objects.select_related("organization")

    def perform_destroy(self, instance):
        services.remove_adjustment(instance, by=self.request.user)


class AppealViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Appeals: filed by an assessed organisation during the window, decided by the scheme's assessors."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.prefetch_related("evidence")
    parser_classes = [JSONParser, MultiPartParser]
    filterset_fields = ["run", "status"]

    @extend_schema(request=DecisionSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.decide_appeal(appeal, by=request.user, accept=data.validated_data["accept"],
                                          decision=data.validated_data["decision"],
                                          adjustment=data.validated_data["adjustment"])
        return Response(AppealSerializer(appeal, context=self.get_serializer_context()).data)
