"""Reads of plans that are more than a filter: task lists, figures of a plan at an organisation."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, When
from django.utils.translation import gettext as _

from orgs.permissions import Action, organizations_held

from .choices import Light, PlanStatus
from .models import Assignment, Evidence
from .rollups import combined_light, light_for_gap, mean_completion


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


def plan_list_figures(plans, organization=None):
    """{plan_id: {owner, scope, at, completion, light, open}} for the plan list, in four queries whatever the plans.

    A row shows the whole plan at its owner (``scope`` "whole"), or — when ``organization`` (the user's current one)
    lies below the owner and holds part of the plan — that organisation's share (``scope`` "share", 本单位承担部分),
    so that a plan's figures are never read as another organisation's. ``open`` counts the work not done where the
    figures are taken: targets and points held there and not done, and in the whole plan also its targets and
    points nobody holds yet; a plan with open work is never called done."""
    from .models import Target, WorkPoint

    plans = list(plans)
    share = set()
    if organization is not None:
        above = [p.pk for p in plans if p.organization_id != organization.pk
                 and organization.path.startswith(p.organization.path)]
        if above:
            share = set(Assignment.objects.filter(plan__in=above, organization=organization)
                        .values_list("plan_id", flat=True).distinct())
    whole = [p.pk for p in plans if p.pk not in share]
    items = defaultdict(lambda: defaultdict(list))  # plan → point → [(completion, light)]
    held_targets, held_points = defaultdict(set), defaultdict(set)
    for plan_id, point_id, target_id, completion, light in Assignment.objects.filter(
        Q(plan__in=whole, organization=F("plan__organization")) | Q(plan__in=share, organization=organization)
    ).values_list("plan_id", "point_id", "target_id", "completion", "light"):
        items[plan_id][point_id].append((completion, light))
        held_points[plan_id].add(point_id)
        if target_id:
            held_targets[plan_id].add(target_id)
    for plan_id, point_id, target_id in Target.objects.filter(point__section__plan__in=whole).values_list(
            "point__section__plan_id", "point_id", "pk"):
        if target_id not in held_targets[plan_id]:  # a target its owner does not hold (yet): open, not started
            items[plan_id][point_id].append((None, Light.NOT_STARTED))
            held_points[plan_id].add(point_id)
    for plan_id, point_id in WorkPoint.objects.filter(section__plan__in=whole).values_list("section__plan_id", "pk"):
        if point_id not in held_points[plan_id]:  # a point nobody holds yet, as the plan's own page shows it
            items[plan_id][point_id].append((None, Light.NOT_STARTED))
    result = {}
    for plan in plans:
        points = items.get(plan.pk, {})
        figures = [(mean_completion([c for c, _l in rows]), combined_light([lt for _c, lt in rows]), rows)
                   for rows in points.values()]
        completion, light = plan_completion(figures) if figures else (None, None)
        still_open = sum(1 for rows in points.values() for _c, lt in rows if lt != Light.DONE)
        if still_open and light == Light.DONE:
            light = Light.GREEN
        result[plan.pk] = {"plan": plan, "owner": plan.organization, "scope": "share" if plan.pk in share else "whole",
                           "at": organization if plan.pk in share else plan.organization,
                           "completion": completion, "light": light, "open": still_open}
    return result


def point_entries(point, user, organization=None):
    """Progress entries of a point in ``organization``'s subtree that the user may see, newest
    first, with reused evidence flagged."""
    from django.db.models import Prefetch

    from .models import ProgressEntry

    entries = ProgressEntry.objects.filter(point=point)
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
    targets = {t.pk: t for t in Target.objects.filter(point_id=point.pk)}
    assignments = list(Assignment.history.filter(point_id=point.pk, organization_id__in=visible)
                       .select_related("history_user", "organization")[:limit])
    for record in assignments:  # what was handed to whom, read without a query per row
        target = targets.get(record.target_id)
        whole = target.metric if target else str(point)
        texts = {"task": whole, "org": record.organization.display_name if record.organization else "—",
                 "value": f"{record.assigned_value.normalize():f}{target.unit}" if target and record.assigned_value is not None else ""}
        if record.parent_id is None:
            record.label = _("%(task)s held by %(org)s") % texts
        elif texts["value"]:
            record.label = _("Decomposition: %(task)s → %(org)s, %(value)s") % texts
        else:
            record.label = _("Decomposition: %(task)s → %(org)s") % texts
        record.is_decomposition = record.parent_id is not None
    records = [*point.history.select_related("history_user")[:limit],
               *Target.history.filter(point_id=point.pk).select_related("history_user")[:limit]]
    for record in records:
        record.label = str(record.instance)
    return sorted(records + assignments, key=lambda r: r.history_date, reverse=True)[:limit]


# --- a year at a glance (the dashboard reads these; they combine the stored roll-ups, never recompute them) ----------


@dataclass
class YearFigures:
    """What the assignments an organisation holds in a year's published plans add up to: completion and expected
    progress (means over the points, each point the mean of its targets, as the plan page counts them), the light
    of the gap between them by the plans' thresholds, and how many assignments show each light."""

    completion: Decimal | None = None
    expected: Decimal | None = None
    light: str | None = None
    lights: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)  # [{"key", "plan", "title", "completion", "expected", "light"}]

    @property
    def held(self):
        return sum(self.lights.values())


