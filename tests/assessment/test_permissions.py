"""Who reads what of the monthly assessment: the generated read matrix of the assessment app's pages and API GETs.

From tests/matrix.py's World: the schemes of city A (inside, assessing branch A1a), city B (outside, assessing
branch Bb) and the province (above, assessing city A), each with last month's run published, provisional and open
for appeal (with an appeal and its evidence), manual points and a bonus. A scheme is read by its issuer's side
and by those it assesses; a provisional run only by the scheme's assessors; a published score by those who see
the organisation scored.

Provisional scores: the expectations here are today's rule (only the scheme's assessors see a provisional run and
its scores). That rule is moving into ``restrict()``; the oracle of the lists is ``tests.matrix.visible``.
"""
from assessment.selectors import score_url
from tests.matrix import (
    ASSESSING,
    ASSESSORS,
    CITY_A,
    SEES_ASSESSED,
    SEES_COMMITTEE,
    SEES_SCHEME,
    Listing,
    M,
    Read,
    S,
    World,
    api_reads,
    at,
    context_rows,
    here,
    leaf_of,
    of,
    read_tests,
    scheme_of,
    sheet_codes,
    who,
    world_fixtures,
)

PUBLISHED, PROVISIONAL = S.RunStatus.PUBLISHED, S.RunStatus.PROVISIONAL


def prepare(w, where):
    w.run(where, PUBLISHED), w.run(where, PROVISIONAL), w.appeal_evidence(where), w.adjustment(where)
    w.manual_points(where)


module_world, world = world_fixtures(prepare)


def published(w, where):
    return w.run(where, PUBLISHED)


def provisional(w, where):
    return w.run(where, PROVISIONAL)


def published_score(w, where):
    return w.score(where, PUBLISHED)


def provisional_score(w, where):
    return w.score(where, PROVISIONAL)


def score_page(make, version=False):
    """(world, where) -> the stable address of the score ``make`` gives."""
    def url(w, where):
        score = make(w, where)
        return score_url(score.run.scheme_id, score.run.month, score.organization.code,
                         score.run.version if version else None)
    return url


def preview_of(name):
    """(world, where) -> the preview of the scheme at ``where``, for January of its year."""
    return lambda w, where: at(name, scheme_of(w, where).pk, month=f"{scheme_of(w, where).year}-01")


READS = [
    # --- schemes and indicators ------------------------------------------------------------------------------------
    Read("assessment:scheme_list", here("assessment:scheme_list"), anywhere=True,
         listing=Listing(M.AssessmentScheme, context_rows("page"), item=scheme_of, shown=SEES_SCHEME)),
    Read("assessment:scheme_create", here("assessment:scheme_create"), anywhere=True, may=ASSESSORS),
    Read("assessment:scheme_detail", of("assessment:scheme_detail", scheme_of), SEES_SCHEME),
    Read("assessment:scheme_edit", of("assessment:scheme_edit", scheme_of), ASSESSING),
    Read("assessment:scheme_year_sheet", of("assessment:scheme_year_sheet", scheme_of), SEES_SCHEME, may=ASSESSING),
    Read("assessment:indicator_add", of("assessment:indicator_add", scheme_of), ASSESSING),
    Read("assessment:indicator_edit", of("assessment:indicator_edit", leaf_of), ASSESSING),
    # 预览: the assessors' alone; the others who see the scheme get 404 (as for a scheme they could not assess)
    Read("assessment:scheme_preview", preview_of("assessment:scheme_preview"), SEES_SCHEME, may=ASSESSING, refused=404),
    # --- a month's run ---------------------------------------------------------------------------------------------
    Read("assessment:run_detail", of("assessment:run_detail", published), SEES_SCHEME,
         listing=Listing(M.Score, context_rows("table"))),
    Read("assessment:run_detail", of("assessment:run_detail", provisional), ASSESSING, variant="provisional"),
    Read("assessment:run_progress", of("assessment:run_progress", published), SEES_SCHEME),
    Read("assessment:run_progress", of("assessment:run_progress", provisional), ASSESSING, variant="provisional"),
    # the published sheet is for the issuing organisation's side too
    Read("assessment:run_sheet", of("assessment:run_sheet", published), SEES_SCHEME, may=SEES_COMMITTEE,
         listing=Listing(M.Organization, sheet_codes, key="code")),
    Read("assessment:run_sheet", of("assessment:run_sheet", provisional), ASSESSING, variant="provisional"),
    Read("assessment:run_entries", of("assessment:run_entries", published), SEES_SCHEME, may=ASSESSING),
    # --- scores and appeals ----------------------------------------------------------------------------------------
    # a score at its stable address (scheme, month, organisation code); the provisional one names its version, or the
    # address would show the published version to those who see that one
    Read("assessment:score_page", score_page(published_score), SEES_ASSESSED),
    Read("assessment:score_page", score_page(provisional_score, version=True), ASSESSING, variant="provisional"),
    # the address by id that links kept before: sent on to the stable one
    Read("assessment:score_detail", of("assessment:score_detail", published_score), SEES_ASSESSED, ok=302),
    Read("assessment:score_detail", of("assessment:score_detail", provisional_score), ASSESSING, ok=302,
         variant="provisional"),
    # the score page's trend chart: the same scoping as the page
    Read("assessment:score_trend", of("assessment:score_trend", published_score), SEES_ASSESSED),
    Read("assessment:score_trend", of("assessment:score_trend", provisional_score), ASSESSING,
         variant="provisional"),
    Read("assessment:my_scores", here("assessment:my_scores"), anywhere=True,
         listing=Listing(M.Score, context_rows("scores"), item=published_score, shown=who({"reporter"}, (), CITY_A))),
    # the assessed organisation's side and the assessors; the others get 404 as for a file that does not exist
    # (the reporter sees the province's run but not city A's appeal: the file's existence is not told either)
    Read("assessment:appeal_evidence", of("assessment:appeal_evidence", World.appeal_evidence),
         SEES_ASSESSED, may=SEES_ASSESSED),
    # --- the API ---------------------------------------------------------------------------------------------------
    *api_reads("assessmentscheme", M.AssessmentScheme, scheme_of, SEES_SCHEME),
    *api_reads("indicator", M.Indicator, leaf_of, SEES_SCHEME),
    Read("api:assessmentscheme-preview", preview_of("api:assessmentscheme-preview"), SEES_SCHEME, may=ASSESSING),
    *api_reads("assessmentrun", M.AssessmentRun, published, SEES_SCHEME),
    *api_reads("assessmentrun", M.AssessmentRun, provisional, ASSESSING, variant="provisional"),
    Read("api:assessmentrun-sheet", of("api:assessmentrun-sheet", published), SEES_SCHEME, may=ASSESSING),
    *api_reads("score", M.Score, published_score, SEES_ASSESSED),
    *api_reads("score", M.Score, provisional_score, ASSESSING, variant="provisional"),
    *api_reads("manualpoints", M.ManualPoints, World.manual_points, ASSESSING),
    *api_reads("adjustment", M.Adjustment, World.adjustment, ASSESSING),
    *api_reads("appeal", M.Appeal, World.appeal, SEES_ASSESSED),
]


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
