"""Forms of the organisation pages; they validate input, services do the writing."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from core.dates import MonthField

from .choices import Role
from .models import Department, Organization
from .permissions import Action
from .selectors import picker_organizations, visible_users
from .widgets import OrganizationPicker

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
            "reporting_from",
        ]
        field_classes = {"reporting_from": MonthField}
        widgets = {"reporting_from": forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}, format="%Y-%m")}


class OrganizationChoiceByCode(forms.CharField):
    """An organisation code, resolved among the organisations a user may do ``action`` to (below ``within`` when
    given). Its widget is a picker that searches exactly those; what arrives is checked here all the same, since a
    code can be typed (without JavaScript) or sent by hand. ``user`` and ``action`` may be set after construction
    (a field declared on the form's class): the widget follows."""

    widget = OrganizationPicker

    def __init__(self, *args, user=None, action=Action.CHANGE_ORG, within=None, exclude=None, **kwargs):
        super().__init__(*args, max_length=40, **kwargs)
        self.within, self.exclude = within, exclude
        self._user, self.action = user, action

    @property
    def user(self):
        return self._user

    @user.setter
    def user(self, value):
        self._user = value
        self._bind()

    @property
    def action(self):
        return self._action

    @action.setter
    def action(self, value):
        self._action = value
        self._bind()

    @property
    def organizations(self):
        return picker_organizations(self._user, self._action, within=self.within)

    def _bind(self):
        if isinstance(self.widget, OrganizationPicker) and hasattr(self, "_action"):
            widget = self.widget
            widget.purpose, widget.queryset, widget.within, widget.exclude = (
                self._action, self.organizations, self.within, self.exclude)

    def clean(self, value):
        code = super().clean(value)
        if not code and not self.required:
            return None
        code = code.strip()
        organization = self.organizations.filter(code=code).first()
        if organization is None:
            raise forms.ValidationError(_("No organisation with the code “%(code)s” in your organisations."), params={"code": code})
        return organization


class OrganizationsByCode(OrganizationChoiceByCode):
    """Several organisation codes (separated by spaces or commas), each resolved as ``OrganizationChoiceByCode``
    resolves one; its picker holds several items. Cleans to a list of organisations in the order typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = None
        self.validators = []
        self.widget.multiple = True
        self.widget.attrs.pop("maxlength", None)

    def clean(self, value):
        codes = self.widget.codes(forms.CharField.clean(self, value))
        if not codes and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        found = {o.code: o for o in self.organizations.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("No organisation with the code “%(code)s” in your organisations."),
                                        params={"code": " ".join(unknown)})
        return list(dict.fromkeys(found[c] for c in codes))


class OrganizationSwitchForm(forms.Form):
    """The ``?org=`` switcher of a page that shows one organisation's figures (a plan, volunteer statistics, report
    settings): a picker of the organisations the user may do ``action`` to (below ``within`` when given). It only
    renders; the page looks the code up in its own scope, as it always did."""

    def __init__(self, *, user, organization, label, action=Action.VIEW, within=None, name="org", css="form-control-sm"):
        code = getattr(organization, "code", organization) or ""
        super().__init__(initial={name: code})
        field = self.fields[name] = OrganizationChoiceByCode(user=user, action=action, within=within, label=label,
                                                             required=False)
        field.widget.attrs.update({"class": f"form-control {css}".strip(), "id": "switch-org" if name == "org" else name})
        self.field = self[name]


class MoveForm(forms.Form):
    def __init__(self, *args, user, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = OrganizationChoiceByCode(
            user=user, label=_("New parent"), exclude=organization,
            help_text=_("The subtree moves under this organisation: type a part of its name or its code.")
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
            user=user, action=Action.MANAGE_USERS, label=_("Organisation")
        )
        self.fields["role"] = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class BulkRoleForm(RoleForm):
    """The users list's bulk action: the ticked accounts (ids among the accounts the admin sees), a role and an
    organisation. An id the admin does not see is an invalid choice: the whole request is refused."""

    selected = forms.Field(label=_("Accounts"), widget=forms.MultipleHiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.visible = visible_users(user)
        self.fields["organization"].widget.attrs.update({"class": "form-control form-control-sm",
                                                         "id": "bulk-organization"})

    def clean_selected(self):
        ids = set()
        for value in self.cleaned_data.get("selected") or []:
            if not str(value).isdigit():
                raise forms.ValidationError(_("“%(value)s” is not an account.") % {"value": value})
            ids.add(int(value))
        if not ids:
            raise forms.ValidationError(_("Tick at least one account."))
        accounts = list(self.visible.filter(pk__in=ids))
        unknown = ids - {a.pk for a in accounts}
        if unknown:
            raise forms.ValidationError(
                _("%(n)s of the ticked accounts are not among the accounts you manage (ids %(ids)s); nothing was "
                  "granted.") % {"n": len(unknown), "ids": ", ".join(str(i) for i in sorted(unknown))})
        return accounts


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
        labels = {"first_name": _("Full name")}  # as on the form that creates the account (not Django's 名字)

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password")
        if password:
            validate_password(password, self.instance)
        return password
