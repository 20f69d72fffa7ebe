"""The OpenAPI document says what the API really answers, errors included.

drf-spectacular documents the success of each operation. The errors come from one place
(``core.api.exception_handler``), so they are added here to every operation that can answer them,
rather than by hand on each view, where a new endpoint would forget them.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import permissions, serializers

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """An error: what went wrong and, for invalid input, the messages by field; for a bulk action (core.bulk_actions) the
    ids it refused."""

    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))
    errors = serializers.JSONField(
        required=False,
        help_text=_("For invalid input: the messages by field, or for uploaded files a list of rows with "
                    "row, column and message."),
    )
    refused = serializers.ListField(
        child=serializers.IntegerField(), required=False,
        help_text=_("For a bulk action refused whole (nothing was done): the ids refused."))
    reasons = serializers.DictField(
        child=serializers.CharField(), required=False,
        help_text=_("For a bulk action refused whole: why each refused id was refused, by id."))


class PortalAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            responses = operation["responses"]
            for code, description in self._errors(operation):
                if code not in responses:
                    responses[code] = {**self._get_response_for_code(ErrorSerializer, code), "description": description}
        return operation

    def _errors(self, operation):
        parameters = operation.get("parameters", [])
        if self.method in UNSAFE or any(p["in"] == "query" for p in parameters):
            yield "400", _("Invalid input: ``errors`` names each field (or row and column) with its message.")
        if not all(issubclass(p, permissions.AllowAny) for p in getattr(self.view, "permission_classes", [])):
            if self._challenges():
                yield "401", _("Not logged in: no session and no valid token (the header names the token scheme).")
            yield "403", _("Not logged in, or no right to do this here.")
        if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
            yield "404", _("No such object among those you may see (or no such page of the list).")
        if self.method in UNSAFE:
            yield "409", _("The change conflicts with existing data (e.g. a duplicate).")
        if "requestBody" in operation:
            yield "415", _("The body is not in a media type the operation reads (or cannot be read as one).")

    def _challenges(self) -> bool:
        """DRF answers 401 rather than 403 to a caller it could not identify when the view's first
        authentication class names a scheme (WWW-Authenticate), as knox's token authentication does."""
        classes = getattr(self.view, "authentication_classes", [])
        return bool(classes) and bool(classes[0]().authenticate_header(None))

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # A read-only field with ``default=None`` answers null when its source is missing (a path through
        # an optional relation, such as the user who entered a row and was deleted since).
        if getattr(field, "read_only", False) and field.default is None:
            meta["nullable"] = True
        return meta

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # drf-spectacular makes every read-only field required in answers. One declared ``required=False``
        # (read-only fields are never required on input, so this can only be meant for output) is left out
        # when its source is missing, e.g. a figure annotated on lists but not on the answer to a change.
        optional = {name for name, field in force_instance(serializer).fields.items()
                    if field.read_only and field._kwargs.get("required") is False}
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema
