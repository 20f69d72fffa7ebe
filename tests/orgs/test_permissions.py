"""Who reads what of the organisation tree, its departments, accounts and roles: the generated read matrix.

Every page and API GET of the orgs app × every role (and a user with none) × the organisation (or its row) inside
city A, outside it (city B) and above it (the province), from tests/matrix.py's World. Seeing something one may
not see answers 404; a page one sees but may not use answers 403; lists hold nothing beyond ``restrict()``.
"""
from tests.matrix import (
    MANAGED_ACCOUNTS,
    OWN,
    SEE_CITY_B,
    SEES_BRANCH,
    SEES_COMMITTEE,
    Listing,
    M,
    Read,
    World,
    api_list,
    api_reads,
    api_rows,
    at,
    context_rows,
    here,
    of,
    read_tests,
    sheet_codes,
    who,
    world_fixtures,
)

ADMIN = {"admin"}


def prepare(w, where):
    w.department(where), w.holder(where), w.account(where)


module_world, world = world_fixtures(prepare)


def organizations(rows, **extra):
    """A list of organisations: the branch at each place is listed for those who see it."""
    return Listing(M.Organization, rows, item=World.branch, shown=SEES_BRANCH, **extra)


def roots_shown(w, role, response):
    """The tree starts at the top of the caller's reach: city A, the reporter's branch, the province for ``dual``."""
    top = {"reporter": w.tree.branch, "dual": w.tree.province, "nobody": None}.get(role, w.tree.city_a)
    return [o.pk for o in response.context["roots"]] == ([top.pk] if top else [])


READS = [
    # --- the tree --------------------------------------------------------------------------------------------------
    Read("orgs:tree", here("orgs:tree"), anywhere=True,
         listing=Listing(M.Organization, context_rows("roots")), check=roots_shown),
    Read("orgs:tree", here("orgs:tree", q="团"), anywhere=True, variant="search",
         listing=organizations(context_rows("table"))),
    Read("orgs:export", here("orgs:export", file_format="csv"), anywhere=True, variant="csv",
         listing=organizations(sheet_codes, key="code")),
    Read("orgs:export", here("orgs:export"), anywhere=True, variant="xlsx",
         listing=organizations(sheet_codes, key="code")),
    Read("orgs:organization_detail", of("orgs:organization_detail", World.branch), SEES_BRANCH),
    Read("orgs:organization_children", of("orgs:organization_children", World.branch), SEES_BRANCH),
    Read("orgs:organization_children", of("orgs:organization_children", World.committee), SEES_COMMITTEE,
         variant="of a committee", listing=Listing(M.Organization, context_rows("nodes"))),
    Read("orgs:organization_edit", of("orgs:organization_edit", World.branch), SEES_BRANCH, may=ADMIN),
    Read("orgs:organization_move", of("orgs:organization_move", World.branch), SEES_BRANCH, may=ADMIN),
    Read("orgs:organization_create", of("orgs:organization_create", World.branch), SEES_BRANCH, may=ADMIN),
    # --- pickers: what a form's search box offers, JSON; never beyond restrict(), nor outside by a typed code ------
    Read("orgs:organization_search", here("orgs:organization_search", q="团"), anywhere=True,
         listing=organizations(api_rows)),
    Read("orgs:organization_search", here("orgs:organization_search", q="Bb"), anywhere=True, variant="an outside code",
         listing=Listing(M.Organization, api_rows, item=World.branch, shown=who(outside=SEE_CITY_B))),
    Read("orgs:organization_search", here("orgs:organization_search", q="团", purpose="change_org"), anywhere=True,
         variant="to move under", listing=Listing(M.Organization, api_rows, item=World.branch, shown=who(ADMIN))),
    Read("orgs:user_search", here("orgs:user_search"), anywhere=True, may=ADMIN,
         listing=Listing(M.User, api_rows, item=World.account, shown=MANAGED_ACCOUNTS)),
    Read("orgs:user_search", here("orgs:user_search", purpose="grant"), anywhere=True, may=ADMIN, variant="to grant",
         listing=Listing(M.User, api_rows, item=World.account, shown=who(ADMIN))),
    # --- imports: the uploader's own -------------------------------------------------------------------------------
    Read("orgs:import", here("orgs:import"), anywhere=True, may=ADMIN),
    Read("orgs:import_template", here("orgs:import_template"), anywhere=True, may=ADMIN),
    Read("orgs:import_job", of("orgs:import_job", World.import_job), OWN),
    Read("orgs:import_job_progress", of("orgs:import_job_progress", World.import_job), OWN),
    # --- accounts --------------------------------------------------------------------------------------------------
    Read("orgs:user_list", here("orgs:user_list"), anywhere=True, may=ADMIN,
         listing=Listing(M.User, context_rows("table"), item=World.account, shown=MANAGED_ACCOUNTS)),
    Read("orgs:user_create", here("orgs:user_create"), anywhere=True, may=ADMIN),
    Read("orgs:user_detail", of("orgs:user_detail", World.account), MANAGED_ACCOUNTS),
    # --- the API ---------------------------------------------------------------------------------------------------
    *api_reads("organization", M.Organization, World.branch, SEES_BRANCH),
    Read("api:organization-export", here("api:organization-export", file_format="csv"),
         anywhere=True, variant="csv", listing=organizations(sheet_codes, key="code")),
    Read("api:organization-export", here("api:organization-export"), anywhere=True, variant="xlsx",
         listing=organizations(sheet_codes, key="code")),
    Read("api:organization-children", of("api:organization-children", World.branch), SEES_BRANCH),
    Read("api:organization-children", of("api:organization-children", World.committee), SEES_COMMITTEE,
         variant="of a committee", listing=Listing(M.Organization, api_rows)),
    Read("api:organization-search", here("api:organization-search", q="团"), anywhere=True,
         listing=organizations(api_rows)),
    Read("api:organization-search", here("api:organization-search", q="A1", purpose="manage_users"), anywhere=True,
         variant="to grant at", listing=Listing(M.Organization, api_rows, item=World.branch, shown=who(ADMIN))),
    Read("api:organization-ancestors", of("api:organization-ancestors", World.branch), SEES_BRANCH,
         listing=Listing(M.Organization, api_rows)),
    *api_reads("department", M.Department, World.department, SEES_BRANCH),
    *api_reads("roleassignment", M.RoleAssignment, World.holder, SEES_BRANCH),
    *api_reads("user", M.User, World.account, MANAGED_ACCOUNTS),
    *api_reads("importjob", M.ImportJob, World.import_job, OWN),
    # --- the audit log: administrators of the subtree only ----------------------------------------------------------
    Read("audit:entry_list", here("audit:entry_list"), anywhere=True, may=ADMIN,
         listing=Listing(M.AuditEntry, context_rows("table"), item=World.audit_entry, shown=who(ADMIN))),
    Read("audit:entry_list", here("audit:entry_list", q="团", action="org.edit"), anywhere=True, may=ADMIN,
         variant="searched", listing=Listing(M.AuditEntry, context_rows("table"), item=World.audit_entry,
                                             shown=who(ADMIN))),
    Read("audit:object_log", lambda w, where: at("audit:object_log", "orgs.organization", w.branch(where).pk),
         SEES_BRANCH, may=who(ADMIN), listing=Listing(M.AuditEntry, context_rows("table"))),
    Read("api:auditentry-list", api_list("api:auditentry-list"), anywhere=True, may=ADMIN,
         listing=Listing(M.AuditEntry, api_rows, item=World.audit_entry, shown=who(ADMIN))),
    Read("api:auditentry-detail", of("api:auditentry-detail", World.audit_entry), who(ADMIN)),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
