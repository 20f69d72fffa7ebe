"""Forms of the notification settings: a user's channels by kind and mobile number, an organisation's group robots."""
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import channels, kinds

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    if value and not MOBILE.match(value):
        raise ValidationError(_("Enter a mainland mobile number of 11 digits."), code="mobile")
    return value


def validate_webhook(channel: str, url: str) -> str:
    """A robot's webhook: https (http only for a test host) on one of the provider's hosts in settings."""
    parts = urlsplit(url or "")
    hosts = settings.NOTIFICATION_ROBOT_HOSTS.get(channel, [])
    if parts.hostname not in hosts or parts.scheme not in ("https", "http") \
            or (parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost")):
        raise ValidationError(_("The address must be the robot's webhook on %(hosts)s.") % {"hosts": ", ".join(hosts)},
                              code="webhook")
    return url


def cell(channel_name: str, kind: str) -> str:
    return f"{channel_name}__{kind}"


class PreferenceForm(forms.Form):
    """A tick per channel and kind, and the mobile number SMS and 钉钉 mentions go to."""

    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            help_text=_("For SMS, and to mention you in DingTalk groups. Stored encrypted."))

    def __init__(self, *args, chosen: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = channels.all_channels()
        self.kinds = kinds.choices()
        for channel in self.channels:
            for code, label in self.kinds:
                self.fields[cell(channel.name, code)] = forms.BooleanField(
                    label=f"{channel.label} · {label}", required=False, initial=code in chosen.get(channel.name, []))

    def clean_phone(self):
        return validate_mobile(self.cleaned_data["phone"])

    def rows(self):
        """(kind label, [bound field per channel, None where the channel cannot carry the kind]) for the table."""
        return [(label, [self[cell(channel.name, code)] if channel.offers(code) else None for channel in self.channels])
                for code, label in self.kinds]

    def channels_by_kind(self) -> dict:
        return {channel.name: [code for code, _label in self.kinds
                               if channel.offers(code) and self.cleaned_data.get(cell(channel.name, code))]
                for channel in self.channels}


class RobotForm(forms.Form):
    """One group robot of an organisation; empty address and secret keep the stored ones."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    webhook = forms.CharField(label=_("Webhook address"), required=False, max_length=500,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    secret = forms.CharField(label=_("Signing secret"), required=False, max_length=200,
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    kinds = forms.MultipleChoiceField(label=_("Kinds it posts"), required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("None ticked: every kind."))
    remove = forms.BooleanField(label=_("Remove this robot"), required=False)

    def __init__(self, *args, channel: str, stored=None, **kwargs):
        super().__init__(*args, prefix=channel, **kwargs)
        self.channel, self.stored = channel, stored
        self.fields["kinds"].choices = kinds.choices()
        if stored is not None:
            self.fields["enabled"].initial, self.fields["kinds"].initial = stored.enabled, stored.kinds
            self.fields["webhook"].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                "masked": masked(stored.webhook)}
            if stored.secret:
                self.fields["secret"].help_text = _("A secret is stored. Leave empty to keep it.")
        if channel != "dingtalk":
            del self.fields["secret"]
        if stored is None:
            del self.fields["remove"]

    def clean_webhook(self):
        url = self.cleaned_data["webhook"].strip()
        if not url:
            if self.stored is None:
                raise ValidationError(_("Enter the robot's webhook address."), code="required")
            return None
        return validate_webhook(self.channel, url)


def masked(secret: str) -> str:
    """Enough of a stored credential to recognise it, never enough to use it: the host and the last 4 characters."""
    if not secret:
        return ""
    host = urlsplit(secret).hostname or ""
    return f"{host}/…{secret[-4:]}" if host else f"…{secret[-4:]}"
