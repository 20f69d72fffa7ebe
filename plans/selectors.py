"""Reads of plans that are more than a filter: task lists, figures of a plan at an organisation."""
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q

from orgs.permissions import Action, organizations_held

from .choices import PlanStatus
from .models import Assignment, Evidence
from .rollups import combined_light, mean_completion


def my_tasks(user):
    """Assignments held by the organisations where the user has a role that records progress, due first."""
    return (
        Assignment.objects.filter(organization__in=organizations_held(user, Action.RECORD_PROGRESS))
        .exclude(plan__status=PlanStatus.ARCHIVED)
        .select_related("plan", "point", "target", "organization")
        .order_by(F("deadline").asc(nulls_last=True), F("target__deadline").asc(nulls_last=True), "plan", "point__order", "pk")
    )


def with_reuse_flag(evidence, user):
    """Mark evidence whose file (same hash) was also used for another entry that ``user`` may see; evidence
    elsewhere in the tree is not compared, or the flag would tell that a file exists there."""
    elsewhere = Evidence.objects.restrict(user).filter(sha256=OuterRef("sha256")).exclude(entry=OuterRef("entry"))
    return evidence.annotate(reused=Exists(elsewhere))


def plan_figures(plan, organization):
    """Figures of every point of ``plan`` at ``organization``: {point_id: (completion, light, [assignments])}."""
    rows = defaultdict(list)
    held = Assignment.objects.filter(plan=plan, organization=organization).select_related("target")
    for a in held.annotate(child_count=Count("children")):
        rows[a.point_id].append(a)
    return {
        point_id: (mean_completion([a.completion for a in items]), combined_light([a.light for a in items]), items)
        for point_id, items in rows.items()
    }


def plan_completion(figures):
    """A plan's (or section's) completion and light: means of its points."""
    return (
        mean_completion([completion for completion, _light, _items in figures]),
        combined_light([light for _completion, light, _items in figures]),
    )


def visible_plan_organizations(plan, user):
    """Organisations that hold a part of ``plan`` and that the user may see, top first."""
    from orgs.models import Organization

    held = Assignment.objects.filter(plan=plan).restrict(user).values("organization_id")
    return Organization.objects.filter(Q(pk__in=held)).order_by("path")


def plans_at_their_organizations(plans):
    """{plan_id: (completion, light)} of each plan at its own organisation, in one query."""
    by_plan = defaultdict(lambda: defaultdict(list))
    rows = Assignment.objects.filter(plan__in=plans, organization=F("plan__organization")).values_list(
        "plan_id", "point_id", "completion", "light"
    )
    for plan_id, point_id, completion, light in rows:
        by_plan[plan_id][point_id].append((completion, light))
    result = {}
    for plan_id, points in by_plan.items():
        figures = [
            (mean_completion([c for c, _l in items]), combined_light([lt for _c, lt in items]), items)
            for items in points.values()
        ]
        result[plan_id] = plan_completion(figures)
    return result


def point_entries(point, user, organization=None):
    """Progress entries of a point in ``organization``'s subtree that the user may see, newest
    first, with reused evidence flagged."""
    from django.db.models import Prefetch

    from .models import ProgressEntry

    entries = ProgressEntry.objects.filter(assignment__point=point)
    if organization is not None:
        entries = entries.filter(assignment__organization__path__startswith=organization.path)
    return (
        entries.restrict(user)
        .select_related("assignment__organization", "assignment__target", "entered_by")
        .prefetch_related(Prefetch("evidence", queryset=with_reuse_flag(Evidence.objects.all(), user)))
    )


def point_history(point, user, limit=30):
    """Changes to the point, its targets and the assignments the user may see, newest first."""
    from orgs.models import Organization

    from .models import Target

    visible = Organization.objects.restrict(user).values("pk")
    records = [
        *point.history.select_related("history_user")[:limit],
        *Target.history.filter(point_id=point.pk).select_related("history_user")[:limit],
        *Assignment.history.filter(point_id=point.pk, organization_id__in=visible)
        .select_related("history_user", "organization")[:limit],
    ]
    return sorted(records, key=lambda r: r.history_date, reverse=True)[:limit]
