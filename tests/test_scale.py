"""The generated province (league_portal/scale.py, ``manage.py generate_scale_data``) at tier XS: its shape, a sound
tree, valid personal data, reproducibility, roll-ups equal to a direct computation, and pages that load for its
leader with bounded queries. The province is built once for the module, in a transaction rolled back at its end."""
import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score
from league_portal import scale
from orgs.choices import Level
from orgs.models import Organization
from orgs.services import verify_tree
from plans import rollups
from plans.choices import Aggregation, Comparator
from plans.models import Assignment, ProgressEntry, WorkPoint
from reports.models import MonthlyReport
from volunteers import pii
from volunteers.idnumbers import check_id_number
from volunteers.models import ServiceDay, ServiceRecord, Volunteer

AS_OF = datetime.date(2026, 11, 20)
SEED = 7


def build(province="43"):
    return scale.generate("XS", seed=SEED, year=2026, as_of=AS_OF, province=province, out=lambda line: None)


@pytest.fixture(scope="module")
def module_province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def province(module_province, db):
    return module_province


def subtree(report):
    return Organization.objects.get(pk=report.province_id).path


def test_it_builds_the_shape_of_the_tier_with_a_sound_tree(province):
    orgs = Organization.objects.filter(path__startswith=subtree(province))
    levels = defaultdict(int)
    for level in orgs.values_list("level", flat=True):
        levels[level] += 1
    assert levels[Level.PROVINCE] == 1 and levels[Level.CITY] == scale.TIERS["XS"].cities
    assert levels[Level.COUNTY] == 4 and levels[Level.TOWNSHIP] >= 8 and levels[Level.GRASSROOTS] >= 40
    assert verify_tree()["problems"] == {}
    for org in orgs.exclude(depth=1):  # each code extends its parent's, as 智慧团建's do
        assert org.code.startswith(Organization.objects.get(path=org.parent_path).code.rstrip("0")[:4])
    assert WorkPoint.objects.filter(section__plan_id=province.plan_id).count() == sum(len(p) for _t, _d, p in scale.PLAN)
    # ten months fell due by 20 November: every grassroots organisation has most of them
    grassroots = orgs.filter(level=Level.GRASSROOTS).count()
    due = MonthlyReport.objects.filter(month__lte=datetime.date(2026, 10, 1), organization__path__startswith=subtree(province))
    assert 0.9 * grassroots * 10 <= due.count() < grassroots * 10
    assert set(due.values_list("status", flat=True)) == {"approved", "submitted", "returned", "draft"}
    assert due.filter(days_late__gt=0).exists()
    assert Volunteer.objects.count() == scale.TIERS["XS"].volunteers
    assert 0.8 * scale.TIERS["XS"].records <= ServiceRecord.objects.count() <= scale.TIERS["XS"].records
    runs = AssessmentRun.objects.filter(scheme_id=province.scheme_id)
    assert runs.count() == 10 and runs.filter(status=RunStatus.PUBLISHED).count() == 9
    assert Score.objects.filter(run__in=runs).count() == 10 * grassroots


def test_personal_data_is_written_as_the_registry_writes_it(province):
    for volunteer in Volunteer.objects.order_by("pk")[:50]:
        number = pii.decrypt(volunteer.id_number_encrypted)
        identity = check_id_number("resident", number, today=AS_OF)  # GB 11643: a real date, the right check digit
        assert identity.birth_date == volunteer.birth_date and identity.gender == volunteer.gender
        assert volunteer.id_number_hash == pii.lookup_hash("id", number)
        assert volunteer.id_number_masked == number[:4] + "*" * 10 + number[-4:]
        mobile = pii.decrypt(volunteer.mobile_encrypted)
        assert volunteer.mobile_hash == pii.lookup_hash("mobile", mobile) and volunteer.mobile_masked[3:7] == "****"
    # hours and stars come from the registry's own refresh; a day never holds more than 24 hours
    some = Volunteer.objects.filter(confirmed_hours__gt=0).first()
    assert some.confirmed_hours == sum(r.hours for r in ServiceRecord.objects.filter(volunteer=some, status="confirmed"))
    assert not ServiceDay.objects.filter(hours__gt=24).exists()


def ordered(rows):
    return sorted(rows, key=repr)  # figures may be None


