"""What every channel is: a name, a label, whom it reaches and how it sends one notification."""
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


class DeliveryError(Exception):
    """A send that failed and may succeed later (a provider's error code, a time-out, a refused connection)."""


@dataclass
class Recipient:
    """What the channels need to know of one user: the account, their preference (or None) and the group robots
    of the organisations where they hold a role, in tree order."""

    user: object
    preference: object = None
    robots: list = field(default_factory=list)

    @property
    def phone(self) -> str:
        return getattr(self.preference, "phone", "") or ""

    def robot(self, channel: str, kind: str):
        """The first of the user's organisations' robots of ``channel`` that posts ``kind``."""
        return next((r for r in self.robots if r.channel == channel and r.posts(kind)), None)


class Channel:
    """A way to deliver a notification outside the portal. Subclasses set ``label`` and implement both methods."""

    name = ""  # set by the registry from settings.NOTIFICATION_CHANNELS
    label = ""
    on_by_default = False  # for kinds a user has not chosen for (e-mail: on)
    needs = ""  # what a user must give for the channel to reach them, shown on the settings page

    def offers(self, kind: str) -> bool:
        """Whether this channel can carry ``kind`` at all (SMS: only kinds with a template); the settings page offers
        only those."""
        return True

    def reaches(self, recipient: Recipient, kind: str) -> bool:
        """Whether this channel has somewhere to send ``kind`` to ``recipient`` (an address, a robot, a template)."""
        raise NotImplementedError

    def send(self, notification, recipient: Recipient) -> str:
        """Send ``notification``; return the provider's message id (or ""), raise DeliveryError on failure."""
        raise NotImplementedError


def link(notification) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""


def markdown(notification) -> str:
    """The notification as Markdown, in the portal's language (what group robots post)."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [f"### {notification.title}"]
        if notification.body:
            parts.append(notification.body)
        if notification.url:
            label = gettext("Open in the portal")
            parts.append(f"[{label}]({link(notification)})")
        return "\n\n".join(parts)


def post_json(url: str, payload: dict, *, params=None, headers=None) -> dict:
    """POST ``payload`` as JSON with a short time-out and return the JSON answer; any failure is a DeliveryError."""
    import requests

    try:
        response = requests.post(url, json=payload, params=params, headers=headers,
                                 timeout=settings.NOTIFICATION_HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except requests.Timeout as error:
        raise DeliveryError(f"timed out after {settings.NOTIFICATION_HTTP_TIMEOUT_SECONDS} s") from error
    except requests.HTTPError as error:  # never the URL itself: a robot's address carries its access token
        raise DeliveryError(f"HTTP {error.response.status_code}") from error
    except requests.RequestException as error:
        raise DeliveryError(error.__class__.__name__) from error
    except ValueError as error:
        raise DeliveryError("the answer is not JSON") from error
