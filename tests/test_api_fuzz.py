"""schemathesis against the whole REST API, through the WSGI application on the (disposable) test database.

Every operation of the OpenAPI document is called with generated requests, valid and invalid, once as an
administrator of a city and once as a reporter of a branch, over a small tree with a plan, targets,
assignments, a reporting rule, reports, an assessment scheme, a computed month and an appeal. No answer may
be a server error, and answers must match the schema (status codes, content types, bodies).

The run is bounded (a few examples per operation, a deadline per example) so that it fits in ``make test``;
select it alone with ``pytest -m fuzz``. For a deeper run: ``FUZZ_EXAMPLES=50`` tries more examples per
operation, ``FUZZ_COVERAGE=1`` adds schemathesis's coverage phase (boundary values of every field),
``FUZZ_SEED=<n>`` draws other requests, ``FUZZ_LOG=<file>`` writes one JSON line per request.
"""
import datetime
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import Client, TestCase
from django.urls import Resolver404, resolve
from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from league_portal.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# A request slower than this fails the test: no generated input may hold a worker (e.g. a regular expression
# that backtracks); generous, because CI's machine is shared.
DEADLINE = datetime.timedelta(seconds=10)


def _openapi_document():
    """The document /api/schema/ serves, built without a request (no database at collection time)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


CONFIG = SchemathesisConfig.from_dict({
    "seed": int(os.environ.get("FUZZ_SEED", "20260701")),  # the same requests on every run unless asked
    "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none",
                   "no-shrink": bool(os.environ.get("FUZZ_NO_SHRINK"))},
    # The coverage phase (boundary values of every field, ~80 requests per operation) is for a deeper run.
    "phases": {"coverage": {"enabled": bool(os.environ.get("FUZZ_COVERAGE"))}, "stateful": {"enabled": False}},
    "checks": {
        # The session cookie is sent outside schemathesis's view of authentication, so it cannot take it away.
        "ignored_auth": {"enabled": False},
        # Valid input may still be refused (403 for the reporter, 400 when a service rule says no), and
        # invalid input may be read leniently where DRF does so by design (``page_size=x`` means the default).
        "positive_data_acceptance": {"enabled": False},
        "negative_data_rejection": {"enabled": False},
    },
})
schema = schemathesis.openapi.from_dict(_openapi_document(), config=CONFIG)
schema.app = application


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Everything the API can show, built once for the module inside a transaction that is rolled back at
    its end; each operation's test runs in a savepoint inside it (as Django's ``setUpTestData`` does):
    the plan tree, reports, a computed month open for appeals, an appeal."""
    from assessment import services
    from tests.assessment.scoring import MAY, build_month_data
    from tests.conftest import build_people, build_report_setup, build_tree
    from tests.plans.conftest import build_plan

    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        people = build_people(tree)
        build_report_setup(tree)
        scheme = build_month_data(tree, people, build_plan(tree)).scheme
        with freeze_time("2026-06-10 09:00:00+08:00"), TestCase.captureOnCommitCallbacks(execute=True):
            run = services.request_computation(scheme, MAY, by=people.assessor)
        run.refresh_from_db()
        with freeze_time("2026-06-11 09:00:00+08:00"):
            services.open_appeals(run, by=people.assessor)
            services.file_appeal(run, tree.branch, by=people.reporter, reason="材料未计入")
        yield people
        transaction.set_rollback(True)


@pytest.fixture
def wsgi(world, db):
    """Requests go through the real WSGI handler, in this thread and this test's transaction.

    Django closes the database connection when a request finishes; inside a test that would end the
    test's transaction, so (as Django's own test client does) that signal is off while fuzzing.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield world
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def session_for(user):
    """A logged-in session cookie and a CSRF token, as a browser holding the portal open would send them."""
    client = Client()
    client.force_login(user)
    token = "f" * 32
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return cookies, {"X-CSRFToken": token}


def aim(case):
    """Point ids and organisation codes at rows that exist (visible to the caller or not), so that most
    requests get past lookups and validation into the views and services; values that cannot be ids
    (not positive, not whole numbers, empty codes) stay as generated and test the 400s and 404s."""
    for name, value in list((case.path_parameters or {}).items()):
        if name == "attachment_id":
            model = _models()["attachment"]
        else:
            try:
                view = resolve(case.operation.path.replace("{id}", "1").replace("{attachment_id}", "1")).func.cls
            except Resolver404:  # an id that is not a number (a token, named by the start of its hash) stays
                continue
            model = view.queryset.model if view.queryset is not None else view.serializer_class.Meta.model
        case.path_parameters[name] = _existing(model, value)
    for values in (case.query, case.body):
        if isinstance(values, dict):
            for name, value in values.items():
                model = _models().get(name)
                if isinstance(value, list):
                    values[name] = [_existing(model, item) for item in value]
                elif model is not None:
                    values[name] = _existing(model, value)


def _models():
    from assessment.models import AssessmentRun, AssessmentScheme, Indicator
    from orgs.models import Department, Organization
    from plans.models import Assignment, Plan, Section, WorkPoint
    from reports.models import ReportAttachment

    return {"plan": Plan, "section": Section, "point": WorkPoint, "assignment": Assignment, "scheme": AssessmentScheme,
            "indicator": Indicator, "run": AssessmentRun, "lead_department": Department, "attachment": ReportAttachment,
            "organization": Organization, "parent_code": Organization, "exceptions": Organization,
            "within": Organization, "org": Organization}


def _existing(model, value):
    from orgs.models import Organization

    if model is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value > 0:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        return ids[value % len(ids)] if ids else value
    if model is Organization and isinstance(value, str) and value:
        codes = list(Organization.objects.order_by("path").values_list("code", flat=True))
        return codes[sum(map(ord, value)) % len(codes)]
    return value


def _fuzz(case, user):
    """One example, in a savepoint rolled back after it: every example starts from the same world, and a
    database error inside a request cannot spoil the examples after it."""
    aim(case)
    cookies, headers = session_for(user)
    with transaction.atomic():
        try:
            response = case.call(cookies=cookies, headers=headers)
            _log(case, user, response)
            case.validate_response(response, headers=headers)
        finally:
            transaction.set_rollback(True)


def _log(case, user, response):
    if os.environ.get("FUZZ_LOG"):
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"user": user.username, "operation": case.operation.label,
                                  "status": response.status_code}) + "\n")


@schema.parametrize()
@settings(deadline=DEADLINE, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_an_administrator_as_documented_never_with_a_server_error(case, wsgi):
    _fuzz(case, wsgi.admin)


@schema.parametrize()
@settings(deadline=DEADLINE, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_a_reporter_as_documented_never_with_a_server_error(case, wsgi):
    _fuzz(case, wsgi.reporter)
