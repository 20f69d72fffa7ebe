"""Who reads the 工作台: the generated read matrix of its pages, chart endpoints and Excel summary.

An organisation's dashboard adds up its whole subtree, so it answers those whose role covers that subtree: the roles
held at city A for city A and its branch, ``dual`` (the province's leader) everywhere; the reporter of branch A1a sees
its branch but not a subtree (403) and nothing else (404). Every answer is also searched for city B's names.
"""
from tests.matrix import (
    CITY_A,
    EVERYONE,
    SEE_CITY_B,
    SEES_BRANCH,
    SEES_COMMITTEE,
    Read,
    at,
    read_tests,
    who,
    world_fixtures,
)


def prepare(w, where):
    """Something to add up at each place: a plan handed down, a submitted report, a published and an appeal run."""
    w.plan(where)
    w.report(where, "submitted") if where != "above" else None
    w.run(where, "published")
    w.run(where, "appeal")


module_world, world = world_fixtures(prepare)


def committee(name, *args, **query):
    return lambda w, where: at(name, w.committee(where).code, *args, **query)


def branch(name, *args, **query):
    return lambda w, where: at(name, w.branch(where).code, *args, **query)


SUBTREE_OF_BRANCH = who(EVERYONE - {"reporter"}, SEE_CITY_B, SEE_CITY_B)  # the reporter sees A1a, not a subtree
CHARTS = ["sections", "children-completion", "children-score", "score-trend", "lights", "report-rate", "volunteer-hours"]

READS = [
    Read("dashboard:index", lambda w, where: at("dashboard:index"), anywhere=True, sees=who(EVERYONE),
         may=who(EVERYONE - {"reporter"})),
    Read("dashboard:organization", committee("dashboard:organization", year=2026), SEES_COMMITTEE),
    Read("dashboard:organization", branch("dashboard:organization"), SEES_BRANCH, may=SUBTREE_OF_BRANCH,
         variant="branch"),
    *[Read("dashboard:chart", committee("dashboard:chart", name, year=2026), SEES_COMMITTEE, variant=name)
      for name in CHARTS],
    Read("dashboard:chart", branch("dashboard:chart", "children-score"), SEES_BRANCH, may=SUBTREE_OF_BRANCH,
         variant="branch"),
    Read("dashboard:dashboard_export", committee("dashboard:dashboard_export", year=2026), SEES_COMMITTEE),
    # the 工作通报: page download and API, the same scoping
    Read("dashboard:circular", committee("dashboard:circular", "docx"), SEES_COMMITTEE),
    Read("dashboard:circular", committee("dashboard:circular", "pdf"), SEES_COMMITTEE, variant="pdf"),
    Read("dashboard:circular", branch("dashboard:circular", "docx"), SEES_BRANCH, may=SUBTREE_OF_BRANCH,
         variant="branch"),
    Read("api:dashboard-circular", committee("api:dashboard-circular"), SEES_COMMITTEE),
    Read("api:dashboard-circular", branch("api:dashboard-circular", kind="pdf"), SEES_BRANCH, may=SUBTREE_OF_BRANCH,
         variant="branch"),
    Read("dashboard:dashboard_export", branch("dashboard:dashboard_export"), SEES_BRANCH, may=SUBTREE_OF_BRANCH,
         variant="branch"),
]
assert CITY_A  # the roles held at city A see its dashboard (SEES_COMMITTEE)

test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)
