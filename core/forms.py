"""Form helpers shared by every app: a service's refusal (a ValidationError) shown on the form that asked for
the change, each message beside the field it names."""
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def errors_by_field(exc: ValidationError, rest: str = NON_FIELD_ERRORS) -> dict[str, list[str]]:
    """The messages of ``exc`` by the field they name; messages that name none under ``rest``."""
    return exc.message_dict if hasattr(exc, "error_dict") else {rest: exc.messages}


def add_errors(form, exc: ValidationError, field: str | None = None) -> None:
    """Put the messages of a service's ValidationError on ``form``: under the form's field each names, the rest
    (no field, or one the form does not have) under ``field`` — by default above the form as non-field errors."""
    for name, messages in errors_by_field(exc).items():
        for message in messages:
            form.add_error(name if name in form.fields else field, message)
