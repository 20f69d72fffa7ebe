"""Celery tasks of the plans app: thin wrappers around the roll-up engine."""
from celery import shared_task
from django.core.cache import cache

from . import rollups, volunteer_targets


@shared_task(time_limit=600, soft_time_limit=540)
def refresh_rollups(target_id=None, point_id=None, assignment_id=None, pending_key=None):
    """Refresh one target's or qualitative point's roll-up, or after an entry one assignment and those above it;
    idempotent, safe to retry."""
    if pending_key:
        cache.delete(pending_key)  # entries from now on schedule a new refresh
    if assignment_id:
        return rollups.refresh_ancestors(assignment_id)
    return rollups.refresh(
        target_ids=[target_id] if target_id else [], point_ids=[point_id] if point_id else []
    )


@shared_task(time_limit=3600, soft_time_limit=3300)
def rebuild_rollups():
    """Nightly: every own figure and roll-up again, so time-based lights move with the calendar; targets bound to
    a volunteer figure take the latest statistics."""
    changed = rollups.rebuild()
    return changed + volunteer_targets.fill()




@shared_task(time_limit=600, soft_time_limit=540)
def fill_volunteer_targets():
    """After the volunteer statistics changed: the targets bound to a volunteer figure take the new figures."""
    return volunteer_targets.fill()
