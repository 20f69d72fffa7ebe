"""Forms of the organisation pages; they validate input, services do the writing."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Department, Organization
from .permissions import Action

User = get_user_model()


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "short_name",
            "code",
            "level",
            "kind",
            "sector",
            "member_count",
            "youth_count",
            "display_order",
            "is_active",
        ]


class OrganizationChoiceByCode(forms.CharField):
    """A text input for an organisation code, resolved among the organisations a user may change."""

    def __init__(self, *args, user=None, action=Action.CHANGE_ORG, **kwargs):
        self.user, self.action = user, action
        super().__init__(*args, max_length=40, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        organization = Organization.objects.restrict(self.user, self.action).filter(code=code).first()
        if organization is None:
            raise forms.ValidationError(_("No organisation with the code “%(code)s” in your organisations."), params={"code": code})
        return organization


class MoveForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = OrganizationChoiceByCode(
            user=user, label=_("New parent (organisation code)"), help_text=_("The subtree moves under this organisation.")
        )
        self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=500, required=False)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "display_order"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class RoleForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoiceByCode(
            user=user, action=Action.MANAGE_USERS, label=_("Organisation code")
        )
        self.fields["role"] = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class UserCreateForm(RoleForm):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150)
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=8)

    field_order = ["username", "first_name", "email", "password", "organization", "role"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            candidate = User(username=cleaned.get("username", ""), first_name=cleaned.get("first_name", ""))
            try:
                validate_password(cleaned["password"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class AccountForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, required=False, help_text=_("Leave empty to keep it.")
    )

    class Meta:
        model = User
        fields = ["first_name", "email", "is_active"]

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password")
        if password:
            validate_password(password, self.instance)
        return password
