"""The read matrices as a whole: every route that answers GET is declared in one of them.

Each app declares its read routes in tests/<app>/test_permissions.py (``READS``), generated over every role ×
inside / outside / above by tests/matrix.py. The routes of no app are declared here: the start page and the API's
table of contents, the routes that are public (each says why), and the personal ones — one's own account,
password and API tokens — whose ``inside`` is the caller's own, ``outside`` another user's and ``above`` a
superuser's. ``test_every_read_route_is_in_a_matrix`` walks the URL resolver: a new page or API GET that is not
declared in some matrix fails it.
"""
from types import SimpleNamespace

import pytest
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from knox.models import AuthToken

from tests.assessment.test_permissions import READS as ASSESSMENT
from tests.dashboard.test_permissions import READS as DASHBOARD
from tests.matrix import (
    OWN,
    Listing,
    Read,
    api_rows,
    context_rows,
    here,
    read_routes,
    read_tests,
    takes_get,
    world_fixtures,
)
from tests.notifications.test_permissions import READS as NOTIFICATIONS
from tests.orgs.test_permissions import READS as ORGS
from tests.plans.test_permissions import READS as PLANS
from tests.reports.test_permissions import READS as REPORTS
from tests.volunteers.test_permissions_activities import READS as VOLUNTEER_ACTIVITIES
from tests.volunteers.test_permissions_registry import READS as VOLUNTEER_REGISTRY
from tests.volunteers.test_permissions_statistics import READS as VOLUNTEER_STATISTICS
from tests.volunteers.test_permissions_transfer import READS as VOLUNTEER_TRANSFER

module_world, world = world_fixtures()

# The start page of each role's current role (``dual``'s first role leads the province), and for the 工作台 the
# organisations of its subtree.
START_PAGES = {"admin": "dashboard/start_admin.html", "staff": "dashboard/dashboard.html",
               "reporter": "dashboard/start_reporter.html", "leader": "dashboard/dashboard.html",
               "assessor": "dashboard/start_assessor.html", "dual": "dashboard/dashboard.html",
               "nobody": "dashboard/no_role.html"}
DASHBOARD_COUNTS = {"staff": 3, "leader": 3, "dual": 6}


def start_page(w, role, response):
    if START_PAGES[role] not in {t.name for t in response.templates}:
        return False
    board = response.context.get("board")
    return board is None or board["totals"]["organizations"] == DASHBOARD_COUNTS[role]


def token(w, where):
    return SimpleNamespace(public_id=w.token(where))


@pytest.fixture(autouse=True)
def health_without_a_broker(settings):
    """/healthz/ready reports the broker and the workers' heartbeats when a broker is configured (.ci/run sets
    REDIS_URL, and no worker runs during these tests): the matrix asks who may read it, not whether the stack is up,
    so it reads the health of the web process alone (tests/test_health.py and
    tests/integration/test_celery_worker.py check the broker and worker parts)."""
    settings.REDIS_URL = ""


PROJECT = [
    Read("home", here("home"), anywhere=True, check=start_page, why="the start page of the current role"),
    Read("api:api-root", here("api:api-root"), anywhere=True, why="the API's table of contents: links, no data"),
]

PUBLIC = [
    Read("login", here("login"), anywhere=True, public=200, ok=302,
         why="the log-in form; who is logged in already is sent on"),
    Read("healthz", here("healthz"), anywhere=True, public=200,
         why="the ready check under its old address, for monitors that poll it"),
    Read("healthz_live", here("healthz_live"), anywhere=True, public=200,
         why="the container healthcheck: the process answers, no data"),
    Read("healthz_ready", here("healthz_ready"), anywhere=True, public=200,
         why="polled by the load balancer and monitoring: whether the database, broker and workers answer, no data"),
    Read("set_language", here("set_language"), anywhere=True, public=302, ok=302,
         why="Django's language switch: it only sets a cookie (and not on GET)"),
    Read("schema", here("schema"), anywhere=True, public=200,
         why="the OpenAPI description of the API for other systems: endpoints and fields, no data"),
    Read("api_docs", here("api_docs"), anywhere=True, public=200, why="the browsable form of that description"),
    Read("favicon", here("favicon"), anywhere=True, public=302, ok=302,
         why="browsers ask every site for /favicon.ico, before any log-in: a redirect to the static icon, no data"),
]

PERSONAL = [
    Read("api:me", here("api:me"), anywhere=True, why="the caller's own account and roles"),
    Read("password_change", here("password_change"), anywhere=True, why="one's own password"),
    Read("password_change_done", here("password_change_done"), anywhere=True, why="one's own password"),
    Read("accounts:token_list", here("accounts:token_list"), anywhere=True,
         listing=Listing(AuthToken, context_rows("tokens", "public_id"), item=token, shown=OWN, key="public_id"),
         why="one's own API tokens (the owner × other users matrix: tests/accounts/test_permissions.py)"),
    Read("api:token-list", here("api:token-list"), anywhere=True,
         listing=Listing(AuthToken, api_rows, item=token, shown=OWN, key="public_id"),
         why="one's own API tokens"),
]

READS = PROJECT + PUBLIC + PERSONAL


test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in_unless_public = read_tests(READS)


def test_every_read_route_is_in_a_matrix():
    declared = {read.name for reads in (ORGS, PLANS, REPORTS, ASSESSMENT, NOTIFICATIONS, VOLUNTEER_REGISTRY,
                                                      VOLUNTEER_ACTIVITIES, VOLUNTEER_TRANSFER,
                                                      VOLUNTEER_STATISTICS, DASHBOARD, READS) for read in reads}
    routes = set(read_routes())
    assert routes - declared == set(), "routes that answer GET and are in no read matrix"
    assert declared - routes == set(), "declared in a read matrix but not a GET route (any longer)"


def test_public_routes_say_why():
    for read in PUBLIC + PERSONAL:
        assert read.why, read.id


@login_required
def _any_method(request):
    return HttpResponse()


@require_POST
def _posted_only(request):
    return HttpResponse()


@require_http_methods(["GET", "POST"])
def _form(request):
    return HttpResponse()


class _PostOnly(View):
    http_method_names = ["post", "options"]

    def post(self, request):
        return HttpResponse()


class _Page(View):
    def get(self, request):
        return HttpResponse()


def test_the_resolver_walk_tells_routes_that_answer_get():
    """What ``test_every_read_route_is_in_a_matrix`` relies on: a method decorator below ``login_required``, or a
    class view without ``get``, takes a route out; everything else answers GET."""
    assert takes_get(_any_method)
    assert takes_get(login_required(_form))
    assert takes_get(require_GET(_any_method))
    assert not takes_get(login_required(_posted_only))
    assert not takes_get(_PostOnly.as_view())
    assert takes_get(_Page.as_view())
