"""Who reads what of the organisation tree, its departments, accounts and roles: the generated read matrix.

Every page and API GET of the orgs app × every role (and a user with none) × the organisation (or its row) inside
city A, outside it (city B) and above it (the province), from tests/matrix.py's World. Seeing something one may
not see answers 404; a page one sees but may not use answers 403; lists hold nothing beyond ``restrict()``.
"""
import pytest

from tests.matrix import (
    MANAGED_ACCOUNTS,
    OWN,
    SEES_BRANCH,
    SEES_COMMITTEE,
    WHERE,
    Listing,
    M,
    Read,
    api_rows,
    assert_anonymous,
    assert_read,
    at,
    by_id,
    context_rows,
    of,
    read_matrix,
    sheet_codes,
    world_fixtures,
)

ADMIN = {"admin"}


def prepare(w):
    for where in WHERE:
        w.department(where), w.holder(where), w.account(where)


module_world, world = world_fixtures(prepare)


def branch(w, where):
    return w.branch(where)


def committee(w, where):
    return w.committee(where)


def organizations(rows, **extra):
    """A list of organisations: the branch at each place is listed for those who see it."""
    return Listing(M.Organization, rows, item=branch, shown=SEES_BRANCH, **extra)


def roots_shown(w, role, response):
    """The tree starts at the top of the caller's reach: city A, the reporter's branch, the province for ``dual``."""
    top = {"reporter": w.tree.branch, "dual": w.tree.province, "nobody": None}.get(role, w.tree.city_a)
    return [o.pk for o in response.context["roots"]] == ([top.pk] if top else [])


READS = [
    # --- the tree --------------------------------------------------------------------------------------------------
    Read("orgs:tree", lambda w, where: at("orgs:tree"), anywhere=True,
         listing=Listing(M.Organization, context_rows("roots")), check=roots_shown),
    Read("orgs:tree", lambda w, where: at("orgs:tree", q="团"), anywhere=True, variant="search",
         listing=organizations(context_rows("page"))),
    Read("orgs:export", lambda w, where: at("orgs:export", file_format="csv"), anywhere=True, variant="csv",
         listing=organizations(sheet_codes, key="code")),
    Read("orgs:export", lambda w, where: at("orgs:export"), anywhere=True, variant="xlsx",
         listing=organizations(sheet_codes, key="code")),
    Read("orgs:organization_detail", of("orgs:organization_detail", branch), SEES_BRANCH),
    Read("orgs:organization_children", of("orgs:organization_children", branch), SEES_BRANCH),
    Read("orgs:organization_children", of("orgs:organization_children", committee), SEES_COMMITTEE,
         variant="of a committee", listing=Listing(M.Organization, context_rows("nodes"))),
    Read("orgs:organization_edit", of("orgs:organization_edit", branch), SEES_BRANCH, may=ADMIN),
    Read("orgs:organization_move", of("orgs:organization_move", branch), SEES_BRANCH, may=ADMIN),
    Read("orgs:organization_create", of("orgs:organization_create", branch), SEES_BRANCH, may=ADMIN),
    # --- imports: the uploader's own -------------------------------------------------------------------------------
    Read("orgs:import", lambda w, where: at("orgs:import"), anywhere=True, may=ADMIN),
    Read("orgs:import_job", of("orgs:import_job", lambda w, where: w.import_job(where)), OWN),
    Read("orgs:import_job_progress", of("orgs:import_job_progress", lambda w, where: w.import_job(where)), OWN),
    # --- accounts --------------------------------------------------------------------------------------------------
    Read("orgs:user_list", lambda w, where: at("orgs:user_list"), anywhere=True, may=ADMIN,
         listing=Listing(M.User, context_rows("page"), item=lambda w, where: w.account(where), shown=MANAGED_ACCOUNTS)),
    Read("orgs:user_create", lambda w, where: at("orgs:user_create"), anywhere=True, may=ADMIN),
    Read("orgs:user_detail", of("orgs:user_detail", lambda w, where: w.account(where)), MANAGED_ACCOUNTS),
    # --- the API ---------------------------------------------------------------------------------------------------
    Read("api:organization-list", lambda w, where: at("api:organization-list", page_size=500), anywhere=True,
         listing=organizations(api_rows)),
    Read("api:organization-export", lambda w, where: at("api:organization-export", file_format="csv"),
         anywhere=True, variant="csv", listing=organizations(sheet_codes, key="code")),
    Read("api:organization-export", lambda w, where: at("api:organization-export"), anywhere=True, variant="xlsx",
         listing=organizations(sheet_codes, key="code")),
    Read("api:organization-detail", of("api:organization-detail", branch), SEES_BRANCH),
    Read("api:organization-children", of("api:organization-children", branch), SEES_BRANCH),
    Read("api:organization-children", of("api:organization-children", committee), SEES_COMMITTEE,
         variant="of a committee", listing=Listing(M.Organization, api_rows)),
    Read("api:organization-ancestors", of("api:organization-ancestors", branch), SEES_BRANCH,
         listing=Listing(M.Organization, api_rows)),
    Read("api:department-list", lambda w, where: at("api:department-list", page_size=500), anywhere=True,
         listing=Listing(M.Department, api_rows, item=lambda w, where: w.department(where), shown=SEES_BRANCH)),
    Read("api:department-detail", of("api:department-detail", lambda w, where: w.department(where)), SEES_BRANCH),
    Read("api:roleassignment-list", lambda w, where: at("api:roleassignment-list", page_size=500), anywhere=True,
         listing=Listing(M.RoleAssignment, api_rows, item=lambda w, where: w.holder(where), shown=SEES_BRANCH)),
    Read("api:roleassignment-detail", of("api:roleassignment-detail", lambda w, where: w.holder(where)),
         SEES_BRANCH),
    Read("api:user-list", lambda w, where: at("api:user-list", page_size=500), anywhere=True,
         listing=Listing(M.User, api_rows, item=lambda w, where: w.account(where), shown=MANAGED_ACCOUNTS)),
    Read("api:user-detail", of("api:user-detail", lambda w, where: w.account(where)), MANAGED_ACCOUNTS),
    Read("api:importjob-list", lambda w, where: at("api:importjob-list", page_size=500), anywhere=True,
         listing=Listing(M.ImportJob, api_rows, item=lambda w, where: w.import_job(where), shown=OWN)),
    Read("api:importjob-detail", of("api:importjob-detail", lambda w, where: w.import_job(where)), OWN),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)
