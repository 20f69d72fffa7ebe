"""REST endpoints of API tokens: log in for a token, log out, and one's own tokens.

``POST auth/token/`` keeps the address and the user name/password body of the earlier endpoint
(DRF's authtoken), so other systems only have to log in again; the answer now also carries the
expiry, and every log-in issues a new key.
"""
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import ScopedViewSetMixin
from core.openapi import ErrorSerializer

from . import selectors, services


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=gettext_lazy(
        "The key, sent as `Authorization: Token <key>`. Only its hash is stored: it is shown this once."))
    expiry = serializers.DateTimeField(allow_null=True)


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True, help_text=gettext_lazy("The start of the key's hash; not the key."))
    current = serializers.SerializerMethodField(help_text=gettext_lazy("Whether this request carries this token."))

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, AuthToken) and auth.digest == token.digest


ERROR = ErrorSerializer


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many failed log-in attempts: the account is locked for a while.")
    default_code = "locked_out"


class TokenLoginThrottle(AnonRateThrottle):
    """Attempts per address, whatever user names they try (axes locks one name at one address)."""

    scope = "token-login"

    def get_rate(self):
        return settings.API_TOKEN_LOGIN_RATE


class TokenLoginView(APIView):
    """A new API token for a user name and password; every call issues another one."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenLoginThrottle]

    @extend_schema(request=LoginSerializer, responses={200: IssuedTokenSerializer, 400: ERROR, 429: ERROR})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # DRF's request, not the HttpRequest beneath it: axes counts the failure and marks a lockout
        # on this wrapper, where its middleware does not look, so the answer stays JSON.
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut
            raise exceptions.ValidationError({"non_field_errors": [_("No active account has this user name and password.")]})
        token, key = services.issue_token(by=user)
        # Records the log-in (last_login, axes' access log) and clears earlier failures.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(IssuedTokenSerializer({"token": key, "expiry": token.expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request carries."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.revoke_token(request.auth, by=request.user)
        user_logged_out.send(sender=type(request.user), request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the caller."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.revoke_all_tokens(by=request.user)
        if isinstance(request.auth, AuthToken):  # a token client logged itself out; a session stays logged in
            user_logged_out.send(sender=type(request.user), request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(destroy=extend_schema(parameters=[
    OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=selectors.ID_PATTERN)]))
class TokenViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's working tokens (never their keys); delete one to revoke it."""

    serializer_class = TokenSerializer
    queryset = AuthToken.objects.none()
    lookup_url_kwarg = "id"
    lookup_value_regex = selectors.ID_PATTERN

    def get_queryset(self):
        return selectors.own_tokens(self.request.user)

    def get_object(self):
        return selectors.own_token(self.request.user, self.kwargs["id"])

    def perform_destroy(self, token):
        services.revoke_token(token, by=self.request.user)


router = SimpleRouter()
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    path("token/", TokenLoginView.as_view(), name="token"),
    path("logout/", LogoutView.as_view(), name="token_logout"),
    path("logoutall/", LogoutAllView.as_view(), name="token_logout_all"),
    *router.urls,
]
