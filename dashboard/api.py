"""The API of the dashboard app: the 工作通报 of an organisation and month as a file (``?kind=docx|pdf``), with the
same scoping as the page download (404 for an organisation not seen, 403 without its subtree)."""
from django.core.exceptions import BadRequest
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.views import APIView

from orgs.models import Organization

from .circular import DOCX_TYPE
from .views import circular_response


class CircularView(APIView):
    # what ``ref`` names (the organisation is looked up in the view, among those the user sees)
    queryset = Organization.objects.none()

    @extend_schema(
        summary="工作通报 (monthly work circular) as .docx or PDF",
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM; default: the month reported on now"),
            OpenApiParameter("kind", str, enum=["docx", "pdf"], description="the file's kind (default docx)"),
        ],
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, ref):
        kind = request.query_params.get("kind") or "docx"
        if kind not in ("docx", "pdf"):
            raise APIValidationError({"kind": ["docx / pdf"]})
        try:
            return circular_response(request, ref, kind)
        except BadRequest as exc:
            raise APIValidationError({"month": [str(exc)]}) from exc


urlpatterns = [
    path("dashboard/<str:ref>/circular/", CircularView.as_view(), name="dashboard-circular"),
]
