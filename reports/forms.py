"""Forms of the report settings pages: who reports to an organisation, and the fields of its reports."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.choices import Kind, Level
from orgs.forms import OrganizationsByCode
from orgs.permissions import Action

from .models import ReportField, ReportingRule


class ReportingRuleForm(forms.ModelForm):
    """Who reports to the organisation: levels and kinds (none ticked: all), due day, exceptions by code."""

    levels = forms.MultipleChoiceField(label=_("Levels"), choices=Level.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every level."))
    kinds = forms.MultipleChoiceField(label=pgettext_lazy("organisation", "Kinds"), choices=Kind.choices, required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every kind."))
    exception_codes = OrganizationsByCode(label=_("Exceptions"), required=False, action=Action.VIEW, help_text=_(
        "Organisations below that do not report: type a part of a name or a code (without JavaScript: codes "
        "separated by spaces)."))

    class Meta:
        model = ReportingRule
        fields = ["levels", "kinds", "due_day", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # exceptions lie below the receiving organisation (services.save_rule checks it again)
        exceptions = self.fields["exception_codes"]
        exceptions.within = self.instance.organization
        exceptions.user = user
        if self.instance.pk:
            exceptions.initial = " ".join(o.code for o in self.instance.exceptions.order_by("path"))


class ReportFieldForm(forms.ModelForm):
    class Meta:
        model = ReportField
        fields = ["key", "label", "field_type", "required", "minimum", "maximum", "help_text", "order"]
        help_texts = {"key": _("Letters, digits, - and _; used by the API and in exports.")}
