"""Reads of plans that are more than a filter: task lists, figures of a plan at an organisation."""
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q

from league_portal.permissions import Action, role_assignments

from .choices import PlanStatus
from .models import Assignment, Evidence
from .rollups import combined_light, mean_completion


def my_tasks(user):
    """Assignments held by the organisations where the user has a role that records progress, due first."""
    from league_portal.permissions import GRANTS

    organizations = {ra.organization_id for ra in role_assignments(user) if ra.role in GRANTS[Action.RECORD_PROGRESS]}
    return (
        Assignment.objects.filter(organization_id__in=organizations)
        .exclude(plan__status=PlanStatus.ARCHIVED)
        .select_related("plan", "point", "target", "organization")
        .order_by(F("deadline").asc(nulls_last=True), F("target__deadline").asc(nulls_last=True), "plan", "point__order", "pk")
    )


def with_reuse_flag(evidence):
    """Mark evidence whose file (same hash) was also used for another entry."""
    elsewhere = Evidence.objects.filter(sha256=OuterRef("sha256")).exclude(entry=OuterRef("entry"))
    return evidence.annotate(reused=Exists(elsewhere))


def plan_figures(plan, organization):
    """Figures of every point of ``plan`` at ``organization``: {point_id: (completion, light, [assignments])}."""
    rows = defaultdict(list)
    for a in Assignment.objects.filter(plan=plan, organization=organization).select_related("target"):
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
