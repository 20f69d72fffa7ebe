"""REST endpoints: the caller's own notifications (list, mark read) and channel preferences, the organisations' group
robots (their administrators only), and the deliveries administrators may send again."""
import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin
from orgs.api.serializers import OrganizationCodeField
from orgs.permissions import Action

from . import channels, kinds, services
from .filtersets import DeliveryFilterSet
from .forms import masked, validate_mobile, validate_webhook
from .models import Delivery, Notification, OrganizationChannel


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=kinds.choices, label=_("Kind of notification"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=_("The kind's code (see kind_label)."))
    kind_label = serializers.CharField()
    title = serializers.CharField(source="shown_title", help_text=_("In the language of the request."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


COUNT = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


class NotificationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's notifications; nobody sees another user's."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    queryset = Notification.objects.none()

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    @extend_schema(request=None, responses=COUNT)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        return Response({"marked": services.mark_read(request.user, [notification.pk])})

    @extend_schema(request=None, responses=COUNT)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(request.user)})


class PreferenceSerializer(serializers.Serializer):
    email = serializers.BooleanField(required=False,
                                     help_text=_("Also send notifications by e-mail (when the account has an address)."))
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text=_("For each channel named, the kinds of notification it brings (the others stay as they are)."))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                  help_text=_("Mobile number for SMS and DingTalk mentions."))

    def validate_channels(self, value):
        names = {c.name for c in channels.all_channels()}
        codes = {code for code, _label in kinds.choices()}
        unknown = [n for n in value if n not in names] + [k for ks in value.values() for k in ks if k not in codes]
        if unknown:
            raise serializers.ValidationError(_("Unknown channel or kind: %(names)s") % {"names": ", ".join(unknown)})
        return value

    def validate_phone(self, value):
        try:
            return validate_mobile(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PreferenceView(APIView):
    """The caller's notification preferences: e-mail on or off, the channels of each kind, the mobile number."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        from .models import Preference

        preference = Preference.objects.filter(user=request.user).first()
        return Response({"email": services.wants_email(request.user), "channels": services.chosen_channels(request.user),
                         "phone": preference.phone if preference else ""})

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "channels" in values or "phone" in values:
            chosen = {**services.chosen_channels(request.user), **values.get("channels", {})}
            if "email" in values:
                chosen["email"] = chosen["email"] if values["email"] else []
            services.set_preferences(request.user, channels_by_kind=chosen, phone=values.get("phone"))
        if "email" in values:
            services.set_email(request.user, values["email"])
        return self.get(request)


class OrganizationChannelSerializer(serializers.ModelSerializer):
    """A group robot; its webhook address and secret are written, never read back (only masked)."""

    organization = OrganizationCodeField(help_text=_("Code of the organisation."))
    webhook = serializers.CharField(write_only=True, required=False, max_length=500,
                                    help_text=_("The robot's webhook address (kept when omitted in an update)."))
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200,
                                   help_text=_("DingTalk's signing secret (kept when omitted)."))
    webhook_masked = serializers.SerializerMethodField()
    has_secret = serializers.SerializerMethodField()
    kinds = serializers.ListField(child=serializers.CharField(), required=False,
                                  help_text=_("The kinds it posts (codes); empty: every kind."))

    class Meta:
        model = OrganizationChannel
        fields = ["id", "organization", "channel", "enabled", "kinds", "webhook", "secret", "webhook_masked",
                  "has_secret", "changed_at"]
        read_only_fields = ["changed_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # a robot stays with its organisation and channel
            self.fields["organization"].read_only = self.fields["channel"].read_only = True

    def validate_kinds(self, value):
        unknown = set(value) - {code for code, _label in kinds.choices()}
        if unknown:
            raise serializers.ValidationError(_("Unknown kind: %(names)s") % {"names": ", ".join(sorted(unknown))})
        return value

    def get_webhook_masked(self, robot) -> str:
        return masked(robot.webhook)

    def get_has_secret(self, robot) -> bool:
        return bool(robot.secret)

    def validate(self, attrs):
        if self.instance is not None:
            attrs["organization"], attrs["channel"] = self.instance.organization, self.instance.channel
        if self.instance is None and not attrs.get("webhook"):
            raise serializers.ValidationError({"webhook": [_("Enter the robot's webhook address.")]})
        if attrs.get("webhook"):
            try:
                validate_webhook(attrs["channel"], attrs["webhook"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"webhook": exc.messages}) from exc
        return attrs

    def save(self, **kwargs):
        values, stored = self.validated_data, self.instance
        self.instance = services.save_organization_channel(
            values["organization"], by=self.context["request"].user, channel=values["channel"],
            webhook=values.get("webhook") or stored.webhook, secret=values.get("secret"),
            enabled=values.get("enabled", stored.enabled if stored else True),
            kinds_=values.get("kinds", stored.kinds if stored else []))
        return self.instance


class OrganizationChannelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """The 企业微信 and 钉钉 group robots of the organisations the caller administers (nobody else sees them)."""

    serializer_class = OrganizationChannelSerializer
    queryset = OrganizationChannel.objects.none()

    def get_queryset(self):
        return OrganizationChannel.objects.restrict(self.request.user, Action.CHANGE_ORG).select_related("organization")

    def perform_destroy(self, instance):
        services.remove_organization_channel(instance, by=self.request.user)


class DeliverySerializer(serializers.ModelSerializer):
    notification_title = serializers.CharField(source="notification.title")
    recipient = serializers.CharField(source="notification.user.username")
    channel_label = serializers.CharField()

    class Meta:
        model = Delivery
        fields = ["id", "notification", "notification_title", "recipient", "channel", "channel_label", "status",
                  "attempts", "last_error", "created_at", "attempted_at", "sent_at", "provider_message_id"]
        read_only_fields = fields


QUEUED = inline_serializer("DeliveryQueued", {"queued": serializers.BooleanField()})


class DeliveryViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deliveries of notifications to the people the caller manages (administrators); failed ones can be retried."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    queryset = Delivery.objects.select_related("notification__user")

    @extend_schema(request=None, responses=QUEUED)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return Response({"queued": services.retry_delivery(self.get_object(), by=request.user)})


router = DefaultRouter()
router.register("notifications", NotificationViewSet)
router.register("organization-channels", OrganizationChannelViewSet, basename="organization-channel")
router.register("notification-deliveries", DeliveryViewSet, basename="delivery")
urlpatterns = [path("notifications/preferences/", PreferenceView.as_view(), name="notification-preferences"),
               *router.urls]
