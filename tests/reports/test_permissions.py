"""Who reads what of the monthly reports: the generated read matrix of the reports app's pages and API GETs.

From tests/matrix.py's World: reporting rules and fields of city A (inside), city B (outside) and the province
(above); last month's draft report of branch A1a, of branch Bb and of the province, each with an attachment.
A report is seen in its organisation's reach; the grid, the month's sheet and the summary are for reviewers,
the offline form for those who fill in reports, the settings for those who configure them.
"""
import pytest

from tests.matrix import (
    ANYONE,
    PLANNERS,
    RECORDERS,
    REVIEWERS,
    SEE_CITY_B,
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
    everywhere,
    of,
    read_matrix,
    sheet_codes,
    who,
    world_fixtures,
)


def prepare(w):
    for where in WHERE:
        w.rule(where), w.field(where), w.report(where), w.attachment(where)


module_world, world = world_fixtures(prepare)


def branch(w, where):
    return w.branch(where)


def report(w, where):
    return w.report(where)


# Reviewers see the organisations below them that report: branch A1a, and for ``dual`` (who leads the province)
# branch Bb too. The province itself reports to nobody.
REVIEWED = who(REVIEWERS, SEE_CITY_B)
# Settings are for those who configure reports, of the organisations where they do: others are refused whatever
# organisation they name.
CONFIGURES = who(PLANNERS) | everywhere(ANYONE - PLANNERS)


def settings_of(name):
    return lambda w, where: at(name, org=w.committee(where).code)


def api_list(name):
    return lambda w, where: at(name, page_size=500)


READS = [
    # --- the reporter's pages --------------------------------------------------------------------------------------
    Read("reports:my_reports", lambda w, where: at("reports:my_reports"), anywhere=True,
         listing=Listing(M.MonthlyReport, context_rows("history"), item=report, shown=who({"reporter"}))),
    Read("reports:report_detail", of("reports:report_detail", report), SEES_BRANCH),
    Read("reports:attachment_download", of("reports:attachment_download", lambda w, where: w.attachment(where)),
         SEES_BRANCH),
    Read("reports:report_template", lambda w, where: at("reports:report_template"), anywhere=True, may=RECORDERS,
         listing=Listing(M.Organization, sheet_codes, item=branch, shown=who(RECORDERS), key="code")),
    Read("reports:report_upload", lambda w, where: at("reports:report_upload"), anywhere=True, may=RECORDERS),
    # --- the reviewers' --------------------------------------------------------------------------------------------
    Read("reports:report_grid", lambda w, where: at("reports:report_grid"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, context_rows("page"), item=branch, shown=REVIEWED)),
    Read("reports:report_export", lambda w, where: at("reports:report_export"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, sheet_codes, item=branch, shown=REVIEWED, key="code")),
    # --- the settings ----------------------------------------------------------------------------------------------
    Read("reports:report_settings", settings_of("reports:report_settings"), CONFIGURES, may=PLANNERS),
    Read("reports:rule_add", settings_of("reports:rule_add"), CONFIGURES, may=PLANNERS),
    Read("reports:field_add", settings_of("reports:field_add"), CONFIGURES, may=PLANNERS),
    Read("reports:rule_edit", of("reports:rule_edit", lambda w, where: w.rule(where)), PLANNERS),
    Read("reports:field_edit", of("reports:field_edit", lambda w, where: w.field(where)), PLANNERS),
    # --- the API ---------------------------------------------------------------------------------------------------
    Read("api:reportingrule-list", api_list("api:reportingrule-list"), anywhere=True,
         listing=Listing(M.ReportingRule, api_rows, item=lambda w, where: w.rule(where), shown=SEES_COMMITTEE)),
    Read("api:reportingrule-detail", of("api:reportingrule-detail", lambda w, where: w.rule(where)), SEES_COMMITTEE),
    Read("api:reportfield-list", api_list("api:reportfield-list"), anywhere=True,
         listing=Listing(M.ReportField, api_rows, item=lambda w, where: w.field(where), shown=SEES_COMMITTEE)),
    Read("api:reportfield-detail", of("api:reportfield-detail", lambda w, where: w.field(where)), SEES_COMMITTEE),
    Read("api:monthlyreport-list", api_list("api:monthlyreport-list"), anywhere=True,
         listing=Listing(M.MonthlyReport, api_rows, item=report, shown=SEES_BRANCH)),
    Read("api:monthlyreport-detail", of("api:monthlyreport-detail", report), SEES_BRANCH),
    Read("api:monthlyreport-export", lambda w, where: at("api:monthlyreport-export"), anywhere=True, may=REVIEWERS,
         listing=Listing(M.Organization, sheet_codes, item=branch, shown=REVIEWED, key="code")),
    Read("api:monthlyreport-summary", lambda w, where: at("api:monthlyreport-summary"), anywhere=True,
         may=REVIEWERS),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)
