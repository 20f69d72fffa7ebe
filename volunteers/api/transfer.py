"""The API of imports, the records export and certificates, over the pages' services, querysets and filterset.

- ``volunteer-imports/``: POST a file (multipart: ``file``, ``kind``, ``organization`` code, optional ``activity``
  and ``platform``): 202 with the import, which Celery checks; GET it for status and progress, ``problems/`` for
  the problems by row and column (paginated), POST ``apply/`` to write a checked file without problems. An import
  is its uploader's alone.
- ``service-records/export/``: the service records the caller sees, filtered as the list, as .xlsx.
- ``certificates/``: those issued in the caller's part of the tree; POST ``{"volunteer": id}`` issues one and
  answers the PDF.
"""
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin
from core.openapi import ErrorSerializer
from core.pagination import APIPagination
from core.spreadsheets import XLSX_CONTENT_TYPE
from orgs.api.serializers import OrganizationCodeField

from .. import certificates, imports
from ..choices import Platform
from ..filtersets import ServiceRecordFilterSet
from ..models import Activity, Certificate, ServiceRecord, Volunteer, VolunteerImport
from ..sheets import records_workbook


class VolunteerImportSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    progress = serializers.SerializerMethodField()
    problems_url = serializers.SerializerMethodField()

    class Meta:
        model = VolunteerImport
        fields = ["id", "kind", "organization", "activity", "original_name", "apply", "status", "progress", "summary",
                  "error_count", "detail", "created_at", "finished_at", "problems_url"]
        read_only_fields = fields

    def get_progress(self, job) -> int:
        return imports.current_progress(job)

    def get_problems_url(self, job) -> str:
        from django.urls import reverse

        return reverse("api:volunteerimport-problems", args=[job.pk])


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The national platform's export, .xlsx or .csv."))
    kind = serializers.ChoiceField(choices=VolunteerImport.Kind.choices)
    organization = OrganizationCodeField(help_text=_("Code of the organisation the rows go to (its subtree)."))
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True,
                                                  help_text=_("Service records only: the activity every row goes to."))
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # an activity the caller cannot see is one that does not exist
            self.fields["activity"].queryset = Activity.objects.restrict(request.user)


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class VolunteerImportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The caller's imports of volunteers and service records: upload, status and progress, problems, apply."""

    queryset = VolunteerImport.objects.select_related("organization")
    serializer_class = VolunteerImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: VolunteerImportSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a file: it is kept and checked by Celery (202); poll the import for its progress."""
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        job = imports.start_import(by=request.user, kind=data["kind"], organization=data["organization"],
                                   activity=data.get("activity"), platform=data.get("platform", ""),
                                   upload=data["file"])
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ProblemSerializer(many=True))
    @action(detail=True)
    def problems(self, request, pk=None):
        """The problems found, by spreadsheet row and column header (the first 5,000 are kept)."""
        job = self.get_object()
        paginator = APIPagination()
        page = paginator.paginate_queryset(imports.problems_of(job), request, view=self)
        return paginator.get_paginated_response(ProblemSerializer(page, many=True).data)

    @extend_schema(request=None, responses={202: VolunteerImportSerializer})
    @action(detail=True, methods=["post"], parser_classes=[])
    def apply(self, request, pk=None):
        """Write a checked file without problems, all rows or none, in the background (202)."""
        job = imports.apply_import(self.get_object(), by=request.user)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class ServiceRecordExportView(APIView):
    """The service records the caller sees as .xlsx (personal data masked), filtered as the records list."""

    @extend_schema(parameters=[OpenApiParameter(name, str, description=str(field.label or ""))
                               for name, field in ServiceRecordFilterSet.base_filters.items()], responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
                   operation_id="service_records_export")
    def get(self, request):
        records = (ServiceRecord.objects.restrict(request.user)
                   .select_related("volunteer", "organization", "activity__organization").order_by("-date", "-pk"))
        filterset = ServiceRecordFilterSet(request.query_params, queryset=records, request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return FileResponse(records_workbook(filterset.qs), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"service-records-{timezone.localdate():%Y%m%d}.xlsx")


class CertificateSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "code", "volunteer", "volunteer_name", "organization", "organization_name", "total_hours",
                  "record_count", "issued_at", "verify_url"]
        read_only_fields = fields

    def get_verify_url(self, certificate) -> str:
        return certificates.verification_url(certificate)


NOT_SEEN = OpenApiResponse(ErrorSerializer, description=_("No such volunteer among those you may see."))


class IssueSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class CertificateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """志愿服务记录证明 issued in the caller's part of the tree; POST issues one (the PDF is the answer)."""

    queryset = Certificate.objects.select_related("volunteer", "organization")
    serializer_class = CertificateSerializer

    @extend_schema(request=IssueSerializer, responses={(201, "application/pdf"): OpenApiTypes.BINARY,
                                                       404: NOT_SEEN})
    def create(self, request, *args, **kwargs):
        """Issue a certificate of the volunteer's confirmed service (those who keep the volunteer)."""
        issue = IssueSerializer(data=request.data)
        issue.is_valid(raise_exception=True)
        volunteer = get_object_or_404(Volunteer.objects.restrict(request.user).select_related("organization"),
                                      pk=issue.validated_data["volunteer"])
        certificate, lines = certificates.issue_certificate(volunteer, by=request.user)
        response = HttpResponse(certificates.render_pdf(certificate, lines), content_type="application/pdf",
                                status=status.HTTP_201_CREATED)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                     filename=f"certificate-{certificate.code}.pdf")
        response["X-Certificate-Code"] = certificate.code
        return response
