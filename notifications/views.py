"""The user's own notifications: the bell's menu, the list, opening one, marking all read."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import serve_stored
from core.pagination import paginate

from . import services
from .models import Download, Notification

MENU_SIZE = 8


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        notifications = notifications.unread()
    return render(request, "notifications/list.html", {"page": paginate(request, notifications, per_page=30),
                                                       "email_on": services.wants_email(request.user)})


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
