"""The kinds of notification: an open set of codes whose labels the apps that send them register.

A notification stores its kind's code and looks the label up when it is shown, so the bell imports no app that
rings it. Each app names its kinds in its own ``kinds.py`` (``REPORT_MISSING = register("report_missing",
_("Report missing"))``), imported by its AppConfig.ready so that the labels are known wherever a notification is
shown, also in a process that sends none.
"""
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 40  # Notification.kind's max_length

_labels = {}


def register(code: str, label) -> str:
    """Name the kind ``code`` (at most MAX_LENGTH characters, registered once); returns the code."""
    if not code or len(code) > MAX_LENGTH:
        raise ImproperlyConfigured(f"A notification kind's code has 1 to {MAX_LENGTH} characters, not {code!r}.")
    if code in _labels:
        raise ImproperlyConfigured(f"The notification kind {code!r} is registered twice.")
    _labels[code] = label
    return code


def label(code: str):
    """The label of a kind; a code that no app registers (any more) is shown as itself."""
    return _labels.get(code, code)


def choices() -> list:
    """(code, label) of every registered kind, in the order the apps registered them, “Other” last."""
    return sorted(_labels.items(), key=lambda item: item[0] == OTHER)


OTHER = register("other", _("Other"))