def snapshot(report):
    """What a seed decides, without keys and the province number (the first two digits of codes and ID numbers, and so the check digit)."""
    path = subtree(report)
    mine = {"organization__path__startswith": path}
    return {
        "orgs": ordered((o.code[2:], o.name, o.path[4:], o.level, o.kind, o.sector, o.member_count, o.youth_count)
                       for o in Organization.objects.filter(path__startswith=path)),
        "assignments": ordered((str(a.target.metric if a.target else a.point.title), a.organization.code[2:],
                               a.assigned_value, a.actual_value, a.completion, a.light)
                              for a in Assignment.objects.filter(**mine).select_related("target", "point", "organization")),
        "entries": ordered((e.assignment.organization.code[2:], e.reported_on, e.value, e.status)
                          for e in ProgressEntry.objects.filter(assignment__organization__path__startswith=path)
                          .select_related("assignment__organization")),
        "reports": ordered((r.organization.code[2:], r.month, r.status, r.days_late, str(r.values))
                          for r in MonthlyReport.objects.filter(**mine).select_related("organization")),
        "volunteers": ordered((v.name, pii.decrypt(v.id_number_encrypted)[2:17], v.organization.code[2:], v.confirmed_hours, v.star)
                             for v in Volunteer.objects.filter(**mine).select_related("organization")),
        "scores": ordered((s.run.month, s.organization.code[2:], s.total, s.rank, s.grade)
                         for s in Score.objects.filter(run__scheme_id=report.scheme_id).select_related("run", "organization")),
    }


def test_the_same_seed_builds_the_same_province(province):
    again = build(province="44")  # beside the first one (--force), so both can be compared
    first, second = snapshot(province), snapshot(again)
    for part in first:
        assert first[part] == second[part], part
    assert len(first["volunteers"]) == scale.TIERS["XS"].volunteers


def test_another_seed_builds_another_province(province):
    other = scale.Generator("XS", seed=SEED + 1, year=2026, as_of=AS_OF, province="45", out=lambda line: None)
    other.build_tree()
    assert snapshot(other.report)["orgs"] != snapshot(province)["orgs"]


def test_roll_ups_equal_a_direct_computation(province):
    """The province's actual figure and completion of every target, from the entries themselves."""
    latest = {}
    for entry in ProgressEntry.objects.filter(value__isnull=False).order_by("reported_on", "entered_at", "pk"):
        latest[entry.assignment_id] = entry.value  # the last wins
    roots = Assignment.objects.filter(plan_id=province.plan_id, parent=None, target__isnull=False).select_related("target")
    completions = []
    for root in roots:
        values = [latest[pk] for pk in Assignment.objects.filter(target=root.target).values_list("pk", flat=True)
                  if pk in latest]
        if root.target.aggregation == Aggregation.SUM:
            actual = sum(values, Decimal(0))
        else:
            actual = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001"))
        if root.target.comparator == Comparator.AT_MOST:
            completion = Decimal(1) if actual <= root.assigned_value else root.assigned_value / actual
        else:
            completion = actual / root.assigned_value
        assert root.actual_value == actual, root.target.metric
        assert root.completion == completion.quantize(Decimal("0.0001")), root.target.metric
        completions.append(completion.quantize(Decimal("0.0001")))
    assert len(completions) == 36
    # the plan's completion (the dashboard's figure) is their mean, each capped at 100 %
    expected = (sum(min(c, 1) for c in completions) / len(completions)).quantize(Decimal("0.0001"))
    assert rollups.mean_completion([r.completion for r in roots]) == expected


def test_pages_load_for_the_province_leader_with_bounded_queries(province, client, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(pk=province.users["leader"]))
    point = WorkPoint.objects.filter(section__plan_id=province.plan_id, targets__isnull=False).first()
    run = AssessmentRun.objects.filter(scheme_id=province.scheme_id, status=RunStatus.PUBLISHED).order_by("-month").first()
    client.get("/")  # the first request of a session loads what later ones find cached
    for url in ["/", "/dashboard/?year=2026", f"/plans/{province.plan_id}/", f"/plans/points/{point.pk}/",
                "/reports/grid/?year=2026", f"/assessment/runs/{run.pk}/"]:
        with django_assert_max_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200, url


def test_it_refuses_a_database_that_holds_organisations(province):
    with pytest.raises(CommandError, match="--wipe"):
        call_command("generate_scale_data", "--tier", "XS")
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_scale_data", "--tier", "XS", "--force", "--province", "43")
