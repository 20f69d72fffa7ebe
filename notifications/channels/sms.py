"""SMS through a provider (an ``SmsProvider``), with a template per kind of notification.

Chinese SMS gateways send only templates approved beforehand with a signature (签名): settings.NOTIFICATION_SMS_TEMPLATES
names the template of each kind and which of the kind's title values fill it; a kind without one is not sent by SMS
(unless a "*" template takes the title). ``HttpSmsProvider`` speaks a generic JSON gateway; a provider's own API is
a subclass named in settings.NOTIFICATION_SMS["provider"].
"""
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .base import Channel, DeliveryError, post_json


class SmsProvider:
    """Sends one templated SMS; returns the provider's message id, raises DeliveryError on failure."""

    def send(self, phone: str, template: str, params: dict) -> str:
        raise NotImplementedError


class HttpSmsProvider(SmsProvider):
    """A gateway taking POST {"phone", "template", "params", "sign_name"} with a bearer token and answering
    {"code": "OK", "message_id": …}; any other code is a failure."""

    def send(self, phone, template, params):
        config = settings.NOTIFICATION_SMS
        if not config.get("url"):
            raise DeliveryError("no SMS gateway configured (NOTIFICATION_SMS_URL)")
        answer = post_json(config["url"], {"phone": phone, "template": template, "params": params,
                                           "sign_name": config.get("sign_name", "")},
                           headers={"Authorization": f"Bearer {config.get('token', '')}"})
        if answer.get("code") != "OK":
            raise DeliveryError(f"code {answer.get('code')}: {str(answer.get('message', ''))[:200]}")
        return str(answer.get("message_id", "") or "")


def template_for(kind: str) -> dict | None:
    templates = settings.NOTIFICATION_SMS_TEMPLATES
    return templates.get(kind) or templates.get("*")


def template_params(notification, template: dict) -> dict:
    """The values of the template's parameters, from the notification's title values (the title for "*")."""
    values = (notification.title_source or {}).get("params") or {}
    names = template.get("params") or []
    if not names:
        return {"title": notification.title}
    return {name: str(values.get(name, "")) for name in names}


class SmsChannel(Channel):
    label = _("SMS")
    needs = _("a mobile number below")

    def provider(self) -> SmsProvider:
        return import_string(settings.NOTIFICATION_SMS["provider"])()

    def offers(self, kind):
        return template_for(kind) is not None

    def reaches(self, recipient, kind):
        return bool(recipient.phone) and template_for(kind) is not None

    def send(self, notification, recipient):
        template = template_for(notification.kind)
        if template is None or not recipient.phone:
            raise DeliveryError("no template for this kind or no mobile number any more")
        return self.provider().send(recipient.phone, template["template"], template_params(notification, template))
