"""Reads of the volunteers app that are more than a filter, for its pages and for other apps."""
from .models import Volunteer


def own_volunteer(user):
    """The registered volunteer linked to ``user``'s account, or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return Volunteer.objects.select_related("organization").filter(user_id=user.pk).first()
