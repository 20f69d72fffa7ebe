"""Targets bound to a volunteer figure (``Target.volunteer_figure``): their progress fills itself.

Each assignment of a bound target takes as its own figure the chosen figure of its organisation's subtree from the
volunteer statistics (volunteers.selectors), at the end of the month of the plan's period in which we are (the
last month once the year is over). Its roll-up is that figure as it stands — the statistic already covers the
subtree, so nothing is summed again — and completion, expected progress and lights follow as for any target.
Nobody enters progress on such a target (services.record_progress refuses it).

The volunteers app says when its statistics changed (``volunteers.signals.statistics_refreshed``); the receiver
registered in ``PlansConfig.ready`` enqueues ``plans.tasks.fill_volunteer_targets``, and the nightly rebuild fills
them too.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.bulk import update_rows
from core.jobs import enqueue
from core.months import month_end, month_start
from volunteers import selectors as volunteer_selectors

from .choices import PlanStatus
from .models import Assignment
from .rollups import PLACES, refresh


def figure_month(plan_year: int, on: datetime.date) -> datetime.date:
    """The month whose figures stand for a plan of ``plan_year`` on ``on``: this month within the year, else the
    year's last (or first) month."""
    if on.year > plan_year:
        return datetime.date(plan_year, 12, 1)
    if on.year < plan_year:
        return datetime.date(plan_year, 1, 1)
    return month_start(on)


@transaction.atomic
def fill(target_ids=None, on=None) -> int:
    """Write the own figure of every assignment of the bound targets (all, or those given) and refresh their
    roll-ups. Reads the statistics once per month concerned (usually one). Returns the roll-up rows changed."""
    on = on or timezone.localdate()
    assignments = Assignment.objects.filter(target__isnull=False).exclude(target__volunteer_figure="").exclude(
        plan__status=PlanStatus.ARCHIVED)
    if target_ids is not None:
        assignments = assignments.filter(target_id__in=list(target_ids))
    rows = list(assignments.values_list("pk", "organization_id", "plan__year", "target__volunteer_figure",
                                        "target_id", "own_value", "own_value_on"))
    if not rows:
        return 0
    by_month = defaultdict(set)
    for _pk, organization_id, year, *_rest in rows:
        by_month[figure_month(year, on)].add(organization_id)
    figures = {month: volunteer_selectors.figures_for(ids, month) for month, ids in by_month.items()}
    changed = []
    for pk, organization_id, year, figure, _target, old_value, old_on in rows:
        month = figure_month(year, on)
        found = figures[month][organization_id]
        value = found.value(figure) if found.computed else None
        value = None if value is None else Decimal(value).quantize(PLACES)
        as_of = min(month_end(month), on)
        if (value, as_of) != (old_value, old_on):
            changed.append((value, as_of, pk))
    update_rows(Assignment, ["own_value", "own_value_on"], changed)
    return refresh(target_ids={row[4] for row in rows}, point_ids=[], on=on)


def statistics_refreshed(sender, months=None, **kwargs):
    """The volunteer statistics changed: fill the bound targets after the commit (by Celery)."""
    enqueue("plans.tasks.fill_volunteer_targets")
