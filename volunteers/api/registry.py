"""The registry's API: volunteers (masked; the document number and mobile are written, never read back), the
logged reveal, moves, anonymising, the audit trail of reveals, and star scales. Every write calls
volunteers.services; lists use the pages' filtersets."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from orgs.api.serializers import OrganizationCodeField

from .. import services
from ..choices import Gender, IdType
from ..filtersets import UnmaskEventFilterSet, VolunteerFilterSet
from ..models import StarScale, UnmaskEvent, Volunteer


def acting(serializer):
    return serializer.context["request"].user


class VolunteerSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT)
    id_number = serializers.CharField(write_only=True, max_length=40,
                                      help_text=_("Written only; read back masked as id_number_masked."))
    mobile = serializers.CharField(write_only=True, max_length=20, required=False, allow_blank=True,
                                   help_text=_("Written only; read back masked as mobile_masked."))
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)

    class Meta:
        model = Volunteer
        fields = ["id", "organization", "organization_name", "name", "gender", "birth_date", "id_type", "id_number",
                  "id_number_masked", "mobile", "mobile_masked", "political_status", "registered_on", "platform",
                  "platform_number", "skills", "tags", "status", "guardian_consent", "guardian_name", "left_on",
                  "confirmed_hours", "star", "anonymised_at", "created_at", "updated_at"]
        read_only_fields = ["id_number_masked", "mobile_masked", "confirmed_hours", "star", "anonymised_at",
                            "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # an update: the number is sent only to change it
            fields["id_number"].required = False
        return fields

    def create(self, validated_data):
        validated_data["gender"] = validated_data.get("gender") or None
        return services.register_volunteer(by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        if validated_data.pop("organization", instance.organization) != instance.organization:
            raise serializers.ValidationError({"organization": _("A volunteer changes organisation only by a move "
                                                                 "(POST …/move/).")})
        if "gender" in validated_data and not validated_data["gender"]:
            validated_data.pop("gender")
        return services.update_volunteer(instance, by=acting(self), **validated_data)


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text=_("Why you need to see the personal data (kept)."))


class VolunteerMoveSerializer(serializers.Serializer):
    organization = OrganizationCodeField(help_text=_("Code of the new organisation."))
    reason = serializers.CharField(max_length=300)


class VolunteerViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The volunteers the caller sees, personal data masked. Register and change through the services; the
    organisation changes only by ``move``; ``reveal`` shows the clear values to administrators and logs it."""

    queryset = Volunteer.objects.select_related("organization")
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet

    @extend_schema(request=RevealSerializer, responses=inline_serializer(
        "RevealedPersonalData", {"id_number": serializers.CharField(), "mobile": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The document number and mobile in clear, for administrators of the volunteer's organisation or above;
        each call is kept in the audit trail (``unmask-events``)."""
        volunteer = self.get_object()
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clear = services.reveal_personal_data(volunteer, by=request.user, reason=serializer.validated_data["reason"],
                                              via="api")
        return Response(clear, headers={"Cache-Control": "no-store"})

    @extend_schema(request=VolunteerMoveSerializer, responses=VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        volunteer = self.get_object()
        serializer = VolunteerMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["organization"].pk == volunteer.organization_id:
            raise serializers.ValidationError({"organization": _("The volunteer belongs to this organisation already.")})
        moved = services.move_volunteer(volunteer, by=request.user, to=serializer.validated_data["organization"],
                                        reason=serializer.validated_data["reason"])
        return Response(self.get_serializer(moved).data)

    @extend_schema(request=None, responses=VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def anonymise(self, request, pk=None):
        """Remove what identifies the volunteer for good; hours, star and statistics stay."""
        volunteer = self.get_object()
        return Response(self.get_serializer(services.anonymise_volunteer(volunteer, by=request.user)).data)


class UnmaskEventSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = UnmaskEvent
        fields = ["id", "volunteer", "volunteer_name", "user", "reason", "at", "via"]
        read_only_fields = fields


class UnmaskEventViewSet(ScopedReadOnlyViewSet):
    """The audit trail of personal data seen in clear, for those who may see it (administrators)."""

    queryset = UnmaskEvent.objects.select_related("volunteer", "user")
    serializer_class = UnmaskEventSerializer
    filterset_class = UnmaskEventFilterSet


class StarScaleSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = StarScale
        fields = ["id", "organization", *services.STAR_FIELDS]

    def _save(self, organization, validated_data, instance=None):
        current = instance.thresholds if instance else ()
        thresholds = [validated_data.get(name, current[i] if current else None)
                      for i, name in enumerate(services.STAR_FIELDS)]
        if None in thresholds:
            raise serializers.ValidationError({name: _("This field is required.")
                                               for name, t in zip(services.STAR_FIELDS, thresholds, strict=True) if t is None})
        return services.set_star_scale(organization, by=acting(self), thresholds=thresholds)

    def create(self, validated_data):
        return self._save(validated_data.pop("organization"), validated_data)

    def update(self, instance, validated_data):
        if validated_data.pop("organization", instance.organization) != instance.organization:
            raise serializers.ValidationError({"organization": _("A star scale stays with its organisation.")})
        return self._save(instance.organization, validated_data, instance)


class StarScaleViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The star scales set in the caller's part of the tree (a province's or city's subtree uses the nearest one
    above it, else 100/300/600/1000/1500 hours). Setting one (administrators of a province or city; POST creates or
    replaces) recomputes the stars there."""

    queryset = StarScale.objects.select_related("organization")
    serializer_class = StarScaleSerializer
