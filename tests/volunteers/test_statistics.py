"""Volunteer statistics by hand on the small tree: registered, members' share, the active window's edges, hours,
cumulative hours, stars, a moved volunteer counted where it belonged; the incremental refresh equals the rebuild;
writes refresh them on commit."""
import datetime
from decimal import Decimal

import pytest

from orgs.permissions import SYSTEM
from volunteers import selectors, services, statistics
from volunteers.choices import PoliticalStatus, RecordStatus, VolunteerFigure, VolunteerStatus
from volunteers.models import ServiceRecord, Volunteer, VolunteerMove, VolunteerStatistic

from .conftest import TZ, activity_of, volunteer_of

pytestmark = pytest.mark.django_db
D = datetime.date
JAN, FEB, MAR, APR = D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)
MONTHS = [JAN, FEB, MAR, APR, D(2026, 1, 1), D(2026, 2, 1)]


def rec(activity, volunteer, date, hours, organization=None, status=RecordStatus.CONFIRMED):
    return ServiceRecord.objects.create(volunteer=volunteer, activity=activity, date=date, hours=Decimal(hours),
                                        organization=organization or volunteer.organization, status=status)


@pytest.fixture
def world(tree):
    """v1 (member, branch, from 10 Jan), v2 (youth, branch, from 5 Mar), v3 (member, district, 1 Feb to 15 Apr),
    v4 (member, branch from 1 Jan, moved to city B's branch on 10 Mar), and their records of 2025."""
    v1 = volunteer_of(tree.branch, "甲", registered_on=D(2025, 1, 10))
    v2 = volunteer_of(tree.branch, "乙", registered_on=D(2025, 3, 5), political_status=PoliticalStatus.YOUTH)
    v3 = volunteer_of(tree.district, "丙", registered_on=D(2025, 2, 1))
    Volunteer.objects.filter(pk=v3.pk).update(status=VolunteerStatus.LEFT, left_on=D(2025, 4, 15))
    v4 = volunteer_of(tree.branch, "丁", registered_on=D(2025, 1, 1))
    services.move_volunteer(v4, by=SYSTEM, to=tree.other_branch, reason="工作调动")
    VolunteerMove.objects.filter(volunteer=v4).update(
        moved_at=datetime.datetime(2025, 3, 10, 9, tzinfo=TZ))
    Volunteer.objects.filter(pk=v1.pk).update(star=2)
    activity = activity_of(tree.province, first=D(2024, 12, 1), days=400)
    rec(activity, v1, D(2025, 1, 20), 3)
    rec(activity, v1, D(2025, 2, 10), 2)
    rec(activity, v2, D(2025, 3, 11), 4, status=RecordStatus.PENDING)
    rec(activity, v4, D(2025, 2, 15), 5, organization=tree.branch)
    rec(activity, v4, D(2025, 3, 20), "1.5", organization=tree.other_branch)
    return {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "activity": activity}


def stat(organization, month):
    return VolunteerStatistic.objects.get(organization=organization, month=month)


def table():
    return {(s.organization_id, s.month): (s.registered, s.registered_members, s.members, s.active, s.hours,
                                           s.cumulative_hours, s.stars)
            for s in VolunteerStatistic.objects.all()}


