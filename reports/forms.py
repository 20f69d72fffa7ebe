"""Forms of the report settings pages: who reports to an organisation, and the fields of its reports."""
import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.choices import Kind, Level
from orgs.models import Organization

from .models import ReportField, ReportingRule


class ReportingRuleForm(forms.ModelForm):
    """Who reports to the organisation: levels and kinds (none ticked: all), due day, exceptions by code."""

    levels = forms.MultipleChoiceField(label=_("Levels"), choices=Level.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every level."))
    kinds = forms.MultipleChoiceField(label=pgettext_lazy("organisation", "Kinds"), choices=Kind.choices, required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every kind."))
    exception_codes = forms.CharField(label=_("Exceptions (organisation codes)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Organisations below that do not report, separated by spaces or commas."))

    class Meta:
        model = ReportingRule
        fields = ["levels", "kinds", "due_day", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["exception_codes"].initial = " ".join(o.code for o in self.instance.exceptions.all())

    def clean_exception_codes(self):
        codes = [c for c in re.split(r"[\s,，;；]+", self.cleaned_data["exception_codes"]) if c]
        found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown organisation codes: %(codes)s"), params={"codes": " ".join(unknown)})
        return list(found.values())


class ReportFieldForm(forms.ModelForm):
    class Meta:
        model = ReportField
        fields = ["key", "label", "field_type", "required", "minimum", "maximum", "help_text", "order"]
        help_texts = {"key": _("Letters, digits, - and _; used by the API and in exports.")}
