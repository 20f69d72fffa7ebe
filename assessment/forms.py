"""Forms of the assessment pages; they validate input, services write."""
import re
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.choices import Kind, Level
from orgs.forms import OrganizationChoiceByCode
from orgs.permissions import Action
from reports.selectors import fields_at_and_below
from volunteers.choices import VolunteerFigure

from .choices import AdjustmentKind, FieldMode, RuleKind
from .models import POINTS, AssessmentScheme, Indicator


class SchemeForm(forms.ModelForm):
    """考核方案: the group it assesses, grades (thresholds or shares), caps, appeal window, compute day."""

    levels = forms.MultipleChoiceField(label=_("Levels assessed"), choices=Level.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every level."))
    kinds = forms.MultipleChoiceField(label=_("Kinds assessed"), choices=Kind.choices, required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every kind."))
    excellent_from = forms.DecimalField(label=_("优秀 from (points)"), initial=90, min_value=0)
    good_from = forms.DecimalField(label=_("良好 from (points)"), initial=80, min_value=0)
    pass_from = forms.DecimalField(label=_("合格 from (points)"), initial=60, min_value=0)
    excellent_share = forms.DecimalField(label=_("优秀 share (%) when graded by share"), initial=20, min_value=0, max_value=100)
    good_share = forms.DecimalField(label=_("良好 share (%) when graded by share"), initial=30, min_value=0, max_value=100)

    class Meta:
        model = AssessmentScheme
        fields = ["title", "year", "levels", "kinds", "grade_mode", "bonus_cap", "deduction_cap", "appeal_days",
                  "compute_day", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = self.instance
        if scheme.pk:
            for name, key in (("excellent_from", "excellent"), ("good_from", "good"), ("pass_from", "pass")):
                self.fields[name].initial = scheme.thresholds.get(key)
            self.fields["excellent_share"].initial = scheme.shares.get("excellent")
            self.fields["good_share"].initial = scheme.shares.get("good")
        self.fields["compute_day"].validators.append(MaxValueValidator(28))

    def clean(self):
        cleaned = super().clean()
        shares = [cleaned.get("excellent_share") or 0, cleaned.get("good_share") or 0]
        if sum(shares) > 100:
            self.add_error("good_share", _("The shares add up to more than 100 %."))
        return cleaned

    def save(self, commit=True):
        scheme = super().save(commit=False)
        data = self.cleaned_data
        scheme.thresholds = {"excellent": float(data["excellent_from"]), "good": float(data["good_from"]),
                             "pass": float(data["pass_from"])}
        scheme.shares = {"excellent": float(data["excellent_share"]), "good": float(data["good_share"])}
        return scheme


class NewSchemeForm(SchemeForm):
    ready = forms.BooleanField(label=_("Start from the ready scheme (团支部月度考核, 100 points)"), required=False,
                               initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"] = OrganizationChoiceByCode(user=user, action=Action.ASSESS, label=_("Organisation issuing the scheme"))
        self.order_fields(["issuer", "ready"])


def parse_steps(text):
    """“2:10, 1:6” → [[2, 10], [1, 6]]."""
    steps = []
    for part in re.split(r"[,，;；\s]+", (text or "").strip()):
        if not part:
            continue
        at_least, _sep, points = part.replace("：", ":").partition(":")
        try:
            steps.append([float(Decimal(at_least)), float(Decimal(points))])
        except (ArithmeticError, ValueError) as exc:
            raise forms.ValidationError(_("Write the steps as “at least:points”, e.g. 2:10, 1:6.")) from exc
    return steps


class IndicatorForm(forms.ModelForm):
    """An indicator; the rule's parameters are plain fields, gathered into ``params``."""

    field_key = forms.ChoiceField(label=_("Report field"), required=False)
    figure = forms.ChoiceField(label=_("Volunteer figure"), choices=[("", "---------"), *VolunteerFigure.choices],
                               required=False)
    standard_value = forms.DecimalField(label=_("Standard"), required=False, min_value=0)
    mode = forms.ChoiceField(label=_("Counting"), choices=[("", "---------"), *FieldMode.choices], required=False)
    steps = forms.CharField(label=_("Steps"), required=False, help_text=_("“at least:points”, e.g. 2:10, 1:6"))
    key_weight = forms.DecimalField(label=_("Weight of 重点 points"), required=False, min_value=0, initial=1)
    against_expected = forms.BooleanField(label=_("Against time-based expected progress"), required=False)
    none_zero = forms.BooleanField(label=_("No points when nothing is assigned"), required=False)
    submitted = forms.DecimalField(label=_("Points for submitting"), required=False, min_value=0)
    on_time = forms.DecimalField(label=_("Points for being on time"), required=False, min_value=0)
    approved = forms.DecimalField(label=_("Points for approval"), required=False, min_value=0)
    per_day_late = forms.DecimalField(label=_("Deduction per day late"), required=False, min_value=0)

    class Meta:
        model = Indicator
        fields = ["parent", "name", "max_points", "rule", "standard", "order"]
        widgets = {"standard": forms.Textarea(attrs={"rows": 2})}

    SHOWN_FOR = {
        RuleKind.TARGETS: ["key_weight", "against_expected", "none_zero"],
        RuleKind.REPORTING: ["submitted", "on_time", "approved", "per_day_late"],
        RuleKind.REPORT_FIELD: ["field_key"],
        RuleKind.VOLUNTEERS: ["figure"],
    }
    AGAINST_STANDARD = ["standard_value", "mode", "steps"]  # shown for both rules above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule, names in self.SHOWN_FOR.items():
            for name in names:
                self.fields[name].widget.attrs["data-shown-when"] = f"rule={rule}"
        for name in self.AGAINST_STANDARD:
            self.fields[name].widget.attrs["data-shown-when"] = f"rule={RuleKind.REPORT_FIELD},{RuleKind.VOLUNTEERS}"
        scheme = self.instance.scheme
        # the report fields used at, above and below the issuer
        known = [(f.key, f"{f.label} ({f.key})") for f in fields_at_and_below(scheme.organization)]
        current = (self.instance.params or {}).get("field")
        if current and current not in dict(known):
            known.append((current, current))
        self.fields["field_key"].choices = [("", "---------"), *known]
        self.fields["parent"].queryset = scheme.indicators.filter(parent=None).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("— none: this is a 一级指标 —")
        params = self.instance.params or {}
        for name, key in (("field_key", "field"), ("figure", "figure"), ("standard_value", "standard"), ("mode", "mode"),
                          ("key_weight", "key_weight"), ("against_expected", "against_expected"),
                          ("submitted", "submitted"), ("on_time", "on_time"), ("approved", "approved"),
                          ("per_day_late", "per_day_late")):
            if key in params:
                self.fields[name].initial = params[key]
        self.fields["none_zero"].initial = params.get("none") == "zero"
        if params.get("steps"):
            self.fields["steps"].initial = ", ".join(f"{a:g}:{b:g}" for a, b in params["steps"])

    def clean_steps(self):
        return parse_steps(self.cleaned_data["steps"])

    def save(self, commit=True):
        indicator = super().save(commit=False)
        data, rule = self.cleaned_data, self.cleaned_data.get("rule")
        params = {}
        if rule == RuleKind.TARGETS:
            params = {"key_weight": float(data["key_weight"] or 1), "against_expected": data["against_expected"]}
            if data["none_zero"]:
                params["none"] = "zero"
        elif rule == RuleKind.REPORTING:
            params = {k: float(data[k] or 0) for k in ("submitted", "on_time", "approved", "per_day_late")}
        elif rule in (RuleKind.REPORT_FIELD, RuleKind.VOLUNTEERS):
            params = {"mode": data["mode"] or FieldMode.FULL}
            if rule == RuleKind.REPORT_FIELD:
                params["field"] = data["field_key"].strip()
            else:
                params["figure"] = data["figure"]
            if data["standard_value"] is not None:
                params["standard"] = float(data["standard_value"])
            if data["steps"]:
                params["steps"] = data["steps"]
        indicator.params = params
        return indicator


class ManualPointsForm(forms.Form):
    def __init__(self, *args, scheme, user, **kwargs):
        super().__init__(*args, **kwargs)
        # the picker offers the organisations below the issuer; the service checks the scheme's group
        self.fields["organization"] = OrganizationChoiceByCode(user=user, action=Action.VIEW, within=scheme.organization,
                                                               label=_("Organisation"))
        self.fields["indicator"] = forms.ModelChoiceField(label=_("Indicator"),
                                                          queryset=scheme.indicators.filter(rule=RuleKind.MANUAL))
        self.fields["points"] = forms.DecimalField(label=_("Points"), min_value=0)
        self.fields["comment"] = forms.CharField(label=_("Comment"), max_length=500)


class AdjustmentForm(forms.Form):
    def __init__(self, *args, scheme, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoiceByCode(user=user, action=Action.VIEW, within=scheme.organization,
                                                               label=_("Organisation"))
        self.fields["kind"] = forms.ChoiceField(label=pgettext_lazy("bonus or deduction", "Kind"), choices=AdjustmentKind.choices)
        self.fields["points"] = forms.DecimalField(label=_("Points"), min_value=Decimal("0.01"), **POINTS)
        self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=500)
