"""Serializers of the plans API; writes go through plans.services, roll-up figures are read-only."""
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import StoredFileSerializer
from core.files import validate_evidence
from orgs.api.serializers import OrganizationCodeField
from orgs.models import Department

from .. import services
from ..models import Assignment, Evidence, Plan, ProgressEntry, Section, Target, WorkPoint

NON_NEGATIVE = {"min_value": Decimal(0), "max_digits": 16, "decimal_places": 4}


def acting(serializer):
    return serializer.context["request"].user


def stays(instance, validated_data, name, message):
    """Take the owner ``name`` out of an update's data: naming another owner is an error, not a move."""
    if validated_data.pop(name, getattr(instance, name)) != getattr(instance, name):
        raise serializers.ValidationError({name: message})


class PlanSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "organization", "organization_name", "year", "title", "status", "yellow_threshold",
                  "red_threshold", "created_at", "updated_at"]

    def create(self, validated_data):
        return services.create_plan(by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        stays(instance, validated_data, "organization", _("A plan cannot change its organisation."))
        return services.update_plan(instance, by=acting(self), **validated_data)


class VisiblePlanField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Plan.objects.restrict(self.context["request"].user)


class SectionSerializer(serializers.ModelSerializer):
    plan = VisiblePlanField()

    class Meta:
        model = Section
        fields = ["id", "plan", "number", "title", "order"]

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        return services.add_section(plan, by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        stays(instance, validated_data, "plan", _("A section stays in its plan."))
        return services.update_section(instance, by=acting(self), **validated_data)


class VisibleSectionField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Section.objects.restrict(self.context["request"].user)


class WorkPointSerializer(serializers.ModelSerializer):
    section = VisibleSectionField()
    lead_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    plan = serializers.IntegerField(source="section.plan_id", read_only=True)

    class Meta:
        model = WorkPoint
        fields = ["id", "plan", "section", "group", "number", "title", "text", "lead_department", "responsible_person",
                  "deadline", "is_key", "tags", "status", "order"]
        read_only_fields = ["group"]

    def validate(self, attrs):
        section = attrs.get("section") or self.instance.section
        department = attrs.get("lead_department")
        if department and department.organization_id != section.plan.organization_id:
            raise serializers.ValidationError({"lead_department": _("The department belongs to another organisation.")})
        return attrs

    def create(self, validated_data):
        section = validated_data.pop("section")
        return services.add_point(section, by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        stays(instance, validated_data, "section", _("A work point stays in its section."))
        return services.update_point(instance, by=acting(self), **validated_data)


class VisiblePointField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return WorkPoint.objects.restrict(self.context["request"].user)


class TargetSerializer(serializers.ModelSerializer):
    point = VisiblePointField()
    value = serializers.DecimalField(**NON_NEGATIVE)

    class Meta:
        model = Target
        fields = ["id", "point", "metric", "comparator", "value", "unit", "baseline", "deadline", "aggregation",
                  "progress_rule", "volunteer_figure", "order"]

    def create(self, validated_data):
        point = validated_data.pop("point")
        return services.add_target(point, by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        stays(instance, validated_data, "point", _("A target stays with its work point."))
        return services.update_target(instance, by=acting(self), **validated_data)


class AssignmentSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "plan", "point", "target", "organization", "organization_name", "parent", "assigned_value",
                  "deadline", "own_value", "own_value_on", "actual_value", "completion", "expected", "light",
                  "last_progress_at", "rolled_up_at"]
        read_only_fields = fields


class PartSerializer(serializers.Serializer):
    organization = OrganizationCodeField()
    value = serializers.DecimalField(required=False, allow_null=True, **NON_NEGATIVE)
    deadline = serializers.DateField(required=False, allow_null=True)


class DecomposeSerializer(serializers.Serializer):
    parts = PartSerializer(many=True, allow_empty=False)
    confirm_mismatch = serializers.BooleanField(default=False)


class EvidenceSerializer(StoredFileSerializer):
    download_url_name = "plans:evidence_download"
    reused = serializers.BooleanField(read_only=True, default=False,
                                      help_text=_("The same file was also used as evidence for another entry you may see."))

    class Meta(StoredFileSerializer.Meta):
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "url", "reused", "uploaded_at"]


class VisibleAssignmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Assignment.objects.restrict(self.context["request"].user).select_related("plan", "target")


class ProgressEntrySerializer(serializers.ModelSerializer):
    assignment = VisibleAssignmentField()
    value = serializers.DecimalField(required=False, allow_null=True, **NON_NEGATIVE)
    numerator = serializers.DecimalField(required=False, allow_null=True, **NON_NEGATIVE)
    denominator = serializers.DecimalField(required=False, allow_null=True, min_value=Decimal("0.0001"),
                                           max_digits=16, decimal_places=4)
    files = serializers.ListField(child=serializers.FileField(validators=[validate_evidence]), write_only=True,
                                  required=False)
    evidence = EvidenceSerializer(many=True, read_only=True)
    entered_by = serializers.CharField(source="entered_by.username", read_only=True, default=None)

    class Meta:
        model = ProgressEntry
        fields = ["id", "assignment", "reported_on", "value", "numerator", "denominator", "status", "note", "files",
                  "evidence", "entered_by", "entered_at"]

    def validate(self, attrs):
        assignment = attrs["assignment"]
        if assignment.target_id and assignment.target.is_bound:
            raise serializers.ValidationError(_("This target fills itself from the volunteer statistics (%(figure)s); "
                                                "progress cannot be entered by hand.")
                                              % {"figure": assignment.target.get_volunteer_figure_display()})
        if assignment.target_id:
            if attrs.get("value") is None and not (attrs.get("numerator") is not None and attrs.get("denominator")):
                raise serializers.ValidationError({"value": _("Enter the cumulative figure.")})
        elif not attrs.get("status"):
            raise serializers.ValidationError({"status": _("Choose the status of the work point.")})
        return attrs

    def create(self, validated_data):
        assignment = validated_data.pop("assignment")
        files = validated_data.pop("files", [])
        return services.record_progress(assignment, by=acting(self), files=files, **validated_data)
