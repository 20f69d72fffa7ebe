"""Pages of volunteer activities: the list (the API's filterset), creating and editing, an activity's page with its
sign-up list, its service records and the organiser's bulk confirmation, the on-site sign-in QR code, and the
volunteer's scan page.

Everything is read through ``restrict()`` and written through volunteers.services; the QR code is drawn here with
segno (an inline SVG) from volunteers.signin's rotating code, and the page fetches the next one with htmx when the
window ends (no inline script).
"""
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import add_errors, edit_page
from core.tables import list_response
from orgs.permissions import Action, can, get_visible_or_404, has_any, require_any

from .. import services, signin
from ..choices import RecordStatus, SignKind
from ..filtersets import ActivityFilterSet, ServiceRecordFilterSet, VolunteerFilterSet
from ..forms.activities import ActivityForm, DecideForm, RecordForm
from ..models import Activity, ServiceRecord, SignIn, Signup, Volunteer
from ..selectors import own_volunteer
from ..tables import ActivityTable

CANDIDATES = 10  # volunteers offered by the search on an activity's page
RECORDS_SHOWN = 500


@login_required
def activity_list(request):
    activities = Activity.objects.restrict(request.user).select_related("organization").with_counts()
    filterset = ActivityFilterSet(request.GET or None, queryset=activities, request=request)
    shown = filterset.qs if not filterset.is_bound or filterset.is_valid() else activities.none()
    return list_response(request, ActivityTable(shown), lambda table: render(
        request, "volunteers/activity_list.html", {
            **table, "filterset": filterset, "can_create": has_any(request.user, Action.MANAGE_VOLUNTEERS)}))


@login_required
def activity_create(request):
    require_any(request.user, Action.MANAGE_VOLUNTEERS)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    form = ActivityForm(request.POST or None, user=request.user,
                        initial={"starts_at": now, "ends_at": now + timezone.timedelta(hours=4)})
    return edit_page(request, form, lambda f: services.create_activity(by=request.user, **f.service_fields()),
                     heading=_("New volunteer activity"), back=reverse("volunteers:activity_list"),
                     done=_("The activity was created."))


@login_required
def activity_edit(request, pk):
    activity = get_visible_or_404(request, Activity.objects.select_related("organization"), pk,
                                  Action.MANAGE_VOLUNTEERS)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user, editing=True)
    return edit_page(request, form, lambda f: services.update_activity(activity, by=request.user, **f.service_fields()),
                     heading=_("Edit %(title)s") % {"title": activity.title}, back=activity.get_absolute_url(),
                     done=_("The changes were saved."))