def test_the_figures_of_each_organisation_and_month_by_hand(tree, world):
    statistics.refresh_subtree(tree.province, MONTHS)
    branch = {m: stat(tree.branch, m) for m in MONTHS}
    # January: v1 and v4 registered, both members; v1 served 3 hours
    assert (branch[JAN].registered, branch[JAN].registered_members, branch[JAN].active) == (2, 2, 1)
    assert (branch[JAN].hours, branch[JAN].cumulative_hours, branch[JAN].members) == (3, 3, 20)
    assert branch[JAN].registered_share == Decimal("10.00")
    # February: v4 served 5 hours at the branch
    assert (branch[FEB].registered, branch[FEB].active, branch[FEB].hours, branch[FEB].cumulative_hours) == (2, 2, 7, 10)
    # March: v4 left for city B on the 10th, v2 (youth) registered; v2's pending record does not count
    assert (branch[MAR].registered, branch[MAR].registered_members, branch[MAR].active) == (2, 1, 1)
    assert (branch[MAR].hours, branch[MAR].cumulative_hours) == (0, 10)
    assert branch[MAR].stars == {"0": 1, "1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert branch[MAR].hours_per_volunteer == Decimal("5.00")
    # the active window: v1's last record (10 Feb 2025) counts to January 2026, not to February 2026
    assert branch[D(2026, 1, 1)].active == 1
    assert branch[D(2026, 2, 1)].active == 0
    # the district adds v3 (registered 1 Feb, left 15 Apr) and its own members
    district = {m: stat(tree.district, m) for m in MONTHS}
    assert [district[m].registered for m in (JAN, FEB, MAR, APR)] == [2, 3, 3, 2]
    assert district[FEB].registered_members == 3 and district[FEB].members == 23
    assert district[FEB].active == 2
    # v4 counts in city B from March, with the hours served there; the branch keeps February's 5 hours
    other = stat(tree.other_branch, MAR)
    assert (other.registered, other.active, other.hours, other.cumulative_hours) == (1, 1, Decimal("1.5"), Decimal("1.5"))
    assert stat(tree.other_branch, FEB).registered == 0
    province = stat(tree.province, MAR)
    assert (province.registered, province.hours, province.cumulative_hours, province.members) == (
        4, Decimal("1.5"), Decimal("11.5"), 45)
    assert stat(tree.city_a, MAR).members == 27


def test_an_incremental_refresh_equals_the_rebuild(tree, world):
    statistics.refresh_subtree(tree.province, MONTHS)
    rec(world["activity"], world["v1"], D(2025, 2, 20), 6)
    statistics.refresh_organizations([tree.branch.pk], FEB, until=D(2026, 2, 1))
    incremental = table()
    assert stat(tree.province, APR).cumulative_hours == Decimal("17.5")
    VolunteerStatistic.objects.all().delete()
    statistics.refresh_subtree(tree.province, MONTHS)
    assert table() == {key: value for key, value in incremental.items() if key[1] in MONTHS}


def test_a_refresh_runs_one_statement_per_level_of_the_tree(tree, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        statistics.refresh_organizations([tree.branch.pk, tree.other_branch.pk], JAN, until=APR)
    assert VolunteerStatistic.objects.filter(month=APR).count() == 6  # the two branches and the four above


def test_selectors_read_the_figures_with_the_year_hours(tree, world):
    statistics.refresh_subtree(tree.province, MONTHS)
    figures = selectors.figures(tree.city_a, MAR)
    assert (figures.registered, figures.year_hours, figures.cumulative_hours) == (3, 10, 10)
    assert figures.value(VolunteerFigure.YEAR_HOURS_PER_VOLUNTEER) == Decimal("3.33")
    assert figures.value(VolunteerFigure.REGISTERED_SHARE) == Decimal("7.41")  # 2 of 27 members
    children = selectors.children_figures(tree.province, MAR)
    assert [(c.code, f.registered) for c, f in children] == [("A", 3), ("B", 1)]
    series = selectors.year_series(tree.branch, 2025)
    assert [f.hours for f in series[:4]] == [3, 7, 0, 0] and series[11].year_hours == 10
    assert selectors.figures(tree.branch, D(2024, 1, 1)).computed is False


def test_confirming_records_refreshes_the_statistics_on_commit(tree, django_capture_on_commit_callbacks):
    volunteer = volunteer_of(tree.branch, registered_on=D(2026, 1, 5))
    activity = activity_of(tree.district, first=D(2026, 3, 1))
    record = services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer, date=D(2026, 3, 2),
                                     hours=Decimal(4))
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_records(ServiceRecord.objects.filter(pk=record.pk), by=SYSTEM)
    assert stat(tree.branch, D(2026, 3, 1)).hours == 4
    assert stat(tree.province, D(2026, 3, 1)).cumulative_hours == 4
    assert stat(tree.province, D(2026, 3, 1)).registered == 1


def test_registering_and_moving_refresh_the_counts(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer = volunteer_of(tree.branch, registered_on=D(2026, 9, 1))
    this_month = statistics.recent_months(1)[0]
    assert stat(tree.city_a, this_month).registered == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.move_volunteer(volunteer, by=SYSTEM, to=tree.other_branch, reason="调动")
    assert stat(tree.city_a, this_month).registered == 0
    assert stat(tree.city_b, this_month).registered == 1
    assert stat(tree.province, this_month).registered == 1
