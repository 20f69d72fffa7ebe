"""Form widgets that find an organisation or an account by typing (static/js/pickers.js, with tom-select).

A picker is a text input holding the organisation's code (or the user name): without JavaScript it is the plain
field it always was, and the form checks what was typed. pickers.js turns it into a search box that asks the
scoped search endpoint (``orgs:organization_search``, ``orgs:user_search``) as one types. The page carries only
the option chosen — never the tens of thousands an organisation tree holds — and its label is looked up among
the organisations the field accepts, so a code typed from outside the caller's reach is never named back.
"""
import json
import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import Action


class OrganizationPicker(forms.TextInput):
    """An organisation code; with JavaScript a remote-loading picker of the organisations ``queryset`` holds.

    ``purpose`` is the action the field serves (a permission action: ``view``, ``change_org``, ``manage_users``,
    ``assess`` …): the search offers what ``restrict(user, purpose)`` lets through, as the field accepts. ``within``
    (an organisation) narrows both to the subtree below it; ``exclude`` leaves one's own subtree out."""

    picker = "org"
    url_name = "orgs:organization_search"
    texts = {
        "placeholder": _("Type a name, short name or code to search"),
        "data-no-results": _("No matching organisation"),
        "data-loading": _("Searching…"),
        "data-failed": _("The search failed; try again."),
    }

    def __init__(self, attrs=None, *, purpose=Action.VIEW, queryset=None, within=None, exclude=None, multiple=False):
        super().__init__(attrs)
        self.purpose, self.queryset, self.within, self.exclude = purpose, queryset, within, exclude
        # several organisations: the codes separated by spaces (as typed without JavaScript), several items in the box
        self.multiple = multiple

    def format_value(self, value):
        if self.multiple and (isinstance(value, (list, tuple, set)) or hasattr(value, "values_list")):
            return " ".join(getattr(v, "code", str(v)) for v in value) or None
        return getattr(value, "code", value) or None

    def codes(self, value):
        """The codes ``value`` names: one, or (a multiple picker) every one separated by spaces or commas."""
        text = str(self.format_value(value) or "").strip()
        if not text:
            return []
        return [c for c in re.split(r"[\s,，;；]+", text) if c] if self.multiple else [text]

    def accepted(self):
        """The organisations the field accepts: its own queryset, or a model choice field's (a filter's)."""
        if self.queryset is not None:
            return self.queryset
        return getattr(getattr(self, "choices", None), "queryset", None)

    def selected(self, value):
        """The chosen organisation as the search answers it if the field accepts it, else only what was typed."""
        codes = self.codes(value)
        if not codes:
            return []
        accepted = self.accepted()
        found = ({o["code"]: o for o in accepted.filter(code__in=codes).values("code", "name", "short_name")}
                 if accepted is not None else {})
        return [{**found.get(code, {"code": code, "name": code, "short_name": ""}), "path_label": ""} for code in codes]

    def picker_attrs(self, value):
        attrs = {"data-picker": self.picker, "data-url": reverse(self.url_name), "data-purpose": self.purpose,
                 "autocomplete": "off", "data-selected": json.dumps(self.selected(value), ensure_ascii=False)}
        if self.multiple:
            attrs["data-multiple"] = "true"
        if self.within is not None:
            attrs["data-within"] = self.within.code
        if self.exclude is not None:
            attrs["data-exclude"] = self.exclude.code
        return {**attrs, **{name: str(text) for name, text in self.texts.items()}}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"] = {**self.picker_attrs(value), **context["widget"]["attrs"]}
        return context


class UserPicker(OrganizationPicker):
    """A user name; with JavaScript a remote-loading picker of the accounts ``queryset`` holds (``purpose``:
    ``view``, the accounts one sees, or ``grant``, those one may give a role to)."""

    picker = "user"
    url_name = "orgs:user_search"
    texts = {**OrganizationPicker.texts, "placeholder": _("Type a user name or name to search"),
             "data-no-results": _("No matching user")}

    def __init__(self, attrs=None, *, purpose="view", queryset=None):
        super().__init__(attrs, purpose=purpose, queryset=queryset)

    def format_value(self, value):
        return getattr(value, "username", value) or None

    def selected(self, value):
        username = self.format_value(value)
        if not username:
            return []
        username, accepted = str(username).strip(), self.accepted()
        account = accepted.filter(username__iexact=username).values("username", "first_name").first() if accepted is not None else None
        return [{"username": account["username"], "name": account["first_name"]} if account else {"username": username, "name": ""}]
