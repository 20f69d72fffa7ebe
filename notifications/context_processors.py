"""The number on the notification bell (one COUNT per page)."""
from .models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.unread().filter(user=user).count()}
