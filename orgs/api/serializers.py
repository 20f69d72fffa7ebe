"""Serializers of the organisation API; writes go through orgs.services."""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.dates import MonthSerializerField

from .. import services
from ..choices import Role
from ..models import AuditEntry, Department, ImportJob, Organization, RoleAssignment
from ..permissions import Action, can
from ..selectors import manageable_users

User = get_user_model()


@extend_schema_field(OpenApiTypes.STR)
class OrganizationCodeField(serializers.SlugRelatedField):
    """An organisation named by its code, looked up among those the caller may see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def get_queryset(self):
        return Organization.objects.restrict(self.context["request"].user)


class OrganizationSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text=_("Code of the parent organisation.")
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    children_count = serializers.IntegerField(source="numchild", read_only=True)
    subtree_members = serializers.IntegerField(read_only=True, required=False)
    reporting_from = MonthSerializerField(
        required=False, allow_null=True,
        help_text=_("YYYY-MM: the first month whose monthly report it owes; null: the month after it was created."))

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "sector",
            "sector_display",
            "member_count",
            "youth_count",
            "is_active",
            "display_order",
            "reporting_from",
            "depth",
            "children_count",
            "subtree_members",
            "parent_code",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["depth", "created_at", "updated_at"]

    def validate_parent_code(self, value):
        if not value:
            return None
        parent = Organization.objects.restrict(self.context["request"].user).filter(code=value).first()
        if parent is None:
            raise serializers.ValidationError(_("No organisation with this code in your organisations."))
        return parent

    def create(self, validated_data):
        parent = validated_data.pop("parent_code", None)
        return services.create_organization(by=self.context["request"].user, parent=parent, **validated_data)

    def update(self, instance, validated_data):
        if validated_data.pop("parent_code", None) is not None:
            raise serializers.ValidationError({"parent_code": _("Use the move action to change the parent.")})
        services.update_organization(instance, by=self.context["request"].user, **validated_data)
        return instance


class OrganizationPickSerializer(serializers.Serializer):
    """An organisation as a picker offers it: ``path_label`` names the organisations above it that the caller sees."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    path_label = serializers.CharField()


class MoveSerializer(serializers.Serializer):
    parent_code = OrganizationCodeField(help_text=_("Code of the new parent organisation."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_(".xlsx or .csv with the columns of the tree export."))
    dry_run = serializers.BooleanField(default=True, help_text=_("Only check the file; write nothing."))


class ImportJobSerializer(serializers.ModelSerializer):
    """A large import checked (and carried out) in the background; poll it until ``status`` is finished."""

    dry_run = serializers.SerializerMethodField(help_text=_("Only checked; nothing is written."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "url", "original_name", "dry_run", "status", "progress", "summary", "errors", "error_count",
                  "detail", "created_at", "finished_at"]
        read_only_fields = fields

    def get_dry_run(self, job) -> bool:
        return not job.apply

    def get_url(self, job) -> str:
        return reverse("api:importjob-detail", args=[job.pk])


class DepartmentSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = Department
        fields = ["id", "organization", "name", "display_order"]

    def create(self, validated_data):
        return services.add_department(by=self.context["request"].user, **validated_data)


class ManageableUserField(serializers.SlugRelatedField):
    """An account named by its user name, among those the caller fully covers; others are not named."""

    default_error_messages = {
        "does_not_exist": _("No account with this user name that you may manage."),
        "invalid": _("No account with this user name that you may manage."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        super().__init__(**kwargs)

    def get_queryset(self):
        return manageable_users(self.context["request"].user)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = ManageableUserField()
    organization = OrganizationCodeField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "organization", "organization_name", "role", "role_display", "granted_at"]

    def create(self, validated_data):
        return services.assign_role(
            validated_data["user"], validated_data["organization"], validated_data["role"], by=self.context["request"].user
        )


class RoleSummarySerializer(serializers.Serializer):
    organization = serializers.CharField(help_text=_("Organisation code."))
    organization_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = RoleSummarySerializer(many=True)
    can_manage_users = serializers.BooleanField()


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "email", "is_active", "last_login", "roles"]
        extra_kwargs = {"email": {"allow_null": True}}

    def to_representation(self, user):
        data = super().to_representation(user)
        if not getattr(user, "is_manageable", False):
            # an account the caller does not fully cover: its name and roles in reach, nothing private
            data["email"] = data["last_login"] = None
        return data

    @extend_schema_field(RoleSummarySerializer(many=True))
    def get_roles(self, user):
        request_user = self.context["request"].user
        return [
            {"organization": ra.organization.code, "organization_name": ra.organization.name, "role": ra.role}
            for ra in user.role_assignments.all()
            if can(request_user, Action.VIEW, ra)
        ]


class UserCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    password = serializers.CharField(write_only=True, min_length=8)
    organization = OrganizationCodeField()
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_username(self, value):
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This user name is taken."))
        return value

    def create(self, validated_data):
        return services.create_user(by=self.context["request"].user, **validated_data)


class AuditEntrySerializer(serializers.ModelSerializer):
    """An audit row, read-only: who (``actor``: the user name; empty when the portal acted), when, from which
    address, what it did (``action`` and its label) to which object, and the changed fields ({field: [old, new]}; a
    secret field's value is "changed")."""

    actor = serializers.CharField(source="actor_name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    object_type = serializers.SerializerMethodField()
    organization_code = serializers.CharField(source="organization.code", read_only=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "address", "request_id", "action", "action_display", "object_type",
                  "object_id", "object_repr", "organization_code", "changes", "note"]
        read_only_fields = fields

    def get_object_type(self, entry) -> str | None:
        ct = entry.content_type
        return f"{ct.app_label}.{ct.model}" if ct else None
