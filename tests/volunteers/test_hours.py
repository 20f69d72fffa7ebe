"""Service records: the day's limit, the activity's dates, duplicates, confirmation, stars."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from orgs.permissions import SYSTEM
from volunteers import services
from volunteers.choices import RecordStatus
from volunteers.models import ServiceDay, ServiceRecord, StarScale
from volunteers.stars import hours_to_next_star, star_for

from .conftest import activity_of, volunteer_of

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def record(activity, volunteer, hours, date=DAY, by=SYSTEM):
    return services.record_service(by=by, activity=activity, volunteer=volunteer, date=date, hours=Decimal(hours))


def test_a_volunteer_serves_at_most_24_hours_a_day_across_activities(tree, volunteer, activity):
    other = activity_of(tree.district, title="敬老院探访")
    record(activity, volunteer, 20)
    with pytest.raises(ValidationError) as e:
        record(other, volunteer, "4.5")
    assert "hours" in e.value.message_dict
    record(other, volunteer, 4)
    assert ServiceDay.objects.get(volunteer=volunteer, date=DAY).hours == 24
    assert ServiceRecord.objects.count() == 2


def test_the_database_refuses_a_day_over_24_hours_whatever_wrote_it(volunteer):
    ServiceDay.objects.create(volunteer=volunteer, date=DAY, hours=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceDay.objects.filter(volunteer=volunteer).update(hours=25)


def test_the_database_refuses_a_duplicate_record(volunteer, activity):
    first = record(activity, volunteer, 2)
    with pytest.raises(ValidationError):
        record(activity, volunteer, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(volunteer=volunteer, activity=activity, organization=first.organization,
                                     date=DAY, hours=1)


@pytest.mark.parametrize("date", [datetime.date(2026, 2, 28), datetime.date(2026, 3, 4)])
def test_a_record_lies_within_the_activitys_dates(volunteer, activity, date):
    with pytest.raises(ValidationError) as e:
        record(activity, volunteer, 2, date=date)
    assert "date" in e.value.message_dict
    assert record(activity, volunteer, 2, date=datetime.date(2026, 3, 3))


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "1.255"])
def test_hours_of_one_record_are_positive_at_most_24_with_two_decimals(volunteer, activity, hours):
    with pytest.raises(ValidationError):
        record(activity, volunteer, hours)


def test_a_record_for_an_activity_outside_the_users_subtree_is_refused(tree, people, volunteer):
    theirs = activity_of(tree.city_b, title="乙市活动")
    with pytest.raises(PermissionDenied):
        record(theirs, volunteer, 2, by=people.staff)
    assert not ServiceRecord.objects.exists()


def test_an_organiser_records_only_volunteers_signed_up_or_in_their_subtree(tree, people, activity):
    stranger = volunteer_of(tree.other_branch, name="乙")
    with pytest.raises(PermissionDenied):
        record(activity, stranger, 2, by=people.staff)
    services.sign_up(activity, stranger, by=SYSTEM)
    assert record(activity, stranger, 2, by=people.staff).organization == tree.other_branch


def test_only_confirmed_hours_count_and_stars_follow(tree, people, volunteer, activity):
    records = [record(activity, volunteer, 24, date=DAY + datetime.timedelta(days=i)) for i in range(3)]
    volunteer.refresh_from_db()
    assert volunteer.confirmed_hours == 0
    services.confirm_records(ServiceRecord.objects.filter(pk__in=[r.pk for r in records]), by=people.staff)
    volunteer.refresh_from_db()
    assert (volunteer.confirmed_hours, volunteer.star) == (72, 0)
    more = activity_of(tree.district, title="马拉松", first=datetime.date(2026, 4, 1), days=2)
    extra = record(more, volunteer, 24, date=datetime.date(2026, 4, 1))
    services.confirm_records(ServiceRecord.objects.filter(pk=extra.pk), by=people.staff)
    volunteer.refresh_from_db()
    assert (volunteer.confirmed_hours, volunteer.star) == (96, 0)
    last = record(more, volunteer, 4, date=datetime.date(2026, 4, 2))
    services.confirm_records(ServiceRecord.objects.filter(pk=last.pk), by=people.staff)
    volunteer.refresh_from_db()
    assert (volunteer.confirmed_hours, volunteer.star) == (100, 1)
    services.reject_records(ServiceRecord.objects.filter(pk=last.pk), by=people.staff, reason="未实际到岗")
    volunteer.refresh_from_db()
    assert (volunteer.confirmed_hours, volunteer.star) == (96, 0)
    assert ServiceDay.objects.get(volunteer=volunteer, date=datetime.date(2026, 4, 2)).hours == 0


def test_rejecting_needs_a_reason_and_the_organiser(tree, people, volunteer, activity):
    rec = record(activity, volunteer, 3)
    with pytest.raises(ValidationError):
        services.reject_records(ServiceRecord.objects.filter(pk=rec.pk), by=people.staff, reason="")
    with pytest.raises(PermissionDenied):
        services.confirm_records(ServiceRecord.objects.filter(pk=rec.pk), by=people.outsider)
    with pytest.raises(PermissionDenied):
        services.confirm_records(ServiceRecord.objects.filter(pk=rec.pk), by=people.reporter)  # the branch's, not the organiser
    rec.refresh_from_db()
    assert rec.status == RecordStatus.PENDING


def test_a_province_scale_applies_below_it_and_the_nearest_wins(tree, people, volunteer, activity):
    rec = record(activity, volunteer, 24)
    services.confirm_records(ServiceRecord.objects.filter(pk=rec.pk), by=SYSTEM)
    StarScale.objects.create(organization=tree.province, one_star=20, two_stars=40, three_stars=60, four_stars=80,
                             five_stars=100)
    services.refresh_volunteer_hours()
    volunteer.refresh_from_db()
    assert volunteer.star == 1
    StarScale.objects.create(organization=tree.city_a, one_star=5, two_stars=10, three_stars=15, four_stars=20,
                             five_stars=30)
    services.refresh_volunteer_hours([volunteer.pk])
    volunteer.refresh_from_db()
    assert volunteer.star == 4


def test_a_scale_must_rise(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        StarScale.objects.create(organization=tree.province, one_star=100, two_stars=100)


@pytest.mark.parametrize("hours,star", [(0, 0), ("99.99", 0), (100, 1), ("299.99", 1), (300, 2), (600, 3),
                                        ("999.5", 3), (1000, 4), ("1499.99", 4), (1500, 5), (99999, 5)])
def test_star_thresholds_at_their_edges(hours, star):
    assert star_for(Decimal(hours)) == star


def test_hours_to_the_next_star():
    assert hours_to_next_star(Decimal("99.5")) == (1, Decimal("0.5"))
    assert hours_to_next_star(Decimal(300)) == (3, Decimal(300))
    assert hours_to_next_star(Decimal(1500)) is None
