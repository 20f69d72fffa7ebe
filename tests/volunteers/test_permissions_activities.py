"""Who reads what of volunteer activities: the generated read matrix of their pages and API.

Every activity page and API GET × every role (and a user with none) × the activity (or its sign-up, record or scan)
inside city A, outside it (city B) and above it (the province), from tests/matrix.py's World. An activity and what
hangs on it are seen where its organiser is; its organiser's pages (edit, the sign-in QR code) are for those who
manage volunteers there. The scan page and a volunteer's own page answer every account, and say nothing about an
activity to an account that is not a volunteer's. No answer shows a volunteer's clear document number or mobile.
"""
import datetime

import pytest

from tests.matrix import (
    ANYONE,
    SEES_BRANCH,
    VOLUNTEER_MANAGERS,
    Listing,
    M,
    Read,
    api_reads,
    assert_anonymous,
    assert_read,
    at,
    body_text,
    by_id,
    context_rows,
    everywhere,
    here,
    of,
    read_matrix,
    world_fixtures,
)
from volunteers import pii, signin
from volunteers.models import SignIn


def prepare(w, where):
    w.service_record(where)


module_world, world = world_fixtures(prepare)


def activity(w, where):
    return w.activity(where)


def sign_in(w, where):
    """The ``where`` volunteer's scan at the ``where`` activity."""
    return w.once(("sign_in", where), lambda: SignIn.objects.create(
        activity=w.activity(where), volunteer=w.volunteer(where), kind="in",
        at=datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC), window=1))


def masked(w, role, response):
    """Nothing in clear: neither the World's volunteers' document numbers nor their mobile."""
    text = body_text(response)
    clear = {pii.decrypt(v.id_number_encrypted) for v in M.Volunteer.objects.all()} | {"13800001111"}
    return not any(number in text for number in clear)


def scan_url(w, where):
    a = w.activity(where)
    return at("volunteers:scan", a.pk, code=signin.current_code(a))


def says_nothing_of_the_activity(w, role, response):
    """The World's accounts are no volunteer's: the scan page explains that, and names no activity."""
    text = body_text(response)
    return "没有关联注册志愿者" in text and not any(f"活动{where}" in text for where in ("inside", "outside", "above"))


def explains(w, role, response):
    return response.context["volunteer"] is None and "还没有关联志愿者" in body_text(response)


ACTIVITIES = Listing(M.Activity, context_rows("table"), item=activity, shown=SEES_BRANCH)
MANAGE_INSIDE = VOLUNTEER_MANAGERS  # the reporter manages its branch, whose activity is the ``inside`` one

READS = [
    # --- pages -----------------------------------------------------------------------------------------------------
    Read("volunteers:activity_list", here("volunteers:activity_list"), anywhere=True, listing=ACTIVITIES),
    Read("volunteers:activity_list", here("volunteers:activity_list", q="活动", period="over", sort="-signups",
                                          category="community", status="open", page_size=20),
         anywhere=True, variant="filtered", listing=ACTIVITIES),
    Read("volunteers:activity_create", here("volunteers:activity_create"), anywhere=True, may=VOLUNTEER_MANAGERS),
    Read("volunteers:activity_detail", of("volunteers:activity_detail", activity), SEES_BRANCH, check=masked),
    Read("volunteers:activity_detail", of("volunteers:activity_detail", activity, q="志愿者", status="pending"),
         SEES_BRANCH, variant="search and pending", check=masked),
    Read("volunteers:activity_edit", of("volunteers:activity_edit", activity), SEES_BRANCH, may=MANAGE_INSIDE),
    Read("volunteers:activity_signin", of("volunteers:activity_signin", activity), SEES_BRANCH, may=MANAGE_INSIDE,
         check=masked),
    Read("volunteers:activity_signin_code", of("volunteers:activity_signin_code", activity), SEES_BRANCH,
         may=MANAGE_INSIDE),
    Read("volunteers:scan", scan_url, everywhere(ANYONE), check=says_nothing_of_the_activity,
         why="any account may open a QR code's address; only a volunteer's account learns what it is"),
    Read("volunteers:my_page", here("volunteers:my_page"), anywhere=True, check=explains),
    # --- API -------------------------------------------------------------------------------------------------------
    *api_reads("activity", M.Activity, activity, SEES_BRANCH),
    Read("api:activity-list", here("api:activity-list", period="over", category="community", q="活动", sort="-starts_at"),
         anywhere=True, variant="filtered"),
    *api_reads("signup", M.Signup, lambda w, where: w.signup(where), SEES_BRANCH),
    *api_reads("servicerecord", M.ServiceRecord, lambda w, where: w.service_record(where), SEES_BRANCH),
    Read("api:servicerecord-list", here("api:servicerecord-list", status="pending", date_from="2026-03-01"),
         anywhere=True, variant="pending"),
    *api_reads("signin", SignIn, sign_in, SEES_BRANCH),
]
for read in READS:  # lists and the API's nested volunteers are masked too
    read.check = read.check or masked


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)

