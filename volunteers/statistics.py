"""The volunteer figures of organisations by month (``VolunteerStatistic``), computed set-based in the database.

Every figure is additive over the tree: a volunteer belongs to one organisation at a month's end and a record to
the organisation of its day, so an organisation's figures are its own (its volunteers, its records, its members)
plus the stored figures of its children. A refresh therefore runs one INSERT … SELECT … ON CONFLICT statement per
level of the tree, deepest first — never a query per organisation:

- ``refresh_subtree`` recomputes a whole subtree (the rebuild, the nightly run, the demo), level by level, then
  the organisations above it;
- ``refresh_organizations`` recomputes organisations whose own data changed (a confirmed record, a volunteer
  registered, moved or gone) and everything above them, one statement per level for all of them together.

The figures of one organisation and month:

- registered: volunteers there at the month's end (where they belonged then, following their moves) who had
  registered by then and not left; registered_members: the league members among them; members: the league
  members of the subtree (``Organization.member_count``, as it stands);
- active: registered volunteers with a confirmed record in the twelve months to the month's end;
- hours: confirmed hours served in the month (where the volunteer belonged on the day); cumulative_hours: to the
  month's end;
- stars: registered volunteers by star level (their level as it stands now), ``{"0": n, …, "5": n}``.

The statements are plain SQL that PostgreSQL and SQLite both run (CTEs, window functions, upsert); the few
differences (JSON, date parameters) are in ``_dialect``.
"""
import datetime

from django.db import connection, transaction
from django.utils import timezone

from core.months import month_end, month_start, next_month
from orgs.models import Organization

from .choices import PoliticalStatus, RecordStatus, VolunteerStatus
from .models import ServiceRecord, Volunteer, VolunteerMove, VolunteerStatistic

