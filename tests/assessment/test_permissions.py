"""Who reads what of the monthly assessment: the generated read matrix of the assessment app's pages and API GETs.

From tests/matrix.py's World: the schemes of city A (inside, assessing branch A1a), city B (outside, assessing
branch Bb) and the province (above, assessing city A), each with last month's run published, provisional and open
for appeal (with an appeal and its evidence), manual points and a bonus. A scheme is read by its issuer's side
and by those it assesses; a provisional run only by the scheme's assessors; a published score by those who see
the organisation scored.

Provisional scores: the expectations here are today's rule (only the scheme's assessors see a provisional run and
its scores). That rule is moving into ``restrict()``; the oracle of the lists is ``tests.matrix.visible``.
"""
import pytest

from tests.matrix import (
    ASSESSING,
    ASSESSORS,
    CITY_A,
    SEES_ASSESSED,
    SEES_COMMITTEE,
    SEES_SCHEME,
    WHERE,
    Listing,
    M,
    Read,
    S,
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

PUBLISHED, PROVISIONAL = S.RunStatus.PUBLISHED, S.RunStatus.PROVISIONAL


def prepare(w):
    for where in WHERE:
        w.run(where, PUBLISHED), w.run(where, PROVISIONAL), w.appeal_evidence(where), w.adjustment(where)
        w.manual_points(where)


module_world, world = world_fixtures(prepare)

def scheme_of(w, where):
    return w.scheme(where).scheme


def leaf_of(w, where):
    return w.scheme(where).leaf


def published(w, where):
    return w.run(where, PUBLISHED)


def provisional(w, where):
    return w.run(where, PROVISIONAL)


def published_score(w, where):
    return w.score(where, PUBLISHED)


def provisional_score(w, where):
    return w.score(where, PROVISIONAL)


def api_list(name):
    return lambda w, where: at(name, page_size=500)


READS = [
    # --- schemes and indicators ------------------------------------------------------------------------------------
    Read("assessment:scheme_list", lambda w, where: at("assessment:scheme_list"), anywhere=True,
         listing=Listing(M.AssessmentScheme, context_rows("page"), item=scheme_of, shown=SEES_SCHEME)),
    Read("assessment:scheme_create", lambda w, where: at("assessment:scheme_create"), anywhere=True, may=ASSESSORS),
    Read("assessment:scheme_detail", of("assessment:scheme_detail", scheme_of), SEES_SCHEME),
    Read("assessment:scheme_edit", of("assessment:scheme_edit", scheme_of), ASSESSING),
    Read("assessment:scheme_year_sheet", of("assessment:scheme_year_sheet", scheme_of), SEES_SCHEME, may=ASSESSING),
    Read("assessment:indicator_add", of("assessment:indicator_add", scheme_of), ASSESSING),
    Read("assessment:indicator_edit", of("assessment:indicator_edit", leaf_of), ASSESSING),
    # --- a month's run ---------------------------------------------------------------------------------------------
    Read("assessment:run_detail", of("assessment:run_detail", published), SEES_SCHEME,
         listing=Listing(M.Score, context_rows("page"))),
    Read("assessment:run_detail", of("assessment:run_detail", provisional), ASSESSING, variant="provisional"),
    Read("assessment:run_progress", of("assessment:run_progress", published), SEES_SCHEME),
    Read("assessment:run_progress", of("assessment:run_progress", provisional), ASSESSING, variant="provisional"),
    # the published sheet is for the issuing organisation's side too
    Read("assessment:run_sheet", of("assessment:run_sheet", published), SEES_SCHEME, may=SEES_COMMITTEE,
         listing=Listing(M.Organization, sheet_codes, key="code")),
    Read("assessment:run_sheet", of("assessment:run_sheet", provisional), ASSESSING, variant="provisional"),
    Read("assessment:run_entries", of("assessment:run_entries", published), SEES_SCHEME, may=ASSESSING),
    # --- scores and appeals ----------------------------------------------------------------------------------------
    Read("assessment:score_detail", of("assessment:score_detail", published_score), SEES_ASSESSED),
    Read("assessment:score_detail", of("assessment:score_detail", provisional_score), ASSESSING,
         variant="provisional"),
    Read("assessment:my_scores", lambda w, where: at("assessment:my_scores"), anywhere=True,
         listing=Listing(M.Score, context_rows("scores"), item=published_score, shown=who({"reporter"}, (), CITY_A))),
    # the assessed organisation's side and the assessors; the others get 404 as for a file that does not exist
    # (the reporter sees the province's run but not city A's appeal: the file's existence is not told either)
    Read("assessment:appeal_evidence", of("assessment:appeal_evidence", lambda w, where: w.appeal_evidence(where)),
         SEES_ASSESSED, may=SEES_ASSESSED),
    # --- the API ---------------------------------------------------------------------------------------------------
    Read("api:assessmentscheme-list", api_list("api:assessmentscheme-list"), anywhere=True,
         listing=Listing(M.AssessmentScheme, api_rows, item=scheme_of, shown=SEES_SCHEME)),
    Read("api:assessmentscheme-detail", of("api:assessmentscheme-detail", scheme_of), SEES_SCHEME),
    Read("api:indicator-list", api_list("api:indicator-list"), anywhere=True,
         listing=Listing(M.Indicator, api_rows, item=leaf_of, shown=SEES_SCHEME)),
    Read("api:indicator-detail", of("api:indicator-detail", leaf_of), SEES_SCHEME),
    Read("api:assessmentrun-list", api_list("api:assessmentrun-list"), anywhere=True,
         listing=Listing(M.AssessmentRun, api_rows, item=published, shown=SEES_SCHEME)),
    Read("api:assessmentrun-list", api_list("api:assessmentrun-list"), anywhere=True, variant="provisional",
         listing=Listing(M.AssessmentRun, api_rows, item=provisional, shown=ASSESSING)),
    Read("api:assessmentrun-detail", of("api:assessmentrun-detail", published), SEES_SCHEME),
    Read("api:assessmentrun-detail", of("api:assessmentrun-detail", provisional), ASSESSING, variant="provisional"),
    Read("api:assessmentrun-sheet", of("api:assessmentrun-sheet", published), SEES_SCHEME, may=ASSESSING),
    Read("api:score-list", api_list("api:score-list"), anywhere=True,
         listing=Listing(M.Score, api_rows, item=published_score, shown=SEES_ASSESSED)),
    Read("api:score-list", api_list("api:score-list"), anywhere=True, variant="provisional",
         listing=Listing(M.Score, api_rows, item=provisional_score, shown=ASSESSING)),
    Read("api:score-detail", of("api:score-detail", published_score), SEES_ASSESSED),
    Read("api:score-detail", of("api:score-detail", provisional_score), ASSESSING, variant="provisional"),
    Read("api:manualpoints-list", api_list("api:manualpoints-list"), anywhere=True,
         listing=Listing(M.ManualPoints, api_rows, item=lambda w, where: w.manual_points(where), shown=ASSESSING)),
    Read("api:manualpoints-detail", of("api:manualpoints-detail", lambda w, where: w.manual_points(where)),
         ASSESSING),
    Read("api:adjustment-list", api_list("api:adjustment-list"), anywhere=True,
         listing=Listing(M.Adjustment, api_rows, item=lambda w, where: w.adjustment(where), shown=ASSESSING)),
    Read("api:adjustment-detail", of("api:adjustment-detail", lambda w, where: w.adjustment(where)), ASSESSING),
    Read("api:appeal-list", api_list("api:appeal-list"), anywhere=True,
         listing=Listing(M.Appeal, api_rows, item=lambda w, where: w.appeal(where), shown=SEES_ASSESSED)),
    Read("api:appeal-detail", of("api:appeal-detail", lambda w, where: w.appeal(where)), SEES_ASSESSED),
]


@pytest.mark.parametrize("read, role, where", read_matrix(READS))
def test_a_read_answers_its_roles_only(client, world, read, role, where):
    assert_read(client, world, read, role, where)


@pytest.mark.parametrize("read", by_id(READS))
def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
    assert_anonymous(client, world, read)
