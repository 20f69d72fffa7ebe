"""The kind of notification the dashboard sends: a month's 工作通报 is ready (after its scores were published)."""
from django.utils.translation import gettext_lazy as _

from notifications.kinds import register

CIRCULAR_READY = register("circular_ready", _("Work circular ready"))