def _mean(values):
    values = [v for v in values if v is not None]
    return (sum(values) / len(values)).quantize(Decimal("0.0001")) if values else None


def _summary(points, thresholds):
    """Completion, expected progress and light of a group of points: {point: [(completion, expected, light)]}."""
    per_point = [(mean_completion([c for c, _e, _l in items]), _mean([e for _c, e, _l in items]),
                  combined_light([lt for _c, _e, lt in items])) for items in points.values()]
    completion = mean_completion([c for c, _e, _l in per_point])
    expected = _mean([e for _c, e, _l in per_point])
    lights = {lt for _c, _e, lt in per_point}
    if not per_point:
        light = None
    elif lights <= {Light.DONE, Light.NOT_STARTED}:
        light = combined_light(lights)
    else:
        yellow, red = min(y for y, _r in thresholds), min(r for _y, r in thresholds)
        light = light_for_gap(((expected or 0) - (completion or 0)) * 100, yellow, red)
    return completion, expected, str(light) if light else None


def year_figures(organizations, year, sections_of=None):
    """{organisation id: YearFigures} of the assignments each of ``organizations`` holds in the published plans of
    ``year`` (one query); ``sections_of`` (an organisation) also gets its figures section by section."""
    rows = Assignment.objects.filter(
        organization__in=organizations, plan__year=year, plan__status=PlanStatus.PUBLISHED,
    ).order_by("plan__organization__path", "plan_id", "point__section__order", "point__section_id").values_list(
        "organization_id", "plan_id", "plan__title", "point__section_id", "point__section__number",
        "point__section__title", "point_id", "completion", "expected", "light", "plan__yellow_threshold",
        "plan__red_threshold",
    )
    points = defaultdict(lambda: defaultdict(list))
    thresholds = defaultdict(set)
    sections = {}
    found = {}
    for org_id, _plan_id, plan_title, section_id, number, title, point_id, completion, expected, light, yellow, red in rows:
        points[org_id][point_id].append((completion, expected, light))
        thresholds[org_id].add((yellow, red))
        figures = found.setdefault(org_id, YearFigures())
        figures.lights[light] = figures.lights.get(light, 0) + 1
        if sections_of is not None and org_id == sections_of.pk:
            label = f"{number}、{title}" if number else title
            entry = sections.setdefault(section_id, {"key": section_id, "plan": plan_title, "title": label,
                                                     "points": defaultdict(list), "thresholds": set()})
            entry["points"][point_id].append((completion, expected, light))
            entry["thresholds"].add((yellow, red))
    for org_id, figures in found.items():
        figures.completion, figures.expected, figures.light = _summary(points[org_id], thresholds[org_id])
    if sections_of is not None and sections_of.pk in found:
        for entry in sections.values():
            completion, expected, light = _summary(entry.pop("points"), entry.pop("thresholds"))
            found[sections_of.pk].sections.append({**entry, "completion": completion, "expected": expected,
                                                   "light": light})
    return found


LAGGING = (Light.RED, Light.YELLOW)


def lagging(organization, year, user):
    """The red, then the yellow, assignments of the published plans of ``year`` in ``organization``'s subtree that
    ``user`` may see, the least complete first (slice it)."""
    return (
        Assignment.objects.restrict(user)
        .filter(organization__path__startswith=organization.path, plan__year=year, plan__status=PlanStatus.PUBLISHED,
                light__in=LAGGING)
        .select_related("organization", "target", "point__lead_department", "plan")
        .order_by(Case(When(light=Light.RED, then=0), default=1), F("completion").asc(nulls_first=True),
                  "organization__path", "pk")
    )


def end_of(assignment):
    """The date an assignment is due: its own deadline, its target's or point's, or its plan's year end."""
    target = assignment.target
    return (assignment.deadline or (target.deadline if target else None) or assignment.point.deadline
            or assignment.plan.period_end)


def days_behind(assignment, on):
    """How many days an assignment lags: past its due date, the days since; before, its gap to expected progress
    as days of its period. None when it has no figures to tell."""
    end = end_of(assignment)
    if on > end:
        return (on - end).days
    if assignment.completion is None and assignment.expected is None:
        return None
    gap = (assignment.expected or 0) - min(assignment.completion or 0, 1)
    return max(round(gap * (end - assignment.plan.period_start).days), 0)


def recent_entries(organization, year, user):
    """Progress entries in ``organization``'s subtree on the plans of ``year`` that ``user`` may see, newest first,
    with their evidence (slice it)."""
    from .models import ProgressEntry

    return (
        ProgressEntry.objects.restrict(user)
        .filter(assignment__organization__path__startswith=organization.path, assignment__plan__year=year)
        .select_related("assignment__organization", "assignment__target", "assignment__point", "entered_by")
        .prefetch_related("evidence")
        .order_by("-entered_at", "-pk")
    )
