"""Forms of the plans pages; they validate input, services write."""
import re
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.choices import Kind, Level
from orgs.forms import OrganizationChoiceByCode
from orgs.models import Organization
from orgs.permissions import Action

from .choices import AdjustmentKind, FieldMode, PointStatus, RuleKind
from .models import AssessmentScheme, Indicator, Plan, ReportField, ReportingRule, Target, WorkPoint
from .models.assessment import POINTS
from .validators import validate_evidence


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the interface language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "year", "status", "yellow_threshold", "red_threshold"]

    def clean(self):
        cleaned = super().clean()
        yellow, red = cleaned.get("yellow_threshold"), cleaned.get("red_threshold")
        if yellow is not None and red is not None and yellow > red:
            self.add_error("red_threshold", _("The red threshold must not be below the yellow one."))
        return cleaned


class SectionForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=10, required=False, help_text=_("e.g. 一"))
    title = forms.CharField(label=_("Title"), max_length=300)


GROUP_HEADING = re.compile(r"^[（(]\s*([一二三四五六七八九十百零〇]+)\s*[）)]\s*(.+)$")
TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


class WorkPointForm(forms.ModelForm):
    new_group = forms.CharField(
        label=_("New group"), max_length=300, required=False,
        help_text=_("Instead of choosing a group, name a new one, e.g. （一）强化思想引领."),
    )
    tags_text = forms.CharField(label=_("Tags"), max_length=300, required=False,
                                help_text=_("Separated by commas, e.g. 青年大学习, 宣讲"))

    class Meta:
        model = WorkPoint
        fields = ["number", "title", "group", "new_group", "text", "lead_department", "responsible_person", "deadline",
                  "is_key", "status", "tags_text"]
        widgets = {"deadline": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organization, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = organization.departments.all()
        self.fields["group"].queryset = section.groups.all()
        if self.instance.pk:
            self.fields["tags_text"].initial = "、".join(self.instance.tags)

    def clean(self):
        cleaned = super().clean()
        heading = cleaned.pop("new_group", "").strip()
        if heading:
            match = GROUP_HEADING.match(heading)
            cleaned["new_group"] = (match.group(1), match.group(2).strip()) if match else ("", heading)
        cleaned["tags"] = [t for t in TAG_SEPARATORS.split(cleaned.pop("tags_text", "") or "") if t][:20]
        return cleaned


class TargetForm(forms.ModelForm):
    value = forms.DecimalField(label=_("Value"), min_value=Decimal(0), max_digits=16, decimal_places=4)

    class Meta:
        model = Target
        fields = ["metric", "comparator", "value", "unit", "baseline", "deadline", "aggregation", "progress_rule"]
        widgets = {"deadline": DateInput()}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each checked by validate_evidence."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        cleaned = [super(EvidenceField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            validate_evidence(upload)
        return cleaned


class ProgressForm(forms.Form):
    """A progress entry: a cumulative figure for a target, a status for a qualitative point."""

    reported_on = forms.DateField(label=_("As of"), widget=DateInput())
    value = forms.DecimalField(label=_("Cumulative figure"), min_value=Decimal(0), max_digits=16, decimal_places=4, required=False)
    numerator = forms.DecimalField(label=_("Numerator"), min_value=Decimal(0), max_digits=16, decimal_places=4, required=False)
    denominator = forms.DecimalField(label=_("Denominator"), min_value=Decimal("0.0001"), max_digits=16, decimal_places=4, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *PointStatus.choices], required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    files = EvidenceField(label=_("Evidence (photos, PDF, office documents)"))

    def __init__(self, *args, assignment, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reported_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if assignment.target_id:
            del self.fields["status"]
            if assignment.target.unit != "%":
                del self.fields["numerator"], self.fields["denominator"]
        else:
            for name in ("value", "numerator", "denominator"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if self.assignment.target_id:
            has_ratio = cleaned.get("numerator") is not None and cleaned.get("denominator")
            if cleaned.get("value") is None and not has_ratio:
                self.add_error("value", _("Enter the cumulative figure."))
        elif not cleaned.get("status"):
            self.add_error("status", _("Choose the status of the work point."))
        return cleaned


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class DocumentForm(forms.Form):
    text = forms.CharField(label=_("Paste the document"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
    file = forms.FileField(label=_("or upload it (.txt or .docx, up to 5 MB)"), required=False)

    def clean(self):
        from core.uploads import UploadRejected

        from .validators import read_plan_document

        cleaned = super().clean()
        try:
            cleaned["document"] = read_plan_document(text=cleaned.get("text"), upload=cleaned.get("file"))
        except UploadRejected as exc:
            self.add_error("file", exc.message)
        return cleaned


def structure_from_post(post):
    """The reviewed structure from the import page's fields; ticked-off items are left out.

    Returns (sections, errors). Field names: s{i}-title, s{i}-p{j}-title, s{i}-p{j}-t{k}-value …
    """
    from core.spreadsheets import parse_amount

    def count(name):
        try:
            return min(int(post.get(name, 0)), 500)
        except ValueError:
            return 0

    sections, errors = [], []
    for i in range(count("sections")):
        s = f"s{i}"
        if not post.get(f"{s}-keep"):
            continue
        section = {"number": post.get(f"{s}-number", "")[:10], "title": post.get(f"{s}-title", "").strip()[:300],
                   "groups": [{"number": n, "title": post.get(f"{s}-g-{n}", "")[:300]}
                              for n in post.getlist(f"{s}-groups")], "points": []}
        if not section["title"]:
            errors.append(_("Section %(number)s needs a title.") % {"number": section["number"] or i + 1})
        for j in range(count(f"{s}-points")):
            p = f"{s}-p{j}"
            if not post.get(f"{p}-keep"):
                continue
            point = {"number": post.get(f"{p}-number", "")[:10], "title": post.get(f"{p}-title", "").strip()[:500],
                     "text": post.get(f"{p}-text", ""), "group": post.get(f"{p}-group") or None, "targets": []}
            if not point["title"]:
                errors.append(_("Point %(number)s needs a title.") % {"number": point["number"] or j + 1})
            for k in range(count(f"{p}-targets")):
                t = f"{p}-t{k}"
                if not post.get(f"{t}-keep"):
                    continue
                value, message = parse_amount(post.get(f"{t}-value", "").strip())
                if message or value is None:
                    errors.append(_("Target “%(metric)s”: the value must be a number of at least 0.") % {"metric": post.get(f"{t}-metric", "")})
                    continue
                point["targets"].append({
                    "metric": post.get(f"{t}-metric", "").strip()[:200] or _("target"),
                    "comparator": post.get(f"{t}-comparator") if post.get(f"{t}-comparator") in (">=", "<=", "=") else ">=",
                    "value": value, "unit": post.get(f"{t}-unit", "").strip()[:20],
                    "deadline": post.get(f"{t}-deadline") or None, "text": post.get(f"{t}-text", ""),
                })
            section["points"].append(point)
        sections.append(section)
    if not sections:
        errors.append(_("Keep at least one section."))
    return sections, errors


class ReportingRuleForm(forms.ModelForm):
    """Who reports to the organisation: levels and kinds (none ticked: all), due day, exceptions by code."""

    levels = forms.MultipleChoiceField(label=_("Levels"), choices=Level.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("None selected: every level."))
    kinds = forms.MultipleChoiceField(label=_("Kinds"), choices=Kind.choices, required=False,
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
        RuleKind.REPORT_FIELD: ["field_key", "standard_value", "mode", "steps"],
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule, names in self.SHOWN_FOR.items():
            for name in names:
                self.fields[name].widget.attrs["data-shown-when"] = f"rule={rule}"
        scheme = self.instance.scheme
        from .report_sheets import fields_at_and_below  # the report fields used at, above and below the issuer

        known = [(f.key, f"{f.label} ({f.key})") for f in fields_at_and_below(scheme.organization)]
        current = (self.instance.params or {}).get("field")
        if current and current not in dict(known):
            known.append((current, current))
        self.fields["field_key"].choices = [("", "---------"), *known]
        self.fields["parent"].queryset = scheme.indicators.filter(parent=None).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("— none: this is a 一级指标 —")
        params = self.instance.params or {}
        for name, key in (("field_key", "field"), ("standard_value", "standard"), ("mode", "mode"),
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
        elif rule == RuleKind.REPORT_FIELD:
            params = {"field": data["field_key"].strip(), "mode": data["mode"] or FieldMode.FULL}
            if data["standard_value"] is not None:
                params["standard"] = float(data["standard_value"])
            if data["steps"]:
                params["steps"] = data["steps"]
        indicator.params = params
        return indicator


class ManualPointsForm(forms.Form):
    def __init__(self, *args, scheme, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoiceByCode(user=user, action=Action.VIEW, label=_("Organisation code"))
        self.fields["indicator"] = forms.ModelChoiceField(label=_("Indicator"),
                                                          queryset=scheme.indicators.filter(rule=RuleKind.MANUAL))
        self.fields["points"] = forms.DecimalField(label=_("Points"), min_value=0)
        self.fields["comment"] = forms.CharField(label=_("Comment"), max_length=500)


class AdjustmentForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoiceByCode(user=user, action=Action.VIEW, label=_("Organisation code"))
        self.fields["kind"] = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
        self.fields["points"] = forms.DecimalField(label=_("Points"), min_value=Decimal("0.01"), **POINTS)
        self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=500)
