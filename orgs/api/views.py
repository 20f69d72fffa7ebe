"""REST endpoints for the organisation tree, departments, users and role assignments."""
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedAddRemoveViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from core.bulk_actions import IdsSerializer, chosen
from core.openapi import ErrorSerializer
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download

from .. import exports, importers, services
from ..choices import Role
from ..filtersets import AuditEntryFilterSet, DepartmentFilterSet, OrganizationFilterSet, RoleAssignmentFilterSet
from ..models import AuditEntry, Department, ImportJob, Organization, RoleAssignment
from ..permissions import GRANTS, Action, has_any, require_any, role_assignments
from ..selectors import picker_query, search_organizations, visible_users
from .serializers import (
    AuditEntrySerializer,
    DepartmentSerializer,
    ImportJobSerializer,
    ImportSerializer,
    MeSerializer,
    MoveSerializer,
    OrganizationCodeField,
    OrganizationPickSerializer,
    OrganizationSerializer,
    RoleAssignmentSerializer,
    UserCreateSerializer,
    UserSerializer,
)


class OrganizationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations in the caller's subtree. Deactivate rather than delete (``is_active``)."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.with_subtree_totals() if self.action in ("list", "retrieve") else qs

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True)
    def children(self, request, pk=None):
        """Direct children of the organisation."""
        organization = self.get_object()
        children = self.filter_queryset(super().get_queryset().filter(
            path__startswith=organization.path, depth=organization.depth + 1
        )).with_subtree_totals()
        page = self.paginate_queryset(children)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def ancestors(self, request, pk=None):
        """Ancestors from the top down, as far up as the caller's roles reach."""
        organization = self.get_object()
        ancestors = Organization.objects.get_ancestors(organization).restrict(request.user)
        return Response(self.get_serializer(ancestors, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=_("The beginning of a code, or a part of a name or short name.")),
            OpenApiParameter("purpose", OpenApiTypes.STR, enum=sorted(GRANTS),
                             description=_("What the organisation is chosen for (a permission action; default view).")),
            OpenApiParameter("within", OpenApiTypes.STR, description=_("Only below the organisation with this code.")),
            OpenApiParameter("exclude", OpenApiTypes.STR, description=_("Leave out the subtree of this code.")),
        ],
        responses={200: OrganizationPickSerializer(many=True), 400: ErrorSerializer},
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def search(self, request):
        """At most 20 organisations matching ``q`` among those the caller may do ``purpose`` to, best first, for a
        picker (the portal's forms use the same search)."""
        organizations, exclude = picker_query(request.user, request.query_params)  # a bad one: 400 by field
        found = search_organizations(organizations, request.query_params.get("q"), exclude=exclude, user=request.user)
        return Response(OrganizationPickSerializer(found, many=True).data)

    @extend_schema(request=MoveSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the subtree under another parent (administrators; the move is kept in history)."""
        organization = self.get_object()
        serializer = MoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        moved = services.move_organization(
            organization, serializer.validated_data["parent_code"], by=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(moved).data)

    @extend_schema(
        parameters=[OpenApiParameter("file_format", OpenApiTypes.STR, enum=["xlsx", "csv"])],
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, (200, CSV_CONTENT_TYPE.split(";")[0]): OpenApiTypes.STR},
        filters=True,
    )
    @action(detail=False, url_path="export")
    def export(self, request):
        """The filtered organisations as .xlsx (default) or .csv, in the import format."""
        file_format = "csv" if request.query_params.get("file_format") == "csv" else "xlsx"
        data = exports.export_tree(self.filter_queryset(self.get_queryset()), file_format)
        return download(data, f"organizations.{file_format}", CSV_CONTENT_TYPE if file_format == "csv" else XLSX_CONTENT_TYPE)

    @extend_schema(request={"multipart/form-data": ImportSerializer},
                   responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 413: ErrorSerializer,
                              202: inline_serializer("ImportQueued", {"detail": serializers.CharField(),
                                                                      "job": ImportJobSerializer()})})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_(self, request):
        """Check (``dry_run``, the default) or import a tree file; all rows or none are written.

        A file with more rows than ORG_IMPORT_SYNC_ROWS is answered 202 with a job (``import-jobs/``)
        that Celery checks and carries out; poll it for the progress, the summary and the problems."""
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        table = importers.read_for_request(upload)  # a file the upload guard refuses: core.api.exception_handler
        if table is None:  # too many rows for a request: Celery checks (and imports) it, the caller polls the job
            job = importers.start_job(upload, by=request.user, apply=not serializer.validated_data["dry_run"])
            data = ImportJobSerializer(job).data
            return Response({"detail": _("The file is large: it is checked in the background; follow the job."),
                             "job": data}, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
        plan = importers.plan_import(table, by=request.user)
        body = {
            "valid": plan.is_valid,
            "dry_run": serializer.validated_data["dry_run"],
            "summary": plan.summary,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in plan.errors],
        }
        if not plan.is_valid:
            body["detail"] = _("The file has errors; nothing was imported.")
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if not serializer.validated_data["dry_run"]:
            importers.apply_import(plan, by=request.user)
        return Response(body)


class ImportJobViewSet(ScopedReadOnlyViewSet):
    """The caller's own large organisation imports: status, progress %, summary, problems by row and column."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.all()


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The audit log of the caller's part of the tree, newest first; read-only. The list answers administrators
    only (403 to others); an entry outside the caller's reach is not found (404), as everywhere."""

    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.select_related("content_type", "organization")
    filterset_class = AuditEntryFilterSet

    def list(self, request, *args, **kwargs):
        require_any(request.user, Action.VIEW_AUDIT)
        return super().list(request, *args, **kwargs)


class DepartmentViewSet(ScopedAddRemoveViewSet):
    queryset = Department.objects.select_related("organization")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def perform_destroy(self, instance):
        services.remove_department(instance, by=self.request.user)


class RoleGrantSerializer(IdsSerializer):
    """One role at one organisation for several accounts (``ids``: accounts the caller sees)."""

    organization = OrganizationCodeField(help_text=gettext_lazy("Organisation code."))
    role = serializers.ChoiceField(choices=Role.choices)


class RoleAssignmentViewSet(ScopedAddRemoveViewSet):
    queryset = RoleAssignment.objects.select_related("user", "organization")
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet

    def perform_destroy(self, instance):
        services.revoke_role(instance, by=self.request.user)

    @extend_schema(request=RoleGrantSerializer, responses={
        201: RoleAssignmentSerializer(many=True),
        403: OpenApiResponse(ErrorSerializer, description=gettext_lazy(
            "Some of these accounts hold roles outside your organisations (``refused``); nothing was granted.")),
        404: OpenApiResponse(ErrorSerializer, description=gettext_lazy(
            "Some of these accounts do not exist or are not yours to see (``refused``); nothing was granted.")),
    })
    @action(detail=False, methods=["post"], pagination_class=None)  # the granted rows, a plain list (not paged)
    def grant(self, request):
        """Grant one role at one organisation to several accounts, all or none (the users list's bulk action)."""
        require_any(request.user, Action.MANAGE_USERS)
        data = RoleGrantSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        accounts = chosen(visible_users(request.user), data.validated_data["ids"], message=_(
            "Some of these accounts do not exist or are not yours to see; nothing was granted."))
        granted = services.assign_role_to_many(accounts, data.validated_data["organization"],
                                               data.validated_data["role"], by=request.user)
        rows = self.get_queryset().filter(pk__in=[a.pk for a in granted]).order_by("user__username")
        return Response(RoleAssignmentSerializer(rows, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class UserViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Accounts holding a role in the caller's subtree; an account is created with its first role."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return visible_users(self.request.user).prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("organization"))
        )

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        user = self.get_queryset().get(pk=user.pk)
        return Response(UserSerializer(user, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The caller's account and roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.id,
                "username": user.username,
                "first_name": user.first_name,
                "is_superuser": user.is_superuser,
                "roles": [
                    {"organization": ra.organization.code, "organization_name": ra.organization.name, "role": ra.role}
                    for ra in role_assignments(user)
                ],
                "can_manage_users": has_any(user, Action.MANAGE_USERS),
            }
        )
