"""Who reads what of the monthly reports: the generated read matrix of the reports app's pages and API GETs.

From tests/matrix.py's World: reporting rules and fields of city A (inside), city B (outside) and the province
(above); last month's draft report of branch A1a, of branch Bb and of the province, each with an attachment.
A report is seen in its organisation's reach; the grid, the month's sheet and the summary are for reviewers,
the offline form for those who fill in reports, the settings for those who configure them.
"""
from tests.matrix import (
    ANYONE,
    PLANNERS,
    RECORDERS,
    REVIEWERS,
    SEE_CITY_B,
    SEES_BRANCH,
    SEES_COMMITTEE,
    Listing,
    M,
    Read,
    World,
    api_reads,
    at,
    context_rows,
    everywhere,
    here,
    of,
    read_tests,
    sheet_codes,
    who,
    world_fixtures,
)


def prepare(w, where):
    w.rule(where), w.field(where), w.report(where), w.attachment(where)


module_world, world = world_fixtures(prepare)


# Reviewers see the organisations below them that report: branch A1a, and for ``dual`` (who leads the province)
# branch Bb too. The province itself reports to nobody.
REVIEWED = who(REVIEWERS, SEE_CITY_B)
# Settings are for those who configure reports, of the organisations where they do: others are refused whatever
# organisation they name.
CONFIGURES = who(PLANNERS) | everywhere(ANYONE - PLANNERS)


def settings_of(name):
    return lambda w, where: at(name, org=w.committee(where).code)


READS = [
    # --- the reporter's pages --------------------------------------------------------------------------------------
    Read("reports:my_reports", here("reports:my_reports"), anywhere=True,
         listing=Listing(M.MonthlyReport, context_rows("history"), item=World.report, shown=who({"reporter"}))),
    Read("reports:report_detail", of("reports:report_detail", World.report), SEES_BRANCH),
    Read("reports:attachment_download", of("reports:attachment_download", World.attachment),
         SEES_BRANCH),
    Read("reports:report_template", here("reports:report_template"), anywhere=True, may=RECORDERS,
         listing=Listing(M.Organization, sheet_codes, item=World.branch, shown=who(RECORDERS), key="code")),
    Read("reports:report_upload", here("reports:report_upload"), anywhere=True, may=RECORDERS),
    # --- the reviewers' --------------------------------------------------------------------------------------------
    Read("reports:report_grid", here("reports:report_grid"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, context_rows("page"), item=World.branch, shown=REVIEWED)),
    Read("reports:report_list", here("reports:report_list"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.MonthlyReport, context_rows("table"), item=World.report, shown=REVIEWED)),
    Read("reports:report_list", here("reports:report_list", export="xlsx", sort="-month"), anywhere=True,
         may=REVIEWERS, variant="export this list",
         listing=Listing(M.Organization, sheet_codes, item=World.branch, shown=REVIEWED, key="code")),
    Read("reports:report_export", here("reports:report_export"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, sheet_codes, item=World.branch, shown=REVIEWED, key="code")),
    # --- the settings ----------------------------------------------------------------------------------------------
    Read("reports:report_settings", settings_of("reports:report_settings"), CONFIGURES, may=PLANNERS),
    Read("reports:rule_add", settings_of("reports:rule_add"), CONFIGURES, may=PLANNERS),
    Read("reports:field_add", settings_of("reports:field_add"), CONFIGURES, may=PLANNERS),
    Read("reports:rule_edit", of("reports:rule_edit", World.rule), PLANNERS),
    Read("reports:field_edit", of("reports:field_edit", World.field), PLANNERS),
    # --- the API ---------------------------------------------------------------------------------------------------
    *api_reads("reportingrule", M.ReportingRule, World.rule, SEES_COMMITTEE),
    *api_reads("reportfield", M.ReportField, World.field, SEES_COMMITTEE),
    *api_reads("monthlyreport", M.MonthlyReport, World.report, SEES_BRANCH),
    Read("api:monthlyreport-export", here("api:monthlyreport-export"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, sheet_codes, item=World.branch, shown=REVIEWED, key="code")),
    Read("api:monthlyreport-summary", here("api:monthlyreport-summary"), anywhere=True,
         may=REVIEWERS),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
