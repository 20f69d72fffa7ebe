"""The API of activities, sign-ups, service records and on-site sign-in: the pages' querysets, filtersets and
services. A volunteer nested in an answer shows only what the registry shows (name, organisation, masked numbers).
``sign-ins/`` is the volunteer's app's scan: the code proves presence, the caller's own account names the volunteer."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSetMixin
from core.bulk_actions import chosen
from core.openapi import ErrorSerializer
from orgs.api.serializers import OrganizationCodeField

from .. import services
from ..filtersets import ActivityFilterSet, ServiceRecordFilterSet, SignInFilterSet, SignupFilterSet
from ..models import Activity, ServiceRecord, SignIn, Signup, Volunteer
from ..selectors import own_volunteer


def acting(serializer):
    return serializer.context["request"].user


class VolunteerBriefSerializer(serializers.ModelSerializer):
    """A volunteer inside another answer: personal data masked, as everywhere."""

    organization = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "organization", "id_number_masked", "mobile_masked", "star"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    signup_count = serializers.IntegerField(read_only=True)
    pending_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "organization", "organization_name", "title", "category", "description", "place", "starts_at",
                  "ends_at", "planned_hours", "places", "status", "signup_count", "pending_count", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": _("An activity ends after it starts.")})
        return attrs

    def create(self, validated_data):
        return services.create_activity(by=acting(self), **validated_data)

    def update(self, instance, validated_data):
        if validated_data.pop("organization", instance.organization) != instance.organization:
            raise serializers.ValidationError({"organization": _("An activity stays with its organiser.")})
        return services.update_activity(instance, by=acting(self), **validated_data)


class ActivityViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """The activities organised in the caller's part of the tree; created, changed and deleted by those who manage
    volunteers at the organiser (the organiser never changes)."""

    queryset = Activity.objects.select_related("organization").with_counts()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def perform_destroy(self, instance):
        services.delete_activity(instance, by=self.request.user)

    def _reread(self, activity):
        return self.get_queryset().get(pk=activity.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.get_serializer(self._reread(serializer.instance)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(self._reread(serializer.instance)).data)


class SignupSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    volunteer = serializers.PrimaryKeyRelatedField(queryset=Volunteer.objects.all(), write_only=True)
    volunteer_detail = VolunteerBriefSerializer(source="volunteer", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)

    class Meta:
        model = Signup
        fields = ["id", "activity", "activity_title", "volunteer", "volunteer_detail", "created_at"]
        read_only_fields = ["created_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # only what the caller sees can be named (else: "does not exist")
            user, own = request.user, own_volunteer(request.user)
            activities, volunteers = Activity.objects.restrict(user), Volunteer.objects.restrict(user)
            if own is not None:  # a volunteer's app signs its volunteer up for what is open to them
                activities = activities | Activity.objects.open_to(own)
                volunteers = volunteers | Volunteer.objects.filter(pk=own.pk)
            fields["activity"].queryset, fields["volunteer"].queryset = activities, volunteers
        return fields

    def create(self, validated_data):
        return services.sign_up(validated_data["activity"], validated_data["volunteer"], by=acting(self))


class SignupViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Sign-up lists: seen by the organiser's side, the volunteer's organisation and the volunteer; a volunteer is
    put on a list (POST) or taken off it (DELETE) through the services."""

    queryset = Signup.objects.select_related("activity", "volunteer__organization")
    serializer_class = SignupSerializer
    filterset_class = SignupFilterSet

    def perform_destroy(self, instance):
        services.cancel_signup(instance, by=self.request.user)


class ServiceRecordSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    volunteer = serializers.PrimaryKeyRelatedField(queryset=Volunteer.objects.all(), write_only=True)
    volunteer_detail = VolunteerBriefSerializer(source="volunteer", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, max_value=24)

    class Meta:
        model = ServiceRecord
        fields = ["id", "activity", "volunteer", "volunteer_detail", "organization", "date", "hours", "status",
                  "reject_reason", "source", "signed_in_at", "signed_out_at", "note", "created_at", "confirmed_at"]
        read_only_fields = ["status", "reject_reason", "source", "signed_in_at", "signed_out_at", "created_at",
                            "confirmed_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["activity"].queryset = Activity.objects.restrict(request.user)
            # the caller's volunteers and those on the lists of the caller's activities (record_service decides)
            fields["volunteer"].queryset = Volunteer.objects.filter(
                Q(pk__in=Volunteer.objects.restrict(request.user).values("pk"))
                | Q(pk__in=Signup.objects.filter(activity__in=Activity.objects.restrict(request.user))
                    .values("volunteer_id")))
        return fields

    def create(self, validated_data):
        return services.record_service(by=acting(self), **validated_data)


class RecordDecisionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1,
                                max_length=5000, help_text=_("The ids of the records to decide on."))
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text=_("Why the records are rejected (required to reject)."))


DECIDED = {200: inline_serializer("RecordsDecided", {"changed": serializers.IntegerField()}),
           403: OpenApiResponse(ErrorSerializer, description=_("Some of these records are not yours to decide on "
                                                                 "(``refused``); nothing was decided.")),
           404: OpenApiResponse(ErrorSerializer, description=_("Some of these records are not among those you may "
                                                                 "see (``refused``); nothing was decided."))}


class ServiceRecordViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Service records: seen by the organiser's side, the volunteer's organisation on the day and the volunteer.
    The organiser records hours (pending) and confirms or rejects them in bulk (``confirm/``, ``reject/`` with
    ``ids``): all of them or none."""

    queryset = ServiceRecord.objects.select_related("volunteer__organization", "organization")
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet

    def _chosen(self, request):
        serializer = RecordDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["ids"])
        # one the caller cannot see: 404 naming it, nothing done
        chosen(self.get_queryset(), ids, message=_("Some of these records do not exist or are not yours to see; "
                                                   "nothing was decided."))
        return self.get_queryset().filter(pk__in=ids), serializer.validated_data.get("reason", "")

    @extend_schema(request=RecordDecisionSerializer, responses=DECIDED)
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        records, _reason = self._chosen(request)
        return Response({"changed": services.confirm_records(records, by=request.user)})

    @extend_schema(request=RecordDecisionSerializer, responses=DECIDED)
    @action(detail=False, methods=["post"])
    def reject(self, request):
        records, reason = self._chosen(request)
        return Response({"changed": services.reject_records(records, by=request.user, reason=reason)})


class SignInSerializer(serializers.ModelSerializer):
    volunteer = VolunteerBriefSerializer(read_only=True)
    activity = serializers.IntegerField(source="activity_id", read_only=True)

    class Meta:
        model = SignIn
        fields = ["id", "activity", "volunteer", "kind", "at"]
        read_only_fields = fields


class ScanSerializer(serializers.Serializer):
    activity = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    code = serializers.CharField(max_length=64, help_text=_("The code in the address of the activity's QR code."))


class ScanResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    activity = serializers.IntegerField(source="activity.pk")
    signed_up = serializers.BooleanField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    record = serializers.IntegerField(source="record.pk", allow_null=True, default=None)


class SignInViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scans of activities' sign-in codes: the organiser's side sees those of its activities, a volunteer their own.
    POST (a volunteer's own account, with the activity and the code of its QR code) signs in, and the next one
    signs out and proposes a service record."""

    queryset = SignIn.objects.select_related("volunteer__organization")
    serializer_class = SignInSerializer
    filterset_class = SignInFilterSet

    @extend_schema(request=ScanSerializer, responses={201: ScanResultSerializer})
    def create(self, request):
        serializer = ScanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = Activity.objects.filter(pk=serializer.validated_data["activity"]).first()
        if activity is None:  # the same answer as a wrong code: an id tells nothing
            raise serializers.ValidationError({"code": [_("This sign-in code is not valid: scan the QR code shown at "
                                                          "the activity.")]})
        done = services.scan_code(activity, by=request.user, code=serializer.validated_data["code"])
        return Response(ScanResultSerializer(done).data, status=status.HTTP_201_CREATED)

