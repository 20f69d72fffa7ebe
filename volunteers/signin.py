"""The rotating on-site sign-in code of an activity (签到/签退二维码), and the hours a sign-in and sign-out propose.

The organiser's screen shows a QR code of the scan page's address with a code that changes every
``VOLUNTEER_SIGNIN_WINDOW_SECONDS``: ``<window>-<mac>``, where ``window`` is the Unix time divided by that length and
``mac`` an HMAC of the activity and the window under the activity's own secret. A code counts during its window and
the next one (a scan at the edge still works); a code of an older window has expired, one whose MAC does not match
was never shown. Pure functions: the scan itself (what is written) is ``services.scan_code``.
"""
import datetime
import hashlib
import hmac
import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAC_LENGTH = 16
# ASCII digits and lower-case hex only: str.isdigit() also takes "²" (which int() refuses) and other scripts' digits
# (another spelling of the same window), and hmac.compare_digest() refuses non-ASCII text
CODE = re.compile(rf"([0-9]{{1,15}})-([0-9a-f]{{{MAC_LENGTH}}})")
HALF_HOUR = datetime.timedelta(minutes=30)
DAY_HOURS = Decimal(24)


def window_length() -> int:
    return max(1, int(settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS))


def window_at(moment: datetime.datetime | None = None) -> int:
    """The code window of ``moment`` (now by default)."""
    moment = moment or timezone.now()
    return int(moment.timestamp()) // window_length()


def seconds_left(moment: datetime.datetime | None = None) -> int:
    """Whole seconds until the next window begins (at least 1): when the organiser's page fetches a new code."""
    moment = moment or timezone.now()
    length = window_length()
    return max(1, math.ceil(length - moment.timestamp() % length))


def _mac(activity, window: int) -> str:
    message = f"{activity.pk}:{window}".encode()
    return hmac.new(activity.signin_secret.encode(), message, hashlib.sha256).hexdigest()[:MAC_LENGTH]


def code_for(activity, window: int) -> str:
    """The code of ``activity`` shown during ``window``."""
    return f"{window}-{_mac(activity, window)}"


def current_code(activity, moment=None) -> str:
    return code_for(activity, window_at(moment))


def check_code(activity, code: str, moment=None) -> int:
    """The window of a valid code of ``activity``: shown now or in the window before. A ValidationError on ``code``
    otherwise — forged (the MAC does not match, or a window still to come) or expired."""
    invalid = ValidationError({"code": [_("This sign-in code is not valid: scan the QR code shown at the activity.")]})
    match = CODE.fullmatch(code.strip()) if isinstance(code, str) else None
    if match is None:
        raise invalid
    window, mac = int(match[1]), match[2]
    if not hmac.compare_digest(mac, _mac(activity, window)):
        raise invalid
    now = window_at(moment)
    if window > now:
        raise invalid
    if window < now - 1:
        raise ValidationError({"code": [_("This sign-in code has expired: scan the QR code shown now.")]})
    return window


def round_to_half_hour(hours: Decimal) -> Decimal:
    """Hours to the nearest half hour (a quarter of an hour rounds up)."""
    return (Decimal(hours) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2


def floor_to_half_hour(hours: Decimal) -> Decimal:
    return (Decimal(hours) * 2).quantize(Decimal(1), rounding=ROUND_DOWN) / 2


def proposed_hours(activity, signed_in_at, signed_out_at) -> Decimal:
    """The hours a sign-in and sign-out propose: the time between them within the activity's hours, to the nearest
    half hour, at most 24."""
    start = max(signed_in_at, activity.starts_at)
    end = min(signed_out_at, activity.ends_at)
    if end <= start:
        return Decimal(0)
    seconds = Decimal((end - start).total_seconds())
    return min(round_to_half_hour(seconds / 3600), DAY_HOURS)
