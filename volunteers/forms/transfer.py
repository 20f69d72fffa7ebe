"""Forms of imports, exports and certificates."""
from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import OrganizationChoiceByCode
from orgs.permissions import Action

from ..choices import Platform
from ..models import Activity, VolunteerImport

ACTIVITIES_OFFERED = 300  # the newest activities the caller organises; older ones are matched by 活动名称


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=VolunteerImport.Kind.choices,
                             initial=VolunteerImport.Kind.VOLUNTEERS)
    organization = OrganizationChoiceByCode(label=_("Into organisation (code)"), help_text=_(
        "Rows name organisations and activities in this organisation's subtree; an empty 所属组织 means this one."))
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none(), required=False,
                                      help_text=_("Service records only: every row goes to this activity. Empty: "
                                                  "each row's 活动名称 is matched."))
    platform = forms.ChoiceField(label=_("National platform"), choices=[("", "—"), *Platform.choices], required=False)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = user
        self.fields["organization"].action = Action.MANAGE_VOLUNTEERS
        newest = Activity.objects.restrict(user, Action.MANAGE_VOLUNTEERS).order_by("-starts_at", "-pk")
        self.fields["activity"].queryset = Activity.objects.filter(
            pk__in=list(newest.values_list("pk", flat=True)[:ACTIVITIES_OFFERED])).order_by("-starts_at", "-pk")
