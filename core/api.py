"""API plumbing shared by every app: JSON errors and the scoped base viewsets."""
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.bulk_actions import Refused
from core.forms import errors_by_field
from core.uploads import UploadRejected


def exception_handler(exc, context):
    """Every error as JSON with a ``detail`` message; field errors under ``errors``."""
    if isinstance(exc, UploadRejected):  # the upload guard's refusal: 400, or 413 for sizes
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, Refused):  # a bulk action refused whole, naming the ids (core.bulk_actions)
        return Response(exc.as_json(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(errors_by_field(exc, rest="non_field_errors"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        return Response({"detail": _("The change conflicts with existing data.")}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("The request has invalid values."), "errors": errors}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": response.data}
    return response


def json_error(request, status_code, message):
    return JsonResponse({"detail": str(message)}, status=status_code)


class StoredFileSerializer(serializers.ModelSerializer):
    """An uploaded file (core.files.StoredFile) as the API shows it: name, type, size, and the address of the view
    that checks the right to see what it belongs to (uploads are never served under MEDIA_URL)."""

    url = serializers.SerializerMethodField(help_text=gettext_lazy("Where the file is downloaded, for those who may see what "
                                                        "it belongs to."))
    download_url_name = ""  # the URL name of that view, taking the file's pk

    class Meta:
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, stored) -> str:
        return reverse(self.download_url_name, args=[stored.pk])


def refused_upload(checked, detail):
    """400 with the problems of a checked upload (core.spreadsheets.CheckedUpload) by row and column."""
    return Response({"detail": detail, "errors": checked.error_list()}, status=status.HTTP_400_BAD_REQUEST)


def query_param(request, name, parse, default=None):
    """``?name=`` read by ``parse`` (e.g. core.dates.parse_month), ``default`` when it is absent or empty; a value
    ``parse`` refuses is a 400 that names the parameter."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    try:
        return parse(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({name: exc.messages}) from exc


def writes_through_a_service(serializer_class, method="update") -> bool:
    """Whether a serializer saves by calling a service of its own (``create()``/``update()`` or ``save()``
    overridden).

    ModelSerializer's own ``create()`` and ``update()`` write the row without asking anyone, so a write
    through them would cross the tree; a service checks the right on the row as stored and as saved.
    """
    own = getattr(serializer_class, method, None)
    return (own is not getattr(serializers.ModelSerializer, method)
            or serializer_class.save is not serializers.BaseSerializer.save)


class ScopedViewSetMixin:
    """The base of every API viewset: lists and lookups only see rows in the caller's part of the tree,
    and every write goes through a service function that checks the right again.

    DRF's default update (through ModelSerializer.update) and destroy (``instance.delete()``) write
    without a check, so they are refused here: a viewset that offers them names its service.
    tests/test_write_matrix.py fails for a viewset that does not.
    """

    def get_queryset(self):
        # Every scoped queryset's restrict() defaults to the right to view (orgs.permissions).
        return super().get_queryset().restrict(self.request.user)

    def perform_create(self, serializer):
        if not writes_through_a_service(type(serializer), "create"):
            raise ImproperlyConfigured(f"{type(serializer).__name__} must create through a service.")
        serializer.save()

    def perform_update(self, serializer):
        if not writes_through_a_service(type(serializer), "update"):
            raise ImproperlyConfigured(f"{type(serializer).__name__} must update through a service.")
        serializer.save()

    def perform_destroy(self, instance):
        raise ImproperlyConfigured(f"{type(self).__name__} must delete through a service (perform_destroy).")


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedAddRemoveViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """For rows that are added and removed but never edited (departments, role assignments).

    Subclasses route ``perform_destroy`` through their service.
    """