@require_POST
@login_required
def activity_delete(request, pk):
    activity = get_visible_or_404(request, Activity.objects.all(), pk, Action.MANAGE_VOLUNTEERS)
    try:
        services.delete_activity(activity, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(activity)
    messages.success(request, _("The activity was deleted."))
    return redirect("volunteers:activity_list")


def _records(request, activity):
    """The filterset of the activity's records (by status) and the records it keeps."""
    records = (ServiceRecord.objects.restrict(request.user).filter(activity=activity)
               .select_related("volunteer", "organization", "confirmed_by").order_by("date", "volunteer__name", "pk"))
    filterset = ServiceRecordFilterSet(request.GET or None, queryset=records, request=request)
    shown = filterset.qs if not filterset.is_bound or filterset.is_valid() else records.none()
    return filterset, shown


def _detail(request, activity, *, record_form=None, decide_form=None, status=200):
    """The activity's page, with the organiser's forms as they were posted (errors beside their fields)."""
    can_manage = can(request.user, Action.MANAGE_VOLUNTEERS, activity)
    signups = list(Signup.objects.restrict(request.user).filter(activity=activity)
                   .select_related("volunteer__organization").order_by("created_at", "pk"))
    filterset, records = _records(request, activity)
    counts = dict(ServiceRecord.objects.filter(activity=activity).order_by().values_list("status")
                  .annotate(n=Count("pk")))
    pending_ids = list(ServiceRecord.objects.filter(activity=activity, status=RecordStatus.PENDING)
                       .values_list("pk", flat=True)) if can_manage else []
    query = (request.GET.get("q") or "").strip()
    candidates = []
    if can_manage and query:
        on_list = {s.volunteer_id for s in signups}
        found = VolunteerFilterSet({"q": query}, queryset=Volunteer.objects.restrict(
            request.user, Action.MANAGE_VOLUNTEERS).registered().select_related("organization")).qs
        candidates = [v for v in found[:CANDIDATES + len(on_list)] if v.pk not in on_list][:CANDIDATES]
    on_list_volunteers = Volunteer.objects.filter(signups__activity=activity)
    # a sign-up with records that count is not cancelled (services.cancel_signup): no button for it
    kept = set(ServiceRecord.objects.filter(activity=activity).exclude(status=RecordStatus.REJECTED)
               .values_list("volunteer_id", flat=True)) if can_manage else set()
    context = {
        "activity": activity, "signups": signups, "records": records[:RECORDS_SHOWN], "record_filter": filterset,
        "counts": {s: counts.get(s, 0) for s in RecordStatus.values}, "can_manage": can_manage,
        "query": query, "candidates": candidates, "searched": bool(query),
        "record_form": record_form or (RecordForm(volunteers=on_list_volunteers,
                                                  initial={"date": min(timezone.localdate(),
                                                                       services.activity_dates(activity)[1]),
                                                           "hours": activity.planned_hours or None})
                                       if can_manage else None),
        "decide_form": decide_form or DecideForm(pending_ids=pending_ids),
        "pending_ids": set(pending_ids), "kept": kept,
        "status_filter": request.GET.get("status", ""),
    }
    return render(request, "volunteers/activity_detail.html", context, status=status)


@login_required
def activity_detail(request, pk):
    activity = get_visible_or_404(request, Activity.objects.select_related("organization", "created_by"), pk)
    return _detail(request, activity)


@require_POST
@login_required
def activity_signup_add(request, pk):
    """Put a volunteer found by the search on the list (the organiser's side)."""
    activity = get_visible_or_404(request, Activity.objects.all(), pk, Action.MANAGE_VOLUNTEERS)
    volunteer = get_object_or_404(Volunteer.objects.restrict(request.user, Action.MANAGE_VOLUNTEERS),
                                  pk=request.POST.get("volunteer") if str(request.POST.get("volunteer", "")).isdigit()
                                  else None)
    try:
        services.sign_up(activity, volunteer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s was signed up.") % {"name": volunteer.name})
    return redirect(f"{activity.get_absolute_url()}#signups")


@require_POST
@login_required
def activity_signup_cancel(request, pk, signup_pk):
    activity = get_visible_or_404(request, Activity.objects.all(), pk, Action.MANAGE_VOLUNTEERS)
    signup = get_object_or_404(Signup.objects.restrict(request.user).select_related("volunteer"), pk=signup_pk,
                               activity=activity)
    try:
        services.cancel_signup(signup, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The sign-up of %(name)s was cancelled.") % {"name": signup.volunteer.name})
    return redirect(f"{activity.get_absolute_url()}#signups")


@require_POST
@login_required
def activity_record_add(request, pk):
    """A service record entered by the organiser: pending until confirmed, like any other."""
    activity = get_visible_or_404(request, Activity.objects.select_related("organization"), pk,
                                  Action.MANAGE_VOLUNTEERS)
    form = RecordForm(request.POST, volunteers=Volunteer.objects.filter(signups__activity=activity))
    if form.is_valid():
        try:
            services.record_service(by=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The record was added; it waits for confirmation."))
            return redirect(f"{activity.get_absolute_url()}#records")
    return _detail(request, activity, record_form=form)


@require_POST
@login_required
def activity_records_decide(request, pk):
    """Confirm, or reject with a reason, the ticked pending records (or all pending ones) in one go."""
    activity = get_visible_or_404(request, Activity.objects.select_related("organization"), pk,
                                  Action.MANAGE_VOLUNTEERS)
    pending = ServiceRecord.objects.restrict(request.user, Action.MANAGE_VOLUNTEERS).filter(
        activity=activity, status=RecordStatus.PENDING)
    form = DecideForm(request.POST, pending_ids=list(pending.values_list("pk", flat=True)))
    if form.is_valid():
        chosen = pending if form.cleaned_data["all_pending"] else pending.filter(pk__in=form.cleaned_data["records"])
        try:
            if form.cleaned_data["step"] == "confirm":
                n = services.confirm_records(chosen, by=request.user)
                messages.success(request, _("%(n)s records were confirmed.") % {"n": n})
            else:
                n = services.reject_records(chosen, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("%(n)s records were rejected.") % {"n": n})
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(f"{activity.get_absolute_url()}#records")
    return _detail(request, activity, decide_form=form)


# --- on-site sign-in ---------------------------------------------------------------------------------------------


def scan_url(request, activity, code) -> str:
    return request.build_absolute_uri(f"{reverse('volunteers:scan', args=[activity.pk])}?code={code}")


def _code_context(request, activity):
    now = timezone.now()
    code = signin.current_code(activity, now)
    url = scan_url(request, activity, code)
    qr = segno.make(url, error="m")
    scans = (SignIn.objects.filter(activity=activity).select_related("volunteer").order_by("-at", "-pk"))
    return {
        "activity": activity, "scan_url": url,
        "qr_svg": mark_safe(qr.svg_inline(scale=6, border=2, dark="#111", omitsize=True)),  # noqa: S308 segno's own SVG
        "refresh_in": signin.seconds_left(now), "window": signin.window_length(),
        "scans": scans[:50],
        "signed_in": SignIn.objects.filter(activity=activity, kind=SignKind.SIGN_IN).count(),
        "signed_out": SignIn.objects.filter(activity=activity, kind=SignKind.SIGN_OUT).count(),
    }


@never_cache
@login_required
def activity_signin(request, pk):
    """The organiser's screen at the activity: the rotating QR code and who has scanned."""
    activity = get_visible_or_404(request, Activity.objects.select_related("organization"), pk,
                                  Action.MANAGE_VOLUNTEERS)
    return render(request, "volunteers/activity_signin.html", _code_context(request, activity))


@never_cache
@login_required
def activity_signin_code(request, pk):
    """The QR code of the current window and the latest scans, for the sign-in screen to swap in."""
    activity = get_visible_or_404(request, Activity.objects.all(), pk, Action.MANAGE_VOLUNTEERS)
    return render(request, "volunteers/_signin_code.html", _code_context(request, activity))


@never_cache
@login_required
def scan(request, pk):
    """What a volunteer's phone opens from the QR code: GET says what the scan will do, the button (POST) does it.
    The activity is named only for a valid code, so a guessed address tells nothing."""
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("code", "")
    volunteer = own_volunteer(request.user)
    activity = Activity.objects.filter(pk=pk).first()
    context = {"volunteer": volunteer, "code": code or "", "activity": None, "done": None, "error": None}
    if volunteer is None:
        return render(request, "volunteers/scan.html", context)
    try:
        if activity is None:
            raise ValidationError(_("This sign-in code is not valid: scan the QR code shown at the activity."))
        signin.check_code(activity, code)
        context["activity"] = activity
        if request.method == "POST":
            context["done"] = services.scan_code(activity, by=request.user, code=code)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
    if context["activity"] is not None and context["done"] is None:
        context["next_kind"] = (SignKind.SIGN_OUT if SignIn.objects.filter(activity=activity, volunteer=volunteer,
                                                                           kind=SignKind.SIGN_IN).exists()
                                else SignKind.SIGN_IN)
        context["finished"] = SignIn.objects.filter(activity=activity, volunteer=volunteer,
                                                    kind=SignKind.SIGN_OUT).exists()
    return render(request, "volunteers/scan.html", context)

