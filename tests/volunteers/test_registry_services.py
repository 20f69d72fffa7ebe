"""Registering, changing, moving, revealing and anonymising volunteers."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from orgs.permissions import SYSTEM
from volunteers import pii, services
from volunteers.choices import IdType, VolunteerStatus
from volunteers.models import UnmaskEvent, Volunteer, VolunteerMove

from .conftest import volunteer_of
from .ids import resident_id

pytestmark = pytest.mark.django_db


def test_it_stores_the_id_number_and_mobile_encrypted_hashed_and_masked(tree):
    number = resident_id("440305", datetime.date(1999, 9, 9))
    volunteer = volunteer_of(tree.branch, id_number=number, mobile="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM volunteers_volunteer WHERE id = %s", [volunteer.pk])
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert number not in stored and "13812345678" not in stored
    assert volunteer.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert volunteer.mobile_masked == "138****5678"
    assert pii.decrypt(volunteer.id_number_encrypted) == number
    assert volunteer.birth_date == datetime.date(1999, 9, 9)


def test_it_refuses_the_same_id_number_anywhere_in_the_province(tree):
    number = resident_id()
    volunteer_of(tree.branch, id_number=number)
    with pytest.raises(ValidationError) as e:
        volunteer_of(tree.other_branch, id_number=number.lower() if number.endswith("X") else " " + number)
    assert "id_number" in e.value.message_dict
    assert Volunteer.objects.count() == 1


def test_the_database_refuses_a_second_row_with_the_same_lookup_hash(tree):
    first = volunteer_of(tree.branch)
    second = volunteer_of(tree.other_branch)
    second.id_number_hash = first.id_number_hash
    with pytest.raises(ValidationError):
        services._save_unique(second)


def test_the_birth_date_and_gender_must_agree_with_the_number(tree):
    number = resident_id(birth=datetime.date(2001, 1, 1), male=True)
    with pytest.raises(ValidationError) as e:
        volunteer_of(tree.branch, id_number=number, birth_date=datetime.date(2001, 1, 2), gender="female")
    assert set(e.value.message_dict) == {"birth_date", "gender"}


def test_a_volunteer_of_14_to_17_needs_a_guardians_consent_and_younger_ones_cannot_register(tree):
    registered = datetime.date(2026, 6, 1)
    fifteen = resident_id(birth=datetime.date(2011, 1, 1))
    with pytest.raises(ValidationError) as e:
        volunteer_of(tree.branch, id_number=fifteen, registered_on=registered)
    assert "guardian_consent" in e.value.message_dict
    assert volunteer_of(tree.branch, id_number=fifteen, registered_on=registered, guardian_consent=True,
                        guardian_name="李父")
    with pytest.raises(ValidationError) as e:
        volunteer_of(tree.branch, id_number=resident_id(birth=datetime.date(2013, 1, 1)), registered_on=registered,
                     guardian_consent=True)
    assert "birth_date" in e.value.message_dict
    # 18 on the day of registration: no consent needed
    assert volunteer_of(tree.branch, id_number=resident_id(birth=datetime.date(2008, 6, 1)), registered_on=registered)


def test_a_passport_holder_gives_the_birth_date_themself(tree):
    volunteer = volunteer_of(tree.branch, id_type=IdType.PASSPORT, id_number="E99887766",
                             birth_date=datetime.date(1995, 3, 3), gender="female")
    assert volunteer.id_number_masked == "E*******6"  # a fifth at each end (test_attack_findings)
    assert volunteer.birth_date == datetime.date(1995, 3, 3)


def test_only_managers_of_the_organisation_register_there(tree, people):
    for user in (people.leader, people.assessor, people.outsider, people.nobody):
        with pytest.raises(PermissionDenied):
            services.register_volunteer(by=user, organization=tree.branch, name="王五", id_type="resident",
                                        id_number=resident_id())
    assert services.register_volunteer(by=people.staff, organization=tree.branch, name="王五", id_type="resident",
                                       id_number=resident_id())
    with pytest.raises(PermissionDenied):  # a reporter manages their own branch only
        services.register_volunteer(by=people.reporter, organization=tree.district, name="赵六",
                                    id_type="resident", id_number=resident_id())


def test_an_update_cannot_move_a_volunteer_or_take_a_taken_number(tree, people, volunteer):
    other = volunteer_of(tree.branch, name="王五")
    with pytest.raises(TypeError):
        services.update_volunteer(volunteer, by=people.staff, organization=tree.other_branch)
    with pytest.raises(ValidationError):
        services.update_volunteer(volunteer, by=people.staff, id_number=pii.decrypt(other.id_number_encrypted))
    services.update_volunteer(volunteer, by=people.staff, mobile="139 0000 1111", skills="急救")
    volunteer.refresh_from_db()
    assert volunteer.mobile_masked == "139****1111" and volunteer.skills == "急救"


def test_moving_keeps_the_history_and_needs_both_ends(tree, people, volunteer):
    with pytest.raises(PermissionDenied):
        services.move_volunteer(volunteer, by=people.staff, to=tree.other_branch)
    services.move_volunteer(volunteer, by=SYSTEM, to=tree.other_branch, reason="工作调动")
    move = VolunteerMove.objects.get(volunteer=volunteer)
    assert (move.old_organization, move.new_organization, move.reason) == (tree.branch, tree.other_branch, "工作调动")


def test_revealing_needs_an_administrator_above_and_a_reason_and_is_logged(tree, people, volunteer):
    with pytest.raises(ValidationError):
        services.reveal_personal_data(volunteer, by=people.admin, reason="  ")
    for user in (people.staff, people.reporter, people.leader, people.outsider):
        with pytest.raises(PermissionDenied):
            services.reveal_personal_data(volunteer, by=user, reason="核对")
    clear = services.reveal_personal_data(volunteer, by=people.admin, reason="核对保险信息")
    assert clear == {"id_number": pii.decrypt(volunteer.id_number_encrypted), "mobile": "13812345678"}
    event = UnmaskEvent.objects.get()
    assert (event.user, event.volunteer, event.reason) == (people.admin, volunteer, "核对保险信息")


def test_the_audit_trail_is_read_by_those_who_may_unmask(tree, people, volunteer):
    services.reveal_personal_data(volunteer, by=people.admin, reason="核对")
    assert UnmaskEvent.objects.restrict(people.admin).count() == 1
    assert UnmaskEvent.objects.restrict(people.staff).count() == 0
    assert UnmaskEvent.objects.restrict(people.outsider).count() == 0


def test_anonymising_removes_what_identifies_and_keeps_the_figures(tree, people, volunteer):
    volunteer.confirmed_hours, volunteer.star = 120, 1
    volunteer.save()
    number = pii.decrypt(volunteer.id_number_encrypted)
    services.anonymise_volunteer(volunteer, by=people.staff)
    volunteer.refresh_from_db()
    assert volunteer.name != "李四" and volunteer.id_number_hash is None and volunteer.id_number_encrypted == ""
    assert volunteer.mobile_masked == "" and volunteer.birth_date is None and volunteer.status == VolunteerStatus.LEFT
    assert (volunteer.confirmed_hours, volunteer.star) == (120, 1)
    with pytest.raises(ValidationError):
        services.update_volunteer(volunteer, by=people.staff, name="李四")
    assert volunteer_of(tree.branch, id_number=number)  # the number is free again
