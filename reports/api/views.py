"""REST endpoints for monthly reports, their reporting rules and fields, and the workflow actions."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core import months
from core.api import ScopedViewSetMixin, query_param, refused_upload
from core.bulk_actions import IdsSerializer, chosen
from core.dates import FIRST_YEAR, LAST_YEAR, parse_month, parse_year
from core.openapi import ErrorSerializer
from core.spreadsheets import XLSX_CONTENT_TYPE, download, read_table
from orgs.models import Organization
from orgs.permissions import Action, require_any

from .. import grid, selectors, services, sheets
from ..filtersets import MonthlyReportFilterSet
from ..models import MonthlyReport, ReportField, ReportingRule, ReportLine
from .serializers import (
    DraftSerializer,
    MonthColumnSerializer,
    MonthlyReportSerializer,
    ReportFieldSerializer,
    ReportingRuleSerializer,
    StepSerializer,
    UploadSerializer,
)


class ConfigViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    def perform_destroy(self, instance):
        services.delete_config(instance, by=self.request.user)


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
        Prefetch("lines", queryset=ReportLine.objects.select_related("assignment__target")), "attachments"
    )
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.start_report(
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
        report = services.save_draft(report, by=request.user, version=version, lines=lines, **fields)
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
        return self._step(request, services.submit_report)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, services.return_report, needs_reason=True)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, services.approve_report)

    @extend_schema(operation_id="v1_monthly_reports_approve_several", request=IdsSerializer, responses={
        200: inline_serializer("ReportsApproved", {"approved": serializers.ListField(child=serializers.IntegerField())}),
        403: OpenApiResponse(ErrorSerializer, description=_("Some of these reports are not yours to review (``refused``"
                                                              " names them); nothing was approved.")),
        404: OpenApiResponse(ErrorSerializer, description=_("Some of these reports do not exist or are not yours to "
                                                              "see (``refused``); nothing was approved.")),
        409: OpenApiResponse(ErrorSerializer, description=_("Some of these reports cannot be approved, e.g. not "
                                                              "submitted (``refused`` and ``reasons``); nothing was "
                                                              "approved.")),
    })
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request):
        """Approve several submitted reports, all or none (the reviewers' list's bulk action)."""
        data = IdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reports = chosen(self.get_queryset(), data.validated_data["ids"], message=_(
            "Some of these reports do not exist or are not yours to see; nothing was approved."))
        approved, _refused = services.approve_reports(reports, by=request.user, together=True)
        return Response({"approved": [r.pk for r in approved]})

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, services.reopen_report, needs_reason=True)

    @extend_schema(request=StepSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="copy-previous")
    def copy_previous(self, request, pk=None):
        """Fill what is still empty from the organisation's previous report."""
        report = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, _copied = services.copy_previous(report, by=request.user, version=data.validated_data.get("version"))
        return self._respond(report)

    @extend_schema(request={"multipart/form-data": inline_serializer("AttachmentUpload", {
        "files": serializers.ListField(child=serializers.FileField())})}, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach photos or documents (checked by content) to a draft or returned report."""
        report = self.get_object()
        uploads = request.FILES.getlist("files")
        if not uploads:
            raise serializers.ValidationError({"files": [_("Choose one or more files first.")]})
        services.attach_files(report, uploads, by=request.user)
        return self._respond(report)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def remove_attachment(self, request, pk=None, attachment_id=None):
        report = self.get_object()
        attachment = get_object_or_404(report.attachments.all(), pk=attachment_id)
        services.remove_attachment(attachment, by=request.user)
        return Response(status=204)

    @extend_schema(parameters=[OpenApiParameter("year", {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}),
                               OpenApiParameter("within", str)],
                   responses=MonthColumnSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def summary(self, request):
        """Per month of the year: organisations due, reports by status, late, missing and the submission rate."""
        require_any(request.user, Action.REVIEW_REPORT)
        today = timezone.localdate()
        scope = _within(request, selectors.reviewer_scope(request.user))
        year = query_param(request, "year", parse_year, default=today.year)
        columns = grid.month_columns(scope, grid.months_of(year, today), today)
        return Response(MonthColumnSerializer([{**c.__dict__, "rate": c.rate} for c in columns], many=True).data)

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM"), OpenApiParameter("within", str)],
                   responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """A month's reports of the organisations you review, as .xlsx (one row per organisation)."""
        require_any(request.user, Action.REVIEW_REPORT)
        organizations = _within(request, selectors.reviewable(request.user))
        month = query_param(request, "month", parse_month) or months.last_month()
        return download(sheets.export_month(organizations, month), f"reports-{month:%Y-%m}.xlsx")

    @extend_schema(request={"multipart/form-data": UploadSerializer},
                   responses={200: inline_serializer("UploadResult", {"saved": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request):
        """The filled-in offline form: every row checked; all rows saved (and submitted if asked) or none."""
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checked = sheets.check_upload(read_table(data.validated_data["file"], use="report_form"), request.user)
        if not checked.is_valid:  # a file the upload guard refuses is answered by core.api.exception_handler
            return refused_upload(checked, _("The file has problems; nothing was saved."))
        return Response({"saved": sheets.apply_upload(checked, by=request.user, submit=data.validated_data["submit"])})


def _root(request):
    code = request.query_params.get("within")
    if not code:
        return None
    root = Organization.objects.restrict(request.user).filter(code=code).first()
    if root is None:
        raise serializers.ValidationError({"within": [_("No organisation with the code “%(code)s” in your organisations.")
                                                      % {"code": code}]})
    return root


def _within(request, organizations):
    root = _root(request)
    return organizations.filter(path__startswith=root.path) if root else organizations


