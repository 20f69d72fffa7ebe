"""REST endpoints for plans, sections, work points, targets, assignments and progress entries."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin, refused_upload
from core.dates import FIRST_YEAR, LAST_YEAR
from core.spreadsheets import XLSX_CONTENT_TYPE, download, read_table
from orgs.api.serializers import OrganizationCodeField
from orgs.models import Organization

from .. import ledger, services
from ..filtersets import AssignmentFilterSet, PlanFilterSet, ProgressEntryFilterSet, TargetFilterSet, WorkPointFilterSet
from ..models import Assignment, Evidence, Plan, ProgressEntry, Section, Target, WorkPoint
from ..parser import parse_text
from ..selectors import with_reuse_flag
from ..validators import read_plan_document
from .serializers import (
    AssignmentSerializer,
    DecomposeSerializer,
    PlanSerializer,
    ProgressEntrySerializer,
    SectionSerializer,
    TargetSerializer,
    WorkPointSerializer,
)


class LedgerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The exported ledger with 本次填报数 filled in."))


class LedgerResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class DocumentSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text=_("The plan document as text (or send a file)."))
    file = serializers.FileField(required=False, help_text=_(".txt (UTF-8, GBK, UTF-16) or .docx, up to 5 MB."))

    def validate(self, attrs):
        try:
            attrs["document"] = read_plan_document(text=attrs.get("text"), upload=attrs.get("file"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file" if attrs.get("file") else "text": exc.messages}) from exc
        return attrs


class FromDocumentSerializer(DocumentSerializer):
    organization = OrganizationCodeField()
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    structure = serializers.JSONField(required=False, help_text=_("A reviewed structure in the parse output's shape."))

    def validate(self, attrs):
        if attrs.get("structure") is not None:
            if not isinstance(attrs["structure"], dict) or not isinstance(attrs["structure"].get("sections"), list):
                raise serializers.ValidationError({"structure": _("The structure needs a list of sections.")})
            return attrs
        return super().validate(attrs)


class WritableScopedViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Read what the caller may see; create and update through the services, which check rights."""


class PlanViewSet(WritableScopedViewSet):
    queryset = Plan.objects.select_related("organization")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    @extend_schema(request={"multipart/form-data": DocumentSerializer, "application/json": DocumentSerializer},
                   responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def parse(self, request):
        """Parse a 工作要点 (text or .txt/.docx) into sections, points and targets; writes nothing."""
        serializer = DocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(parse_text(serializer.validated_data["document"]))

    @extend_schema(request={"multipart/form-data": FromDocumentSerializer, "application/json": FromDocumentSerializer},
                   responses={201: PlanSerializer})
    @action(detail=False, methods=["post"], url_path="from-document", parser_classes=[JSONParser, MultiPartParser, FormParser])
    def from_document(self, request):
        """Create a draft plan from a document (parsed here) or from a reviewed ``structure``."""
        serializer = FromDocumentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        structure = data.get("structure") or parse_text(data["document"])
        title = data.get("title") or structure.get("title") or _("Imported plan")
        plan = services.create_plan_from_structure(by=request.user, organization=data["organization"], year=data["year"],
                                                   title=title, sections=structure["sections"])
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], parameters=[OpenApiParameter("org", OpenApiTypes.STR, description="Organisation code")],
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @extend_schema(methods=["POST"], request={"multipart/form-data": LedgerUploadSerializer}, responses=LedgerResultSerializer)
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def ledger(self, request, pk=None):
        """GET the ledger (台账) as .xlsx; POST it back with 本次填报数 filled in (all rows or none)."""
        plan = self.get_object()
        if request.method == "GET":
            organization = Organization.objects.restrict(request.user).filter(code=request.query_params.get("org")).first()
            return download(ledger.export_ledger(plan, request.user, organization), f"ledger-{plan.pk}.xlsx")
        upload = LedgerUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        checked = ledger.check_ledger(read_table(upload.validated_data["file"], use="ledger"), plan, request.user)
        if not checked.is_valid:  # a file the upload guard refuses is answered by core.api.exception_handler
            return refused_upload(checked, _("The file has errors; nothing was imported."))
        return Response({"recorded": ledger.apply_ledger(checked, by=request.user), "errors": []})


class SectionViewSet(WritableScopedViewSet):
    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    filterset_fields = ["plan"]


class WorkPointViewSet(WritableScopedViewSet):
    queryset = WorkPoint.objects.select_related("section")
    serializer_class = WorkPointSerializer
    filterset_class = WorkPointFilterSet


class TargetViewSet(WritableScopedViewSet):
    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """Assignments with their stored roll-up figures (read-only); hand one down with ``decompose``."""

    queryset = Assignment.objects.select_related("organization")
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet

    @extend_schema(request=DecomposeSerializer, responses=AssignmentSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def decompose(self, request, pk=None):
        """Hand this assignment down to organisations below it; summed parts must add up unless confirmed."""
        parent = self.get_object()
        serializer = DecomposeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        parts = [(p["organization"], p.get("value"), p.get("deadline")) for p in serializer.validated_data["parts"]]
        services.decompose(parent, parts, by=request.user, confirm_mismatch=serializer.validated_data["confirm_mismatch"])
        children = self.get_queryset().filter(parent=parent)
        return Response(AssignmentSerializer(children, many=True).data)


class ProgressEntryViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Progress entries; create one with evidence files as multipart (``files``)."""

    queryset = ProgressEntry.objects.select_related("entered_by")
    serializer_class = ProgressEntrySerializer
    filterset_class = ProgressEntryFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("evidence", queryset=with_reuse_flag(Evidence.objects.all(), self.request.user))
        )
