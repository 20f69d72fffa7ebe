"""REST endpoints of the caller's own notifications: list (unread filter), mark read."""
import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin

from . import kinds, services
from .models import Notification


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
    email = serializers.BooleanField(help_text=_("Also send notifications by e-mail (when the account has an address)."))


class PreferenceView(APIView):
    """The caller's notification preference: e-mail on or off."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        return Response({"email": services.wants_email(request.user)})

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_email(request.user, data.validated_data["email"])
        return self.get(request)


router = DefaultRouter()
router.register("notifications", NotificationViewSet)
urlpatterns = [path("notifications/preferences/", PreferenceView.as_view(), name="notification-preferences"),
               *router.urls]
