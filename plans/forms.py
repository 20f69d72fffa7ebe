"""Forms of the plans pages; they validate input, services write."""
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import validate_evidence

from .choices import PointStatus
from .models import Plan, Target, WorkPoint


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the interface language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "year", "status", "yellow_threshold", "red_threshold"]


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
        fields = ["metric", "comparator", "value", "unit", "baseline", "deadline", "aggregation", "progress_rule",
                  "volunteer_figure"]
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
        if self.assignment.target_id and self.assignment.target.is_bound:
            raise forms.ValidationError(_("This target fills itself from the volunteer statistics (%(figure)s); "
                                          "progress cannot be entered by hand.")
                                        % {"figure": self.assignment.target.get_volunteer_figure_display()})
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

    Returns (sections, errors). Field names: s{i}-title, s{i}-p{j}-title, s{i}-p{j}-t{k}-value …; a point's
    s{i}-p{j}-section names the section (its index) it moves to, after that section's own points. Targets added on
    the page are more s{i}-p{j}-t{k} fields with the count raised.
    """
    from core.spreadsheets import parse_amount

    def count(name):
        try:
            return min(int(post.get(name, 0)), 500)
        except ValueError:
            return 0

    def kept(name, prefix):
        """(index, field prefix) of each item the user kept of the list whose length ``name`` holds."""
        for index in range(count(name)):
            if post.get(f"{prefix}{index}-keep"):
                yield index, f"{prefix}{index}"

    sections, errors, moved = {}, [], []
    for i, s in kept("sections", "s"):
        section = {"number": post.get(f"{s}-number", "")[:10], "title": post.get(f"{s}-title", "").strip()[:300],
                   "groups": [{"number": n, "title": post.get(f"{s}-g-{n}", "")[:300]}
                              for n in post.getlist(f"{s}-groups")], "points": []}
        if not section["title"]:
            errors.append(_("Section %(number)s needs a title.") % {"number": section["number"] or i + 1})
        for j, p in kept(f"{s}-points", f"{s}-p"):
            point = {"number": post.get(f"{p}-number", "")[:10], "title": post.get(f"{p}-title", "").strip()[:500],
                     "text": post.get(f"{p}-text", ""), "group": post.get(f"{p}-group") or None, "targets": []}
            if not point["title"]:
                errors.append(_("Point %(number)s needs a title.") % {"number": point["number"] or j + 1})
            for _k, t in kept(f"{p}-targets", f"{p}-t"):
                if not post.get(f"{t}-metric", "").strip() and not post.get(f"{t}-value", "").strip():
                    continue  # a row added on the page and left empty
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
            destination = post.get(f"{p}-section", "")
            if destination.isdigit() and int(destination) != i:
                point["group"] = None  # groups (（一）…) belong to their section
                moved.append((int(destination), point))
            else:
                section["points"].append(point)
        sections[i] = section
    for destination, point in moved:  # a point moved to another section follows it (and is left out with it)
        if destination in sections:
            sections[destination]["points"].append(point)
    sections = list(sections.values())
    if not sections:
        errors.append(_("Keep at least one section."))
    return sections, errors


