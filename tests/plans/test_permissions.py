"""Who reads what of plans: the generated read matrix of the plans app's pages and API GETs.

From tests/matrix.py's World: the plan of city A (inside) is handed down to branch A1a, city B's (outside) to branch
Bb, the province's (above) to city A. A plan is seen where it was issued and wherever a part of it was handed down;
an assignment, its progress and evidence in the holder's reach.
"""
from tests.matrix import (
    PLANNERS,
    RECORDERS,
    SEES_BRANCH,
    SEES_COMMITTEE,
    SEES_PLAN,
    Listing,
    M,
    Read,
    World,
    api_reads,
    context_rows,
    held,
    here,
    of,
    plan_of,
    point_of,
    read_tests,
    root_of,
    section_of,
    sheet_codes,
    target_of,
    who,
    world_fixtures,
)


def prepare(w, where):
    w.plan(where), w.entry(where)


module_world, world = world_fixtures(prepare)


def listing(model, rows, item, shown):
    return Listing(model, rows, item=item, shown=shown)


ORGANIZATIONS_LISTED = Listing(M.Organization, sheet_codes, key="code")

READS = [
    # --- pages -----------------------------------------------------------------------------------------------------
    Read("plans:plan_list", here("plans:plan_list"), anywhere=True,
         listing=listing(M.Plan, context_rows("table"), plan_of, SEES_PLAN)),
    Read("plans:plan_create", here("plans:plan_create"), anywhere=True, may={"admin", "staff"},
         why="a plan is created for the current role's organisation: dual's first role is the province's leader"),
    Read("plans:plan_import", here("plans:plan_import"), anywhere=True, may=PLANNERS),
    Read("plans:my_tasks", here("plans:my_tasks"), anywhere=True,
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
    Read("plans:evidence_download", of("plans:evidence_download", World.evidence), SEES_BRANCH),
    # --- the API ---------------------------------------------------------------------------------------------------
    *api_reads("plan", M.Plan, plan_of, SEES_PLAN),
    Read("api:plan-ledger", of("api:plan-ledger", plan_of), SEES_PLAN, listing=ORGANIZATIONS_LISTED),
    *api_reads("section", M.Section, section_of, SEES_PLAN),
    *api_reads("workpoint", M.WorkPoint, point_of, SEES_PLAN),
    *api_reads("target", M.Target, target_of, SEES_PLAN),
    *api_reads("assignment", M.Assignment, held, SEES_BRANCH),
    *api_reads("progressentry", M.ProgressEntry, World.entry, SEES_BRANCH),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
