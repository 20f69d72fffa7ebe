"""The user's own notifications (the bell's menu, the list, opening one, marking all read), their channel settings,
an organisation's group robots and the failed deliveries administrators may send again."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import serve_stored
from core.pagination import paginate
from orgs.models import Organization
from orgs.permissions import Action, get_visible_or_404, organizations_held, require_any

from . import channels, services
from .choices import DeliveryStatus, RobotChannel
from .filtersets import DeliveryFilterSet
from .forms import PreferenceForm, RobotForm
from .models import Delivery, Download, Notification, OrganizationChannel, Preference

MENU_SIZE = 8


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        notifications = notifications.unread()
    return render(request, "notifications/list.html", {
        "page": paginate(request, notifications, per_page=30), "email_on": services.wants_email(request.user),
        "robot_organizations": organizations_held(request.user, Action.CHANGE_ORG)})


@login_required
def notification_menu(request):
    """The bell's dropdown (htmx): the newest unread notifications."""
    return render(request, "notifications/_menu.html", {
        "notifications": Notification.objects.unread().filter(user=request.user)[:MENU_SIZE],
    })


@login_required
def notification_open(request, pk):
    """Mark the notification read and follow its link (links inside the portal only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.mark_read(request.user)
    return redirect(request.POST.get("next") if url_has_allowed_host_and_scheme(
        request.POST.get("next"), allowed_hosts={request.get_host()}) else "notifications:list")


@login_required
def download(request, pk):
    """A file prepared for the user in the background; nobody else may fetch it."""
    prepared = get_object_or_404(Download, pk=pk, user=request.user)
    return serve_stored(prepared.file, filename=prepared.name, as_attachment=True)


@login_required
@require_POST
def notification_email(request):
    """Switch e-mail of notifications on or off."""
    services.set_email(request.user, request.POST.get("email") == "on")
    messages.success(request, _("Saved."))
    return redirect("notifications:list")


@login_required
def notification_settings(request):
    """用户的通知设置: which channels for which kinds, and the mobile number."""
    preference = Preference.objects.filter(user=request.user).first()
    form = PreferenceForm(request.POST or None, chosen=services.chosen_channels(request.user),
                          initial={"phone": preference.phone if preference else ""})
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, channels_by_kind=form.channels_by_kind(),
                                 phone=form.cleaned_data["phone"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    recipient = services.recipients([request.user.pk])[request.user.pk]
    reach = [(channel, any(channel.reaches(recipient, code) for code, _l in form.kinds)) for channel in form.channels]
    return render(request, "notifications/settings.html", {"form": form, "reach": reach})


@login_required
def organization_channels(request, pk):
    """通知渠道: an organisation's 企业微信 and 钉钉 group robots, for its administrators."""
    organization = get_visible_or_404(request, Organization.objects, pk, Action.CHANGE_ORG)
    stored = {r.channel: r for r in OrganizationChannel.objects.restrict(request.user, Action.CHANGE_ORG)
              .filter(organization=organization)}
    posted = request.POST.get("channel") if request.method == "POST" else None
    forms = [RobotForm(request.POST if posted == channel else None, channel=channel, stored=stored.get(channel))
             for channel in RobotChannel.values if channels.get(channel)]
    for form in forms:
        if form.channel == posted and form.is_valid():
            data = form.cleaned_data
            if data.get("remove"):
                if form.stored is not None:
                    services.remove_organization_channel(form.stored, by=request.user)
                messages.success(request, _("The robot was removed."))
            else:
                services.save_organization_channel(
                    organization, by=request.user, channel=form.channel,
                    webhook=data["webhook"] or form.stored.webhook, secret=data.get("secret") or None,
                    enabled=data["enabled"], kinds_=data["kinds"])
                messages.success(request, _("The robot was saved."))
            return redirect("notifications:organization_channels", organization.pk)
    return render(request, "notifications/organization_channels.html", {
        "organization": organization, "forms": [(form, RobotChannel(form.channel).label) for form in forms]})


@login_required
def delivery_list(request):
    """Deliveries of the people an administrator manages, the failed ones first; each can be sent again."""
    require_any(request.user, Action.MANAGE_USERS)
    data = request.GET.copy()
    if "status" not in data:
        data.setlist("status", [DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP])
    filterset = DeliveryFilterSet(data, queryset=Delivery.objects.restrict(request.user)
                                  .select_related("notification__user"))
    return render(request, "notifications/delivery_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs, per_page=50),
        "retryable": {DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP}})


@login_required
@require_POST
def delivery_retry(request, pk):
    delivery = get_object_or_404(Delivery.objects.restrict(request.user), pk=pk)
    if services.retry_delivery(delivery, by=request.user):
        messages.success(request, _("The delivery was queued again."))
    else:
        messages.info(request, _("This delivery is not waiting to be sent again."))
    return redirect("notifications:delivery_list")
