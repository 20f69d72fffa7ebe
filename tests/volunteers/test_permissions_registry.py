"""Who reads what of the volunteer registry: the generated read matrix of its pages and API.

Every registry page and API GET × every role (and a user with none) × the volunteer (or audit row, or star scale)
inside city A, outside it (city B) and above it (the province), from tests/matrix.py's World. A volunteer is seen
where its organisation is; the reveal and the audit trail are administrators'; the star scale is set by the
administrators of a province or city. Every answer is also searched for the volunteers' clear numbers: no read
shows them (only the POST of the reveal does).
"""
import pytest

from tests.matrix import (
    SEES_BRANCH,
    SEES_COMMITTEE,
    UNMASKERS,
    VOLUNTEER_MANAGERS,
    Listing,
    M,
    Read,
    api_rows,
    assert_anonymous,
    assert_read,
    at,
    body_text,
    by_id,
    context_rows,
    of,
    read_matrix,
    sheet_rows,
    who,
    world_fixtures,
)
from volunteers import pii
from volunteers.models import StarScale


def prepare(w, where):
    w.volunteer(where)


module_world, world = world_fixtures(prepare)


def volunteer(w, where):
    return w.volunteer(where)


def committee(w, where):
    return w.committee(where)


def here(name, **query):
    return lambda w, where: at(name, **query)


def masked(w, role, response):
    """Nothing in clear: neither the World's volunteers' document numbers nor their mobile."""
    text = body_text(response)
    clear = {pii.decrypt(v.id_number_encrypted) for v in M.Volunteer.objects.all()} | {"13800001111"}
    return not any(number in text for number in clear)


def exported_names(response):
    """The names (first column) of the exported registry, below its header."""
    return [row[0] for row in sheet_rows(response)[1:]]


VOLUNTEERS = Listing(M.Volunteer, context_rows("table"), item=volunteer, shown=SEES_BRANCH)
AUDITORS = who(UNMASKERS)

READS = [
    # --- pages -----------------------------------------------------------------------------------------------------
    Read("volunteers:volunteer_list", here("volunteers:volunteer_list"), anywhere=True, listing=VOLUNTEERS,
         check=masked),
    Read("volunteers:volunteer_list", here("volunteers:volunteer_list", q="志愿者", sort="-hours", page_size=20),
         anywhere=True, variant="search", listing=VOLUNTEERS, check=masked),
    Read("volunteers:volunteer_export", here("volunteers:volunteer_export"), anywhere=True,
         listing=Listing(M.Volunteer, exported_names, item=volunteer, shown=SEES_BRANCH, key="name"), check=masked),
    Read("volunteers:volunteer_create", here("volunteers:volunteer_create"), anywhere=True, may=VOLUNTEER_MANAGERS),
    Read("volunteers:volunteer_detail", of("volunteers:volunteer_detail", volunteer), SEES_BRANCH,
         check=masked),
    Read("volunteers:volunteer_edit", of("volunteers:volunteer_edit", volunteer), SEES_BRANCH, may=VOLUNTEER_MANAGERS,
         check=masked),
    Read("volunteers:volunteer_move", of("volunteers:volunteer_move", volunteer), SEES_BRANCH, may=VOLUNTEER_MANAGERS),
    Read("volunteers:volunteer_leave", of("volunteers:volunteer_leave", volunteer), SEES_BRANCH,
         may=VOLUNTEER_MANAGERS),
    Read("volunteers:volunteer_reveal", of("volunteers:volunteer_reveal", volunteer), SEES_BRANCH, may=UNMASKERS,
         check=masked),
    Read("volunteers:unmask_list", here("volunteers:unmask_list"), anywhere=True, may=UNMASKERS,
         listing=Listing(M.UnmaskEvent, context_rows("page"), item=lambda w, where: w.unmask_event(where),
                         shown=AUDITORS), check=masked),
    Read("volunteers:star_scale", of("volunteers:star_scale", committee), SEES_COMMITTEE, may={"admin"}),
    # --- API -------------------------------------------------------------------------------------------------------
    Read("api:volunteer-list", here("api:volunteer-list"), anywhere=True,
         listing=Listing(M.Volunteer, api_rows, item=volunteer, shown=SEES_BRANCH), check=masked),
    Read("api:volunteer-list", here("api:volunteer-list", q="13800001111", status="active"), anywhere=True,
         variant="by mobile", listing=Listing(M.Volunteer, api_rows, item=volunteer, shown=SEES_BRANCH),
         check=masked),
    Read("api:volunteer-detail", of("api:volunteer-detail", volunteer), SEES_BRANCH, check=masked),
    Read("api:unmaskevent-list", here("api:unmaskevent-list"), anywhere=True,
         listing=Listing(M.UnmaskEvent, api_rows, item=lambda w, where: w.unmask_event(where), shown=AUDITORS)),
    Read("api:unmaskevent-detail", of("api:unmaskevent-detail", lambda w, where: w.unmask_event(where)), AUDITORS),
    Read("api:starscale-list", here("api:starscale-list"), anywhere=True,
         listing=Listing(StarScale, api_rows, item=lambda w, where: w.star_scale(where), shown=SEES_COMMITTEE)),
    Read("api:starscale-detail", of("api:starscale-detail", lambda w, where: w.star_scale(where)), SEES_COMMITTEE),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in_unless_public(client, world, read):
    assert_anonymous(client, world, read)
