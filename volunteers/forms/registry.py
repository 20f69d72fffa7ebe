"""Forms of the registry pages: registering and editing volunteers, moving them, leaving, the reveal and the
star scale. Document numbers and mobiles are checked again by the services (check_identity), whose refusals
the pages put beside the field they name (core.forms.add_errors)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import OrganizationChoiceByCode
from orgs.permissions import Action

from ..choices import Gender, IdType
from ..models import StarScale, Volunteer
from ..services import STAR_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERSONAL = ("name", "gender", "birth_date", "political_status", "registered_on", "platform", "platform_number",
            "skills", "tags", "guardian_consent", "guardian_name")


class VolunteerForm(forms.ModelForm):
    """Register (with an organisation) or edit a volunteer. On an edit the document number and mobile are
    typed only to change them: the stored ones are never put back into the page."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Document number"), max_length=40)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", _("From the ID number")), *Gender.choices],
                               required=False)

    class Meta:
        model = Volunteer
        fields = ["name", "id_type", "gender", "birth_date", "political_status", "registered_on", "platform",
                  "platform_number", "skills", "tags", "guardian_consent", "guardian_name"]
        widgets = {"birth_date": DATE, "registered_on": DATE}

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=Volunteer._meta.get_field("status").choices)
            self.fields["status"].initial = self.instance.status
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("Stored as %(masked)s; type a number only to change it.") % {
                "masked": self.instance.id_number_masked or "—"}
            self.fields["mobile"].help_text = _("Stored as %(masked)s; type a number only to change it.") % {
                "masked": self.instance.mobile_masked or "—"}
        else:
            self.fields["organization"] = OrganizationChoiceByCode(
                user=user, action=Action.MANAGE_VOLUNTEERS, label=_("Organisation code"))
            self.order_fields(["organization", "name", "id_type", "id_number", "mobile"])
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("Read from a resident ID number; needed for other documents.")

    def service_fields(self) -> dict:
        """The cleaned data as the services take them."""
        data = {name: self.cleaned_data[name] for name in PERSONAL if name in self.cleaned_data}
        data["gender"] = data.get("gender") or None
        data["id_type"] = self.cleaned_data["id_type"]
        if self.editing:
            data["status"] = self.cleaned_data["status"]
            if not data["gender"]:
                data.pop("gender")
            # None leaves a number as it is
            data["id_number"] = self.cleaned_data["id_number"].strip() or None
            data["mobile"] = self.cleaned_data["mobile"].strip() or None
        else:
            data["organization"] = self.cleaned_data["organization"]
            data["id_number"] = self.cleaned_data["id_number"]
            data["mobile"] = self.cleaned_data["mobile"].strip()
        return data


class VolunteerMoveForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"] = OrganizationChoiceByCode(user=user, action=Action.MANAGE_VOLUNTEERS,
                                                     label=_("New organisation (code)"))
        self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=300)


class LeaveForm(forms.Form):
    """Mark a volunteer as left, or remove what identifies them (anonymise), each with a confirmation."""

    step = forms.ChoiceField(choices=[("leave", _("Mark as left")), ("anonymise", _("Anonymise"))],
                             widget=forms.HiddenInput)
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DATE)
    confirm = forms.BooleanField(label=_("I have checked: this cannot be undone."))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see this volunteer's personal data?"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class StarScaleForm(forms.ModelForm):
    class Meta:
        model = StarScale
        fields = list(STAR_FIELDS)

    def thresholds(self):
        return [self.cleaned_data[name] for name in STAR_FIELDS]
