"""Who reads what of plans: the generated read matrix of the plans app's pages and API GETs.

From tests/matrix.py's World: the plan of city A (inside) is handed down to branch A1a, city B's (outside) to branch
Bb, the province's (above) to city A. A plan is seen where it was issued and wherever a part of it was handed down;
an assignment, its progress and evidence in the holder's reach.
"""
import pytest

from tests.matrix import (
    PLANNERS,
    RECORDERS,
    SEES_BRANCH,
    SEES_COMMITTEE,
    SEES_PLAN,
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
    who,
    world_fixtures,
)


def prepare(w):
    for where in WHERE:
        w.plan(where), w.entry(where)


module_world, world = world_fixtures(prepare)

def plan_of(w, where):
    return w.plan(where).plan


def section_of(w, where):
    return w.plan(where).section


def point_of(w, where):
    return w.plan(where).point


def target_of(w, where):
    return w.plan(where).target


def held(w, where):
    """The assignment held at the ``where`` branch (above: the province's own)."""
    return w.plan(where).held


def root_of(w, where):
    """The top assignment, held by the plan's committee."""
    return w.plan(where).root


def listing(model, rows, item, shown):
    return Listing(model, rows, item=item, shown=shown)


def api_list(name):
    return lambda w, where: at(name, page_size=500)


ORGANIZATIONS_LISTED = Listing(M.Organization, sheet_codes, key="code")

READS = [
    # --- pages -----------------------------------------------------------------------------------------------------
    Read("plans:plan_list", lambda w, where: at("plans:plan_list"), anywhere=True,
         listing=listing(M.Plan, context_rows("page"), plan_of, SEES_PLAN)),
    Read("plans:plan_create", lambda w, where: at("plans:plan_create"), anywhere=True, may={"admin", "staff"},
         why="a plan is created for the current role's organisation: dual's first role is the province's leader"),
    Read("plans:plan_import", lambda w, where: at("plans:plan_import"), anywhere=True, may=PLANNERS),
    Read("plans:my_tasks", lambda w, where: at("plans:my_tasks"), anywhere=True,
         listing=listing(M.Assignment, context_rows("page"), held, who({"reporter"}))),
    Read("plans:plan_detail", of("plans:plan_detail", plan_of), SEES_PLAN),
    Read("plans:plan_edit", of("plans:plan_edit", plan_of), SEES_PLAN, may=PLANNERS),
    Read("plans:ledger_export", of("plans:ledger_export", plan_of), SEES_PLAN, listing=ORGANIZATIONS_LISTED),
    Read("plans:ledger_import", of("plans:ledger_import", plan_of), SEES_PLAN),
    Read("plans:section_add", of("plans:section_add", plan_of), SEES_PLAN, may=PLANNERS),
    Read("plans:point_add", of("plans:point_add", section_of), SEES_PLAN, may=PLANNERS),
    Read("plans:point_detail", of("plans:point_detail", point_of), SEES_PLAN),
    Read("plans:point_edit", of("plans:point_edit", point_of), SEES_PLAN, may=PLANNERS),
    Read("plans:target_add", of("plans:target_add", point_of), SEES_PLAN, may=PLANNERS),
    Read("plans:target_edit", of("plans:target_edit", target_of), SEES_PLAN, may=PLANNERS),
    Read("plans:assignment_children", of("plans:assignment_children", root_of), SEES_COMMITTEE,
         listing=Listing(M.Assignment, context_rows("children"))),
    Read("plans:record_progress", of("plans:record_progress", held), SEES_BRANCH, may=RECORDERS),
    Read("plans:decompose", of("plans:decompose", root_of), SEES_COMMITTEE, may=PLANNERS),
    Read("plans:evidence_download", of("plans:evidence_download", lambda w, where: w.evidence(where)), SEES_BRANCH),
    # --- the API ---------------------------------------------------------------------------------------------------
    Read("api:plan-list", api_list("api:plan-list"), anywhere=True,
         listing=listing(M.Plan, api_rows, plan_of, SEES_PLAN)),
    Read("api:plan-detail", of("api:plan-detail", plan_of), SEES_PLAN),
    Read("api:plan-ledger", of("api:plan-ledger", plan_of), SEES_PLAN, listing=ORGANIZATIONS_LISTED),
    Read("api:section-list", api_list("api:section-list"), anywhere=True,
         listing=listing(M.Section, api_rows, section_of, SEES_PLAN)),
    Read("api:section-detail", of("api:section-detail", section_of), SEES_PLAN),
    Read("api:workpoint-list", api_list("api:workpoint-list"), anywhere=True,
         listing=listing(M.WorkPoint, api_rows, point_of, SEES_PLAN)),
    Read("api:workpoint-detail", of("api:workpoint-detail", point_of), SEES_PLAN),
    Read("api:target-list", api_list("api:target-list"), anywhere=True,
         listing=listing(M.Target, api_rows, target_of, SEES_PLAN)),
    Read("api:target-detail", of("api:target-detail", target_of), SEES_PLAN),
    Read("api:assignment-list", api_list("api:assignment-list"), anywhere=True,
         listing=listing(M.Assignment, api_rows, held, SEES_BRANCH)),
    Read("api:assignment-detail", of("api:assignment-detail", held), SEES_BRANCH),
    Read("api:progressentry-list", api_list("api:progressentry-list"), anywhere=True,
         listing=listing(M.ProgressEntry, api_rows, lambda w, where: w.entry(where), SEES_BRANCH)),
    Read("api:progressentry-detail", of("api:progressentry-detail", lambda w, where: w.entry(where)), SEES_BRANCH),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)
