"""Pages of the volunteer registry: the list (filters, search, sorting, page size, export), registering and
editing, a volunteer's page with its history and star, moving, leaving and anonymising, the logged reveal of
personal data, its audit trail, and the star scale of a province or city.

Personal data is shown masked everywhere; the reveal page is the one place that shows it in clear, once, for an
administrator of the volunteer's organisation or above who gave a reason (services.reveal_personal_data).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.forms import add_errors, edit_page
from core.pagination import paginate
from core.spreadsheets import XLSX_CONTENT_TYPE, Column, write_large_xlsx
from core.tables import list_response
from orgs.models import Organization
from orgs.permissions import Action, can, get_visible_or_404, has_any, organizations_held, require_any

from .. import services
from ..choices import VolunteerStatus
from ..filtersets import UnmaskEventFilterSet, VolunteerFilterSet
from ..forms.registry import LeaveForm, RevealForm, StarScaleForm, VolunteerForm, VolunteerMoveForm
from ..models import Activity, Signup, StarScale, UnmaskEvent, Volunteer
from ..stars import hours_to_next_star, scale_for
from ..tables import VolunteerTable


def _filtered(request):
    """The filterset of the list and the volunteers it keeps (none for invalid filters: the form says why)."""
    volunteers = Volunteer.objects.restrict(request.user).select_related("organization")
    filterset = VolunteerFilterSet(request.GET or None, queryset=volunteers, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, volunteers.none()
    return filterset, filterset.qs


def _scale_organizations(user):
    """The provinces and cities whose star scale ``user`` sets (administrators there)."""
    return [o for o in organizations_held(user, Action.CHANGE_ORG) if o.level in services.SCALE_LEVELS]


@login_required
def volunteer_list(request):
    filterset, volunteers = _filtered(request)
    return list_response(request, VolunteerTable(volunteers), export=_volunteer_workbook, render_page=lambda table: render(
        request, "volunteers/volunteer_list.html", {
            **table, "filterset": filterset,
            "can_register": has_any(request.user, Action.MANAGE_VOLUNTEERS),
            "can_audit": has_any(request.user, Action.UNMASK_PII),
            "scale_organizations": _scale_organizations(request.user),
        }))


def export_columns():
    return [Column(_("Full name"), 12), Column(_("Gender"), 6), Column(_("Document type"), 14),
            Column(_("Document number"), 22), Column(_("Mobile"), 14), Column(_("Organisation code"), 14),
            Column(_("Organisation"), 28), Column(_("Political status"), 12), Column(_("Registration date"), 12),
            Column(_("National platform"), 12), Column(_("Number on the platform"), 16), Column(_("Status"), 8),
            Column(_("Confirmed hours"), 10, "0.00"), Column(_("Star level"), 6)]


def export_rows(volunteers):
    """The rows of the registry export: personal data masked, as everywhere outside the reveal."""
    for v in volunteers.iterator(chunk_size=2000):
        yield (v.name, v.get_gender_display(), v.get_id_type_display(), v.id_number_masked, v.mobile_masked,
               v.organization.code, v.organization.name, v.get_political_status_display(), v.registered_on,
               v.get_platform_display(), v.platform_number, v.get_status_display(), v.confirmed_hours, v.star)


def _volunteer_workbook(volunteers):
    workbook = write_large_xlsx(export_columns(), export_rows(volunteers), sheet_title=_("Volunteers"))
    name = f"volunteers-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(workbook, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


@login_required
def volunteer_export(request):
    """The filtered, sorted registry as .xlsx, streamed (any length); the list's "export this list" (``?export=xlsx``)
    writes the same workbook."""
    filterset, volunteers = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filter is not valid: %(errors)s") % {"errors": filterset.errors.as_text()})
        return redirect("volunteers:volunteer_list")
    return _volunteer_workbook(volunteers)


@login_required
def volunteer_create(request):
    require_any(request.user, Action.MANAGE_VOLUNTEERS)
    form = VolunteerForm(request.POST or None, user=request.user,
                         initial={"registered_on": timezone.localdate()})
    return edit_page(request, form, lambda f: services.register_volunteer(by=request.user, **f.service_fields()),
                     heading=_("Register a volunteer"), back=reverse("volunteers:volunteer_list"),
                     done=_("The volunteer was registered."))


@login_required
def volunteer_detail(request, pk):
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization", "created_by"), pk)
    thresholds = scale_for(volunteer.organization)
    # the volunteer's own history: whoever sees the volunteer sees where they moved, served and signed up
    records = list(volunteer.records.select_related("activity", "organization").order_by("-date", "-pk")[:100])
    # an activity's page opens only where its organiser is in one's part of the tree: link those alone
    seen_activities = set(Activity.objects.restrict(request.user).filter(pk__in={r.activity_id for r in records})
                          .values_list("pk", flat=True))
    return render(request, "volunteers/volunteer_detail.html", {
        "volunteer": volunteer,
        "thresholds": thresholds,
        "next_star": hours_to_next_star(volunteer.confirmed_hours, thresholds),
        "moves": volunteer.moves.select_related("old_organization", "new_organization", "moved_by"),
        "records": records,
        "seen_activities": seen_activities,
        "signups": (Signup.objects.restrict(request.user).filter(volunteer=volunteer).select_related("activity")
                    .order_by("-created_at")[:100]),
        "can_manage": can(request.user, Action.MANAGE_VOLUNTEERS, volunteer) and not volunteer.is_anonymised,
        "can_unmask": can(request.user, Action.UNMASK_PII, volunteer) and not volunteer.is_anonymised,
    })


@login_required
def volunteer_edit(request, pk):
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization"), pk,
                                   Action.MANAGE_VOLUNTEERS)
    form = VolunteerForm(request.POST or None, instance=volunteer, user=request.user, editing=True)
    return edit_page(request, form, lambda f: services.update_volunteer(volunteer, by=request.user, **f.service_fields()),
                     heading=_("Edit %(name)s") % {"name": volunteer.name}, back=volunteer.get_absolute_url(),
                     done=_("The changes were saved."))


@login_required
def volunteer_move(request, pk):
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization"), pk,
                                   Action.MANAGE_VOLUNTEERS)
    form = VolunteerMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["to"].pk == volunteer.organization_id:
        form.add_error("to", _("The volunteer belongs to this organisation already."))
    return edit_page(request, form, lambda f: services.move_volunteer(volunteer, by=request.user, to=f.cleaned_data["to"],
                                                                      reason=f.cleaned_data["reason"]),
                     heading=_("Move %(name)s to another organisation") % {"name": volunteer.name},
                     back=volunteer.get_absolute_url(), done=_("The volunteer was moved."))


@login_required
def volunteer_leave(request, pk):
    """Mark a volunteer as left, or anonymise one (after leaving): each asks for a confirmation."""
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization"), pk,
                                   Action.MANAGE_VOLUNTEERS)
    form = LeaveForm(request.POST or None, initial={"left_on": volunteer.left_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["step"] == "anonymise":
                services.anonymise_volunteer(volunteer, by=request.user)
                messages.success(request, _("The volunteer was anonymised."))
            else:
                services.update_volunteer(volunteer, by=request.user, status=VolunteerStatus.LEFT,
                                          left_on=form.cleaned_data["left_on"] or timezone.localdate())
                messages.success(request, _("The volunteer was marked as left."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(volunteer)
    return render(request, "volunteers/volunteer_leave.html", {"volunteer": volunteer, "form": form})


@never_cache
@login_required
def volunteer_reveal(request, pk):
    """The document number and mobile in clear, once, after a reason: each reveal is an audit row."""
    volunteer = get_visible_or_404(request, Volunteer.objects.select_related("organization"), pk, Action.UNMASK_PII)
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.reveal_personal_data(volunteer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
    return render(request, "volunteers/unmask_reveal.html", {"volunteer": volunteer, "form": form, "revealed": revealed})


@login_required
def unmask_list(request):
    """The audit trail: every look at personal data in clear, for those who may look."""
    require_any(request.user, Action.UNMASK_PII)
    events = UnmaskEvent.objects.restrict(request.user).select_related("volunteer__organization", "user")
    filterset = UnmaskEventFilterSet(request.GET or None, queryset=events, request=request)
    shown = filterset.qs if not filterset.is_bound or filterset.is_valid() else events.none()
    return render(request, "volunteers/unmask_list.html", {"filterset": filterset, "page": paginate(request, shown)})


@login_required
def star_scale(request, pk):
    """The star scale of a province or city: its own, or the one it inherits (or the default) to start from."""
    organization = get_visible_or_404(request, Organization.objects.all(), pk, Action.CHANGE_ORG)
    scale = StarScale.objects.filter(organization=organization).first()
    initial = dict(zip(services.STAR_FIELDS, scale_for(organization), strict=True))
    form = StarScaleForm(request.POST or None, instance=scale, initial=None if scale else initial)

    def save(f):
        services.set_star_scale(organization, by=request.user, thresholds=f.thresholds())
        return reverse("volunteers:volunteer_list")

    return edit_page(request, form, save,
                     heading=_("Star levels in %(organization)s (cumulative confirmed hours)")
                     % {"organization": organization.display_name},
                     back=reverse("volunteers:volunteer_list"), done=_("The star scale was saved; stars were recomputed."))