STARS = range(6)
ACTIVE_MONTHS = 12
MAX_MONTHS = 120  # a rebuild looks back at most ten years


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    month, last = month_start(first), month_start(last)
    found = []
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def _months_back(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _dialect():
    if connection.vendor == "postgresql":
        return {"stars": "jsonb_build_object({})", "star_of": "COALESCE((s.stars ->> '{k}')::integer, 0)"}
    return {"stars": "json_object({})", "star_of": "COALESCE(json_extract(s.stars, '$.\"{k}\"'), 0)"}


def _month_rows(months):
    """(month, month end, the moment the next month starts, the day before the active window) per month."""
    ops = connection.ops
    rows = []
    for month in months:
        cutoff = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
        rows.append((ops.adapt_datefield_value(month), ops.adapt_datefield_value(month_end(month)),
                     ops.adapt_datetimefield_value(cutoff),
                     ops.adapt_datefield_value(month_end(_months_back(month, ACTIVE_MONTHS)))))
    return rows


def _statement(targets_sql: str, month_count: int) -> str:
    q = connection.ops.quote_name
    org, vol, move, rec, stat = (q(m._meta.db_table) for m in (Organization, Volunteer, VolunteerMove, ServiceRecord,
                                                                VolunteerStatistic))
    dialect = _dialect()
    values = ", ".join(["(%s, %s, %s, %s)"] * month_count)
    star_sums = ", ".join(f"SUM(CASE WHEN v.star = {k} THEN 1 ELSE 0 END) AS s{k}" for k in STARS)
    kid_stars = ", ".join(f"SUM({dialect['star_of'].format(k=k)}) AS s{k}" for k in STARS)
    stars_json = dialect["stars"].format(", ".join(
        f"'{k}', COALESCE(ov.s{k}, 0) + COALESCE(k.s{k}, 0)" for k in STARS))
    last_child = Organization.alphabet[-1] * Organization.steplen  # children's paths sort between
    return f"""
WITH months (month, month_end, cutoff, window_start) AS (VALUES {values}),
targets AS (SELECT o.id, o.path, o.depth, o.member_count FROM {org} o WHERE {targets_sql}),
last_move AS (SELECT volunteer_id, MAX(moved_at) AS at FROM {move} GROUP BY volunteer_id),
spans AS (
    SELECT v.id AS volunteer_id, v.organization_id AS org_id, lm.at AS since, NULL AS until
      FROM {vol} v JOIN targets t ON t.id = v.organization_id LEFT JOIN last_move lm ON lm.volunteer_id = v.id
    UNION ALL
    SELECT x.volunteer_id, x.org_id, x.since, x.until FROM (
        SELECT m.volunteer_id, m.old_organization_id AS org_id, m.moved_at AS until,
               LAG(m.moved_at) OVER (PARTITION BY m.volunteer_id ORDER BY m.moved_at, m.id) AS since
          FROM {move} m) x
     WHERE x.org_id IN (SELECT id FROM targets)
),
own_v AS (
    SELECT s.org_id, mo.month, COUNT(*) AS registered,
           SUM(CASE WHEN v.political_status = %s THEN 1 ELSE 0 END) AS registered_members,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM {rec} r WHERE r.volunteer_id = v.id AND r.status = %s
                                    AND r.date > mo.window_start AND r.date <= mo.month_end)
                    THEN 1 ELSE 0 END) AS active,
           {star_sums}
      FROM spans s JOIN {vol} v ON v.id = s.volunteer_id
      JOIN months mo ON (s.since IS NULL OR s.since < mo.cutoff) AND (s.until IS NULL OR s.until >= mo.cutoff)
     WHERE v.registered_on <= mo.month_end
       AND NOT (v.status = %s AND (v.left_on IS NULL OR v.left_on <= mo.month_end))
     GROUP BY s.org_id, mo.month
),
buckets AS (
    SELECT r.organization_id AS org_id, mo.month, SUM(r.hours) AS hours
      FROM {rec} r JOIN targets t ON t.id = r.organization_id
      JOIN months mo ON r.date >= mo.month AND r.date <= mo.month_end
     WHERE r.status = %s GROUP BY r.organization_id, mo.month
),
earlier AS (
    SELECT r.organization_id AS org_id, SUM(r.hours) AS hours
      FROM {rec} r JOIN targets t ON t.id = r.organization_id
     WHERE r.status = %s AND r.date < (SELECT MIN(month) FROM months) GROUP BY r.organization_id
),
own_h AS (
    SELECT b.org_id, mo.month, SUM(CASE WHEN b.month = mo.month THEN b.hours ELSE 0 END) AS hours,
           SUM(b.hours) AS cumulative
      FROM buckets b JOIN months mo ON b.month <= mo.month GROUP BY b.org_id, mo.month
),
kids AS (
    SELECT t.id AS org_id, s.month, SUM(s.registered) AS registered, SUM(s.registered_members) AS registered_members,
           SUM(s.members) AS members, SUM(s.active) AS active, SUM(s.hours) AS hours,
           SUM(s.cumulative_hours) AS cumulative, {kid_stars}
      FROM targets t
      JOIN {org} c ON c.depth = t.depth + 1 AND c.path > t.path AND c.path <= t.path || '{last_child}'
      JOIN {stat} s ON s.organization_id = c.id
     WHERE s.month IN (SELECT month FROM months)
     GROUP BY t.id, s.month
)
INSERT INTO {stat} (organization_id, month, registered, registered_members, members, active, hours,
                    cumulative_hours, stars, computed_at)
SELECT t.id, mo.month,
       COALESCE(ov.registered, 0) + COALESCE(k.registered, 0),
       COALESCE(ov.registered_members, 0) + COALESCE(k.registered_members, 0),
       t.member_count + COALESCE(k.members, 0),
       COALESCE(ov.active, 0) + COALESCE(k.active, 0),
       COALESCE(oh.hours, 0) + COALESCE(k.hours, 0),
       COALESCE(e.hours, 0) + COALESCE(oh.cumulative, 0) + COALESCE(k.cumulative, 0),
       {stars_json}, %s
  FROM targets t CROSS JOIN months mo
  LEFT JOIN own_v ov ON ov.org_id = t.id AND ov.month = mo.month
  LEFT JOIN own_h oh ON oh.org_id = t.id AND oh.month = mo.month
  LEFT JOIN earlier e ON e.org_id = t.id
  LEFT JOIN kids k ON k.org_id = t.id AND k.month = mo.month
 WHERE 1 = 1
ON CONFLICT (organization_id, month) DO UPDATE SET
    registered = excluded.registered, registered_members = excluded.registered_members, members = excluded.members,
    active = excluded.active, hours = excluded.hours, cumulative_hours = excluded.cumulative_hours,
    stars = excluded.stars, computed_at = excluded.computed_at
"""


def _run_level(targets_sql: str, targets_params: list, months) -> int:
    rows = _month_rows(months)
    params = [value for row in rows for value in row] + list(targets_params) + [
        PoliticalStatus.LEAGUE_MEMBER, RecordStatus.CONFIRMED, VolunteerStatus.LEFT, RecordStatus.CONFIRMED,
        RecordStatus.CONFIRMED, connection.ops.adapt_datetimefield_value(timezone.now())]
    with connection.cursor() as cursor:
        cursor.execute(_statement(targets_sql, len(rows)), params)
        return cursor.rowcount


def _ancestor_levels(paths) -> dict[int, list[str]]:
    """{depth: paths} of the organisations at and above the given paths."""
    steplen = Organization.steplen
    levels: dict[int, set] = {}
    for path in paths:
        for end in range(steplen, len(path) + 1, steplen):
            levels.setdefault(end // steplen, set()).add(path[:end])
    return {depth: sorted(found) for depth, found in levels.items()}


def _run_chain(paths, months) -> int:
    """Recompute the organisations at ``paths`` and above, deepest level first: one statement per level."""
    written = 0
    for _depth, level in sorted(_ancestor_levels(paths).items(), reverse=True):
        placeholders = ", ".join(["%s"] * len(level))
        written += _run_level(f"o.path IN ({placeholders})", level, months)
    return written


@transaction.atomic
def refresh_subtree(organization, months) -> int:
    """Recompute every organisation of ``organization``'s subtree, then those above it, for ``months``.

    Returns the number of rows written (organisations × months)."""
    months = sorted(set(months))
    if not months:
        return 0
    deepest = (Organization.objects.filter(path__startswith=organization.path)
               .order_by("-depth").values_list("depth", flat=True).first()) or organization.depth
    written = 0
    for depth in range(deepest, organization.depth, -1):
        written += _run_level("o.path LIKE %s AND o.depth = %s", [organization.path + "%", depth], months)
    return written + _run_chain([organization.path], months)


@transaction.atomic
def refresh_organizations(organization_ids, since: datetime.date, until: datetime.date | None = None) -> int:
    """After the own data of these organisations changed from ``since`` on: their figures and those of everything
    above them, for every month from ``since``'s to ``until``'s (this month by default)."""
    paths = list(Organization.objects.filter(pk__in=list(organization_ids)).values_list("path", flat=True))
    months = months_between(since, until or timezone.localdate())
    if not paths or not months:
        return 0
    return _run_chain(paths, months[-MAX_MONTHS:])


def first_month(organization=None) -> datetime.date | None:
    """The month of the earliest registration or confirmed record (in ``organization``'s subtree)."""
    volunteers, records = Volunteer.objects.all(), ServiceRecord.objects.confirmed()
    if organization is not None:
        volunteers = volunteers.filter(organization__path__startswith=organization.path)
        records = records.filter(organization__path__startswith=organization.path)
    found = [d for d in (volunteers.order_by("registered_on").values_list("registered_on", flat=True).first(),
                         records.order_by("date").values_list("date", flat=True).first()) if d]
    return month_start(min(found)) if found else None


def rebuild(organization=None, months=None) -> int:
    """Recompute the statistics of ``organization``'s subtree (of every tree when None) for ``months`` (by default
    every month from the first registration or record to this one, at most ten years)."""
    roots = [organization] if organization is not None else list(Organization.objects.filter(depth=1).order_by("path"))
    written = 0
    for root in roots:
        wanted = months
        if wanted is None:
            first = first_month(root)
            wanted = months_between(first, timezone.localdate())[-MAX_MONTHS:] if first else []
        written += refresh_subtree(root, wanted)
    return written


def recent_months(count=13, today=None) -> list[datetime.date]:
    """This month and the ``count - 1`` before it (the nightly run: the active window moves with the calendar)."""
    this = month_start(today or timezone.localdate())
    return months_between(_months_back(this, count - 1), this)
