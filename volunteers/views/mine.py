"""A volunteer's own page on the phone (/volunteers/me/): confirmed hours, star and the hours to the next one, their
records with their status, their sign-ups, and the open activities they may join or leave. It belongs to the
account linked to a registered volunteer; any other account gets an explanation instead."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..models import Activity, ServiceRecord, Signup
from ..selectors import own_volunteer
from ..stars import hours_to_next_star, scale_for

SHOWN = 100


@login_required
def my_page(request):
    volunteer = own_volunteer(request.user)
    if volunteer is None:
        return render(request, "volunteers/my_page.html", {"volunteer": None})
    thresholds = scale_for(volunteer.organization)
    signups = list(Signup.objects.restrict(request.user).filter(volunteer=volunteer)
                   .select_related("activity__organization").order_by("-activity__starts_at")[:SHOWN])
    joined = {s.activity_id for s in signups}
    return render(request, "volunteers/my_page.html", {
        "volunteer": volunteer,
        "thresholds": thresholds,
        "next_star": hours_to_next_star(volunteer.confirmed_hours, thresholds),
        "records": (ServiceRecord.objects.restrict(request.user).filter(volunteer=volunteer)
                    .select_related("activity").order_by("-date", "-pk")[:SHOWN]),
        "signups": signups,
        "now": timezone.now(),
        "open_activities": [a for a in Activity.objects.open_to(volunteer).select_related("organization")
                            .with_counts().order_by("starts_at", "pk")[:SHOWN] if a.pk not in joined],
    })


def _mine_or_404(request):
    volunteer = own_volunteer(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


@require_POST
@login_required
def my_sign_up(request, pk):
    volunteer = _mine_or_404(request)
    activity = get_object_or_404(Activity.objects.open_to(volunteer), pk=pk)
    try:
        services.sign_up(activity, volunteer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You signed up for %(title)s.") % {"title": activity.title})
    return redirect("volunteers:my_page")


@require_POST
@login_required
def my_cancel(request, pk):
    volunteer = _mine_or_404(request)
    signup = get_object_or_404(Signup.objects.select_related("activity", "volunteer"), pk=pk, volunteer=volunteer)
    try:
        services.cancel_signup(signup, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your sign-up for %(title)s was cancelled.") % {"title": signup.activity.title})
    return redirect("volunteers:my_page")
