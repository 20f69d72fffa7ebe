"""Forms of the activity pages: an activity, a service record entered by the organiser, and the bulk decision on
records. They validate input; the services write and check again (their refusals land beside the field they name)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import OrganizationChoiceByCode
from orgs.permissions import Action

from ..models import Activity
from ..services import check_activity_year

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.ModelForm):
    """Create (with the organiser's code) or edit an activity; the organiser never changes on an edit."""

    class Meta:
        model = Activity
        fields = ["title", "category", "description", "place", "starts_at", "ends_at", "planned_hours", "places",
                  "status"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        if not editing:
            self.fields["organization"] = OrganizationChoiceByCode(
                user=user, action=Action.MANAGE_VOLUNTEERS, label=_("Organiser (organisation code)"))
            self.order_fields(["organization", "title"])

    def clean_starts_at(self):
        check_activity_year(self.cleaned_data["starts_at"])  # before the model's constraints reach the database
        return self.cleaned_data["starts_at"]

    def clean_ends_at(self):
        check_activity_year(self.cleaned_data["ends_at"])
        return self.cleaned_data["ends_at"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("An activity ends after it starts."))
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.Meta.fields, "organization") if name in self.cleaned_data}


class RecordForm(forms.Form):
    """Hours of one volunteer on one day, entered by the organiser (a volunteer on the activity's list)."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=None)
    date = forms.DateField(label=_("Date of service"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.01, max_value=24, decimal_places=2, max_digits=4)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class DecideForm(forms.Form):
    """Confirm or reject the ticked records (or every pending one) of an activity."""

    step = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    records = forms.TypedMultipleChoiceField(label=_("Records"), coerce=int, required=False, choices=())
    all_pending = forms.BooleanField(label=_("All pending records"), required=False)
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300, required=False)

    def __init__(self, *args, pending_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [(pk, pk) for pk in pending_ids]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("records") and not cleaned.get("all_pending"):
            self.add_error("records", _("Tick the records to decide on, or all pending records."))
        if cleaned.get("step") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why these records are rejected."))
        return cleaned
