"""Form helpers shared by every app: a service's refusal (a ValidationError) shown on the form that asked for
the change, each message beside the field it names, and the one edit page that saves a form through a service."""
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render


def errors_by_field(exc: ValidationError, rest: str = NON_FIELD_ERRORS) -> dict[str, list[str]]:
    """The messages of ``exc`` by the field they name; messages that name none under ``rest``."""
    return exc.message_dict if hasattr(exc, "error_dict") else {rest: exc.messages}


def add_errors(form, exc: ValidationError, field: str | None = None) -> None:
    """Put the messages of a service's ValidationError on ``form``: under the form's field each names, the rest
    (no field, or one the form does not have) under ``field`` — by default above the form as non-field errors."""
    for name, messages_of_field in errors_by_field(exc).items():
        for message in messages_of_field:
            form.add_error(name if name in form.fields else field, message)


def edit_page(request, form, save, *, heading, back=None, done=None):
    """The page that edits ``form`` (templates/edit_form.html). On a valid POST, ``save(form)`` — a service call —
    and go to what it returns (an object with get_absolute_url, or a URL) with the message ``done``; a service's
    refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if done:
                messages.success(request, done)
            return redirect(saved)
    return render(request, "edit_form.html", {"form": form, "heading": heading, "back": back})
