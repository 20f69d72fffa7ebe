"""The shared scaffolding of the permission matrices: the World, a snapshot of every table, the URL resolver's routes.

The World is the tree of tests/conftest.py (province → city A → district A1 → branch A1a; province → city B →
branch Bb), a user per role in city A (the reporter at its branch A1a), ``dual`` (a provincial leader who is also
staff of city A), and, made on first use, objects of every kind ``inside`` (city A), ``outside`` (city B) and
``above`` (the province). ``world_fixtures()`` builds it once per test module inside a transaction that is rolled
back at the end; each test runs in a savepoint of it, and what a test made is forgotten with the savepoint.

Who sees what is declared once, as (role, where) profiles (``SEES_BRANCH``, ``SEES_PLAN`` …): the read matrices
(tests/<app>/test_permissions.py, ``Read``) expect 200, 403 or 404 from them, and the write matrices
(tests/test_write_matrix.py, tests/test_page_write_matrix.py) the exact refusal.

Model and service imports live in ``models()`` and ``services()`` only, so that moving a model to another app
changes one line here.
"""
import csv
import datetime
import inspect
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Page
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from orgs.choices import Role
from orgs.permissions import SYSTEM
from tests.conftest import build_people, build_tree
from tests.factories import RoleAssignmentFactory, UserFactory


def models():
    """Every model the matrices use, by class name (the one place that knows which app holds which model)."""
    from django.contrib.auth import get_user_model

    from assessment.models import (
        Adjustment,
        Appeal,
        AppealEvidence,
        AssessmentRun,
        AssessmentScheme,
        Indicator,
        ManualPoints,
        Score,
    )
    from notifications.models import Download, Notification
    from orgs.models import AuditEntry, Department, ImportJob, Organization, RoleAssignment
    from plans.models import Assignment, Evidence, Milestone, Plan, ProgressEntry, Section, Target, WorkPoint
    from reports.models import MonthlyReport, ReportAttachment, ReportField, ReportingRule
    from volunteers.models import Activity, Certificate, ServiceRecord, Signup, UnmaskEvent, Volunteer, VolunteerImport

    return SimpleNamespace(
        Volunteer=Volunteer, Activity=Activity, ServiceRecord=ServiceRecord, Signup=Signup, Certificate=Certificate,
        UnmaskEvent=UnmaskEvent, VolunteerImport=VolunteerImport,
        User=get_user_model(), Notification=Notification, Download=Download, AppealEvidence=AppealEvidence,
        Department=Department, ImportJob=ImportJob, AuditEntry=AuditEntry,
        Organization=Organization, RoleAssignment=RoleAssignment, Adjustment=Adjustment, Appeal=Appeal,
        AssessmentRun=AssessmentRun, AssessmentScheme=AssessmentScheme, Assignment=Assignment, Evidence=Evidence,
        Indicator=Indicator, ManualPoints=ManualPoints, Milestone=Milestone, MonthlyReport=MonthlyReport, Plan=Plan,
        ProgressEntry=ProgressEntry, ReportAttachment=ReportAttachment, ReportField=ReportField,
        ReportingRule=ReportingRule, Score=Score, Section=Section, Target=Target, WorkPoint=WorkPoint,
    )


def services():
    """The service modules the World writes through (and the choices they take)."""
    from assessment import services as assessment
    from assessment.choices import RunStatus
    from core import months
    from plans import ledger
    from plans import services as plans
    from plans.choices import PlanStatus
    from reports import services as reporting
    from reports.choices import ReportStatus
    from volunteers import services as volunteers

    return SimpleNamespace(volunteers=volunteers, plans=plans, reporting=reporting, months=months, assessment=assessment, ledger=ledger,
                           PlanStatus=PlanStatus, ReportStatus=ReportStatus, RunStatus=RunStatus)


M = models()
S = services()

ROLES = ["admin", "staff", "reporter", "leader", "assessor", "dual"]
WHERE = ["inside", "outside", "above"]
PLANNERS = {"admin", "staff", "dual"}
RECORDERS = {"admin", "staff", "reporter", "dual"}
REVIEWERS = {"admin", "staff", "leader", "dual"}
ASSESSORS = {"admin", "assessor"}
VOLUNTEER_MANAGERS = {"admin", "staff", "reporter", "dual"}  # the reporter at their own branch only
UNMASKERS = {"admin"}
EVERYONE = set(ROLES)
# ``dual`` leads the province: reports of city B's branches are below them too.
DUAL_LEADS_THE_PROVINCE = frozenset({("dual", "outside")})
# The province's scheme assesses city A, whose administrators and staff may appeal its score.
CITY_A_APPEALS_ABOVE = frozenset({("admin", "above"), ("staff", "above"), ("dual", "above")})
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = S.months.previous_month(THIS_MONTH)


def computable_month(w, where):
    """A month the World's scheme at ``where`` may compute for real: last month once its reports are all due (a
    month is never computed before: assessment.services.check_month_closed), else the month before."""
    from assessment.selectors import month_is_open

    if not month_is_open(w.scheme(where).scheme, LAST_MONTH, timezone.localdate()):
        return LAST_MONTH
    return S.months.previous_month(LAST_MONTH)


# Runs of one scheme and month in several states live side by side as versions.
RUN_VERSIONS = {S.RunStatus.PROVISIONAL: 1, S.RunStatus.APPEAL: 2, S.RunStatus.PUBLISHED: 3}


class World:
    """The tree, its people and, made on first use, objects of every kind inside, outside and above."""

    def __init__(self, tree, people):
        self.tree, self.people = tree, people
        people.dual = RoleAssignmentFactory(user=UserFactory(username="dual"), organization=tree.province,
                                            role=Role.LEADER).user
        RoleAssignmentFactory(user=people.dual, organization=tree.city_a, role=Role.STAFF)
        self.me = None
        self._made = {}
        self._kept = {}

    def keep(self):
        """What was made so far stays for every test of the module (it lives outside the tests' savepoints)."""
        self._kept = dict(self._made)

    def forget(self):
        """Back to what was kept: objects a test made went away with its savepoint."""
        self._made = dict(self._kept)
        self.me = None

    def committee(self, where):
        """Where plans, rules, fields and schemes are issued."""
        return {"inside": self.tree.city_a, "outside": self.tree.city_b, "above": self.tree.province}[where]

    def branch(self, where):
        """Where reports are filled in and progress is recorded."""
        return {"inside": self.tree.branch, "outside": self.tree.other_branch, "above": self.tree.province}[where]

    def assessed(self, where):
        """Who a scheme issued at ``where`` assesses (the province's scheme assesses the cities)."""
        return self.branch(where) if where != "above" else self.tree.city_a

    def once(self, key, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def plan(self, where):
        def make():
            issuer = self.committee(where)
            plan = S.plans.create_plan(by=SYSTEM, organization=issuer, year=2026, title=f"{issuer.code} 工作要点",
                                       status=S.PlanStatus.PUBLISHED)
            section = S.plans.add_section(plan, by=SYSTEM, number="一", title="思想引领")
            point = S.plans.add_point(section, by=SYSTEM, number="1", title="青年大学习")
            target = S.plans.add_target(point, by=SYSTEM, metric="宣讲", value=Decimal(10), unit="场")
            root = M.Assignment.objects.get(target=target, parent=None)
            below = self.branch(where) if where != "above" else self.tree.city_a
            S.plans.decompose(root, [(below, Decimal(10), None)], by=SYSTEM)
            return SimpleNamespace(plan=plan, section=section, point=point, target=target, root=root,
                                   held=M.Assignment.objects.get(target=target, organization=self.branch(where))
                                   if where != "above" else root)
        return self.once(("plan", where), make)

    def rule(self, where):
        return self.once(("rule", where), lambda: M.ReportingRule.objects.create(
            organization=self.committee(where), levels=["grassroots"], due_day=5, since=datetime.date(2026, 1, 1)))

    def field(self, where):
        return self.once(("field", where), lambda: M.ReportField.objects.create(
            organization=self.committee(where), key=f"meetings_{where}", label="会议（次）", minimum=0, order=1))

    def report(self, where, status=None):
        status = status or S.ReportStatus.DRAFT

        def make():
            self.rule("inside"), self.rule("outside")
            S.reporting.start_report(self.branch(where), S.months.previous_month(LAST_MONTH), by=SYSTEM)
            report = S.reporting.start_report(self.branch(where), LAST_MONTH, by=SYSTEM)
            if status != S.ReportStatus.DRAFT:
                submitter = self.people.reporter if where == "inside" else SYSTEM
                report = S.reporting.submit_report(report, by=submitter)
            if status == S.ReportStatus.APPROVED:
                report = S.reporting.approve_report(report, by=SYSTEM)
            return report
        return self.once(("report", where, status), make)

    def attachment(self, where):
        def make():
            report = self.report(where)
            S.reporting.attach_files(report, [SimpleUploadedFile("a.png", PNG, "image/png")], by=SYSTEM)
            return report.attachments.get()
        return self.once(("attachment", where), make)

    def scheme(self, where):
        def make():
            scheme = M.AssessmentScheme.objects.create(organization=self.committee(where), year=THIS_MONTH.year,
                                                       title=f"{where} 考核", levels=["grassroots"])
            top = M.Indicator.objects.create(scheme=scheme, name="日常", max_points=10, order=1)
            leaf = M.Indicator.objects.create(scheme=scheme, parent=top, name="评价", max_points=10, rule="manual",
                                              order=2)
            return SimpleNamespace(scheme=scheme, top=top, leaf=leaf)
        return self.once(("scheme", where), make)

    def run(self, where, status=None):
        status = status or S.RunStatus.PROVISIONAL

        def make():
            run = M.AssessmentRun.objects.create(
                scheme=self.scheme(where).scheme, month=LAST_MONTH, status=status, version=RUN_VERSIONS.get(status, 1),
                appeal_until=timezone.localdate() + datetime.timedelta(days=5)
                if status == S.RunStatus.APPEAL else None)
            M.Score.objects.create(run=run, organization=self.assessed(where), total=8, rank=1, grade="good",
                                   ytd_total=8, ytd_average=8)
            return run
        return self.once(("run", where, status), make)

    def score(self, where, status=None):
        return self.run(where, status).scores.get()

    def adjustment(self, where):
        return self.once(("adjustment", where), lambda: M.Adjustment.objects.create(
            scheme=self.scheme(where).scheme, organization=self.assessed(where), month=LAST_MONTH, kind="bonus",
            points=1, reason="表彰"))

    def appeal(self, where):
        return self.once(("appeal", where), lambda: M.Appeal.objects.create(
            run=self.run(where, S.RunStatus.APPEAL), organization=self.assessed(where), reason="有误"))

    def department(self, where):
        return self.once(("department", where), lambda: M.Department.objects.create(
            organization=self.branch(where), name=f"组织部{where}"))

    def committee_department(self, where):
        """A department of the committee that issues plans at ``where`` (a work point's lead department)."""
        return self.once(("committee_department", where), lambda: M.Department.objects.create(
            organization=self.committee(where), name=f"宣传部{where}"))

    def milestone(self, where):
        return self.once(("milestone", where), lambda: M.Milestone.objects.create(
            point=self.plan(where).point, title="启动", due_on=datetime.date(2026, 3, 1)))

    def owner(self, where):
        """Whose own things (tokens, notifications, imports) are at ``where``: the caller's own inside, the
        outsider's outside, the superuser's above."""
        return {"inside": self.me, "outside": self.people.outsider, "above": self.people.root}[where]

    def token(self, where):
        """The public id of an API token of ``owner(where)``."""
        from knox.models import AuthToken

        def make():
            token, _key = AuthToken.objects.create(user=self.owner(where))
            return token.digest[:16]
        return self.once(("token", where), make)

    def import_job(self, where):
        """A checked organisation import without problems, uploaded by ``owner(where)``, ready to be applied."""
        def make():
            job = M.ImportJob(created_by=self.owner(where), original_name="orgs.csv", apply=False, status="done")
            job.file.save("orgs.csv", org_csv(self, "inside"), save=False)
            job.save()
            return job
        return self.once(("import_job", where), make)

    def audit_entry(self, where):
        """An audit row of an edit of the ``where`` branch."""
        from orgs import audit
        from orgs.choices import AuditAction

        return self.once(("audit_entry", where), lambda: audit.record(
            SYSTEM, AuditAction.ORG_EDIT, self.branch(where), changes={"member_count": [1, 2]}))

    def holder(self, where):
        """An account whose only role is at the ``where`` branch, and that role."""
        return self.once(("holder", where), lambda: RoleAssignmentFactory(
            user=UserFactory(username=f"holder_{where}"), organization=self.branch(where), role=Role.REPORTER))

    def account(self, where):
        """An account an administrator of city A may or may not manage: inside, one whose only role is at
        branch A1a; outside, at branch Bb; above, one that holds a role at A1a and another at the province."""
        if where != "above":
            return self.holder(where).user

        def make():
            straddler = RoleAssignmentFactory(user=UserFactory(username="straddler"), organization=self.tree.branch,
                                              role=Role.REPORTER).user
            RoleAssignmentFactory(user=straddler, organization=self.tree.province, role=Role.REPORTER)
            return straddler
        return self.once(("straddler",), make)

    def account_role(self, where):
        """The role of ``account(where)`` at the ``where`` branch (above: the straddler's at the province)."""
        return M.RoleAssignment.objects.get(user=self.account(where), organization=self.branch(where))

    def notification(self, where):
        """An unread notification of ``owner(where)``."""
        return self.once(("notification", where), lambda: M.Notification.objects.create(
            user=self.owner(where), kind="report_submitted", title="x", key=f"n-{where}"))

    def entry(self, where):
        """A progress entry, with an evidence file, on the assignment held at the ``where`` branch (above: the
        province's)."""
        return self.once(("entry", where), lambda: S.plans.record_progress(
            self.plan(where).held, by=SYSTEM, reported_on=datetime.date(2026, 5, 1), value=Decimal(2), note="宣讲",
            files=[SimpleUploadedFile("e.png", PNG, "image/png")]))

    def evidence(self, where):
        return self.entry(where).evidence.get()

    def manual_points(self, where):
        return self.once(("manual_points", where), lambda: M.ManualPoints.objects.create(
            indicator=self.scheme(where).leaf, organization=self.assessed(where), month=LAST_MONTH, points=6,
            comment="规范"))

    def appeal_evidence(self, where):
        from core.files import store_file

        return self.once(("appeal_evidence", where), lambda: store_file(
            M.AppealEvidence(appeal=self.appeal(where)), SimpleUploadedFile("a.png", PNG, "image/png")))

    def volunteer(self, where):
        """A volunteer registered at the ``where`` branch (above: the province), with a mobile."""
        from tests.volunteers.ids import resident_id

        return self.once(("volunteer", where), lambda: S.volunteers.register_volunteer(
            by=SYSTEM, organization=self.branch(where), name=f"志愿者{where}", id_type="resident",
            id_number=resident_id(), mobile="13800001111", registered_on=datetime.date(2026, 1, 5)))

    def activity(self, where):
        """An open activity organised by the ``where`` branch (above: the province), from 1 March 2026 for three
        days, with the ``where`` volunteer signed up."""
        def make():
            start = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
            activity = S.volunteers.create_activity(by=SYSTEM, organization=self.branch(where), title=f"活动{where}",
                                                    starts_at=start, ends_at=start + datetime.timedelta(days=2),
                                                    planned_hours=Decimal(4))
            S.volunteers.sign_up(activity, self.volunteer(where), by=SYSTEM)
            return activity
        return self.once(("activity", where), make)

    def signup(self, where):
        return self.activity(where).signups.get()

    def service_record(self, where):
        """A service record waiting for confirmation: the ``where`` volunteer at the ``where`` activity."""
        return self.once(("service_record", where), lambda: S.volunteers.record_service(
            by=SYSTEM, activity=self.activity(where), volunteer=self.volunteer(where), date=datetime.date(2026, 3, 1),
            hours=Decimal(3)))

    def download(self, where):
        """A file the portal prepared in the background for ``owner(where)``."""
        def make():
            prepared = M.Download(user=self.owner(where), name="scores.xlsx")
            prepared.file.save("scores.xlsx", SimpleUploadedFile("scores.xlsx", workbook([["组织编码"]])), save=False)
            prepared.save()
            return prepared
        return self.once(("download", where), make)

    def unmask_event(self, where):
        """A look at the personal data of the ``where`` volunteer in clear (by the superuser), in the audit trail."""
        def make():
            S.volunteers.reveal_personal_data(self.volunteer(where), by=self.people.root, reason="核对身份")
            return self.volunteer(where).unmask_events.get()
        return self.once(("unmask_event", where), make)

    def star_scale(self, where):
        """The star scale set at ``committee(where)`` (city A, city B, the province)."""
        return self.once(("star_scale", where), lambda: S.volunteers.set_star_scale(
            self.committee(where), by=SYSTEM, thresholds=[50, 150, 300, 600, 900]))


def world_fixtures(each_place=None):
    """``module_world, world = world_fixtures(...)`` in a test module: the World built once for the module
    (``each_place(world, where)`` makes, inside, outside and above, the objects every test shares), and per test the
    same World in a savepoint. Files the World and the tests store go to a temporary MEDIA_ROOT that lives as long
    as the module."""

    @pytest.fixture(scope="module", name="module_world")
    def module_world(django_db_setup, django_db_blocker):
        with tempfile.TemporaryDirectory(prefix="matrix-media-") as media, override_settings(MEDIA_ROOT=media), \
                django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                tree = build_tree()
                built = World(tree, build_people(tree))
                if each_place:
                    for where in WHERE:
                        each_place(built, where)
                built.keep()
                yield built
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    @pytest.fixture(name="world")
    def world(module_world, db):
        module_world.forget()
        yield module_world
        module_world.forget()

    return module_world, world


# --- nothing changed --------------------------------------------------------------------------------------------

# Tables that a request changes whoever makes it: the session store.
NOT_SNAPSHOT = {"django_session"}


def snapshot():
    """Every row of every table (the session store aside): a refused write must leave this exactly as it was."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in NOT_SNAPSHOT or model._meta.proxy:
            continue
        rows[table] = sorted(map(repr, model._base_manager.order_by().values_list()))
    return rows


def changed_tables(before, after):
    """The tables whose rows differ."""
    return sorted(table for table in before if before[table] != after.get(table))


def assert_unchanged(before, response=None):
    after = snapshot()
    detail = (response.status_code, response.content[:300]) if response is not None else ""
    assert after == before, f"a refused write changed {changed_tables(before, after)} {detail}"


def may_write(case, role, where):
    """Whether a write matrix's case lets ``role`` write at ``where``: inside, the roles it names; anywhere, the
    (role, where) it also allows."""
    return (where == "inside" and role in case.allowed) or (role, where) in case.also


def moves_matrix(cases):
    """pytest parameters: every case with a ``moves`` payload × every role × outside and above (where the object
    would be moved to, or pulled from)."""
    return [pytest.param(case, role, there, id=f"{case.id}-{role}-{there}")
            for case in cases if case.moves for role in ROLES for there in ("outside", "above")]


# --- the URL resolver -------------------------------------------------------------------------------------------

WRITE_METHODS = {"post", "put", "patch", "delete"}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name with its namespace, callback) of every URL pattern the resolver knows."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else None, p.callback


def view_methods(callback):
    """The write methods a class-based view or viewset answers, or None for a function view."""
    actions = getattr(callback, "actions", None)
    if actions:
        return set(actions) & WRITE_METHODS
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {m for m in WRITE_METHODS if hasattr(view_class, m)}
    return None


# What a function view's source says when it takes a POST: a method decorator, a method check, or posted data.
POSTED = re.compile(r"require_POST|require_http_methods|request\.method|request\.POST|request\.FILES")


def _sources(function, seen):
    """The source of ``function`` (decorators included) and of the functions of its module it calls, transitively."""
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function):
        return
    seen.add(function)
    try:
        yield inspect.getsource(function)
    except (OSError, TypeError):
        return
    module = inspect.getmodule(function)
    for name in function.__code__.co_names:
        called = getattr(module, name, None)
        if inspect.isfunction(called) and called.__module__ == function.__module__:
            yield from _sources(called, seen)


def takes_post(callback):
    """Whether a page's view acts on a POST: a class view with ``post``, or a function view whose code reads one."""
    methods = view_methods(callback)
    if methods is not None:
        return "post" in methods
    wrapper_sources = []
    wrapped = callback
    while wrapped is not None:  # decorators such as require_POST sit on the outer wrappers
        if inspect.isfunction(wrapped):
            try:
                wrapper_sources.append(inspect.getsource(wrapped))
            except (OSError, TypeError):
                pass
        wrapped = getattr(wrapped, "__wrapped__", None)
    return any(POSTED.search(source) for source in [*wrapper_sources, *_sources(callback, set())])


def page_write_routes():
    """{URL name: route} of every page (not the API, not Django admin) whose view acts on a POST."""
    found = {}
    for route, name, callback in url_patterns():
        if route.startswith(("api/", "admin/")) or getattr(callback, "moved_page", False):
            continue
        if takes_post(callback):
            assert name, f"a page that takes POST has no URL name: {route}"
            found[name] = route
    return found


# --- files that the imports and uploads take ---------------------------------------------------------------------


def org_csv(w, where):
    """The organisation import: a new branch under the ``where`` branch."""
    parent = w.branch(where)
    text = ("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"
            f"NEW{where},新团支部,{parent.code},基层,团支部,机关,3,5\n")
    return SimpleUploadedFile("orgs.csv", text.encode(), "text/csv")


def ledger_csv(w, where):
    """The ledger of the ``where`` plan with a figure on the ``where`` branch's rows (every row above)."""
    from core.spreadsheets import read_table

    ledger = S.ledger
    plan = w.plan(where).plan
    table = read_table(SimpleUploadedFile("l.xlsx", ledger.export_ledger(plan, w.people.root), "application/octet-stream"))
    lines = [",".join(table.headers)]
    for _row, values in table.rows:
        if values.get("组织编码") == w.branch(where).code or where == "above":
            values = {**values, ledger.FIGURE: 3, ledger.AS_OF: "2026-05-01"}
        lines.append(",".join("" if values.get(h) is None else str(values.get(h)) for h in table.headers))
    return SimpleUploadedFile("l.csv", "\n".join(lines).encode(), "text/csv")


def report_csv(w, where):
    """The offline monthly form: last month's figures of the ``where`` branch, whose draft exists."""
    w.report(where)
    org = w.branch(where)
    text = f"组织编码,组织名称,月份,会议（次）\n{org.code},{org.name},{LAST_MONTH:%Y-%m},2\n"
    w.field("inside"), w.field("outside"), w.field("above")
    return SimpleUploadedFile("r.csv", text.encode(), "text/csv")


# --- the read matrices ------------------------------------------------------------------------------------------
#
# Each app declares its read routes (pages and API GETs: lists, details, exports) once, as ``Read`` rows: the URL of
# the object at ``where``, which (role, where) see the object and which may use the route. The expected answer
# follows: ``ok`` for those who may, ``refused`` (403) for those who see the object but may not, ``hidden`` (404)
# for everyone else — the portal never tells whether something it will not show exists. Every answer is also
# searched for city B: only ``dual`` (the province's leader) may see anything of it.

READ_ROLES = [*ROLES, "nobody"]  # ``nobody`` holds no role at all
CITY_A = EVERYONE - {"reporter"}  # the roles held at city A itself (the reporter's is at its branch)
ANYONE = set(READ_ROLES)
CITY_B = ("乙市",)  # in the names of city B and its branch
SEE_CITY_B = {"dual"}


def who(inside=(), outside=(), above=()):
    """(role, where) pairs: the roles that see (or may use) the object inside, outside and above."""
    return frozenset({*((r, "inside") for r in inside), *((r, "outside") for r in outside),
                      *((r, "above") for r in above)})


def everywhere(roles):
    return who(roles, roles, roles)


# What the permission layer lets each role view: its organisation's subtree (the reporter: its branch only);
# ``dual`` leads the province and views it all.
SEES_BRANCH = who(EVERYONE, SEE_CITY_B, SEE_CITY_B)  # things of branch(where): A1a, Bb, the province
SEES_COMMITTEE = who(CITY_A, SEE_CITY_B, SEE_CITY_B)  # things of committee(where): city A, city B, the province
OWN = who(ANYONE)  # personal things: the caller's own (inside), never another user's (outside, above)
# A plan (its sections, points, targets) is seen where it was issued and wherever a part of it was handed down:
# the province's plan is handed down to city A, whose roles see it (the reporter of branch A1a does not).
SEES_PLAN = who(EVERYONE, SEE_CITY_B, CITY_A)
# An assessment scheme is read by its issuer's side and by every organisation below the issuer.
SEES_SCHEME = who(EVERYONE, SEE_CITY_B, EVERYONE)
# A published score, an appeal: by those who see the organisation assessed (the province's scheme assesses city A).
SEES_ASSESSED = who(EVERYONE, SEE_CITY_B, CITY_A)
# Provisional runs and what assessors enter: the scheme's assessors only.
ASSESSING = who(ASSESSORS)
# The accounts an administrator of city A manages: the holder at A1a, and the straddler (A1a and the province),
# whom they see but may not change; the holder at Bb is no account of theirs.
MANAGED_ACCOUNTS = who({"admin"}, (), {"admin"})


@dataclass
class Listing:
    """What a list (or an export) shows: its rows must lie within what the permission layer lets the caller see
    (``visible``), and the World's object at each place is listed exactly for the (role, where) in ``shown``."""

    model: type
    rows: Callable  # (response) -> the keys of the rows it lists
    item: Callable | None = None  # (world, where) -> the object at ``where``
    shown: frozenset = frozenset()
    key: str = "pk"  # what ``rows`` gives: the pk, or another unique field (an organisation's code)


@dataclass
class Read:
    """One read route: its URL for the object at ``where``, who sees the object and who may use the route."""

    name: str  # the URL name
    url: Callable  # (world, where) -> the URL
    sees: frozenset | set = frozenset()  # (role, where) that see the object; a set of roles: inside
    may: frozenset | set | None = None  # (role, where) answered ``ok``; default: those who see it
    ok: int = 200
    refused: int = 403
    hidden: int = 404
    variant: str = ""
    anywhere: bool = False  # not tied to a place in the tree (a list, a form to start): run once, inside
    listing: Listing | None = None
    check: Callable | None = None  # (world, role, response) -> whether the answer shows what it must
    public: int | None = None  # what an anonymous caller gets, for a public route (``why`` says why)
    why: str = ""

    def __post_init__(self):
        self.sees = self._pairs(self.sees) or (who(ANYONE) if self.anywhere else frozenset())
        self.may = self.sees if self.may is None else self._pairs(self.may)
        self.sees = self.sees | self.may

    @staticmethod
    def _pairs(value):
        return who(value) if value and all(isinstance(v, str) for v in value) else frozenset(value)

    @property
    def id(self):
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def expected(self, role, where):
        if (role, where) in self.may:
            return self.ok
        return self.refused if (role, where) in self.sees else self.hidden


def at(name, *args, **query):
    """The URL of ``name`` with ``args``, and ``query`` as its query string."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def of(name, make, **query):
    """(world, where) -> the URL of ``name`` for the object ``make(world, where)``."""
    return lambda w, where: at(name, make(w, where).pk, **query)


def here(name, **query):
    """(world, where) -> the URL of ``name``, wherever: a list, a form to start, a route of no place."""
    return lambda w, where: at(name, **query)


def api_list(name):
    """An API list in one page, so that the matrix reads every row."""
    return here(name, page_size=500)


def plan_part(name):
    """(world, where) -> a part of the World's plan at ``where``: its plan, section, point, target, the assignment
    ``held`` at the ``where`` branch (above: the province's own) or the ``root`` one, held by the plan's committee."""
    return lambda w, where: getattr(w.plan(where), name)


def scheme_part(name):
    """(world, where) -> a part of the World's assessment scheme at ``where``: the scheme, its top or leaf indicator."""
    return lambda w, where: getattr(w.scheme(where), name)


# The parts of the World's plans and schemes at ``where``, as ``of`` and ``Listing.item`` take them.
plan_of, section_of, point_of, target_of, held, root_of = map(plan_part, [
    "plan", "section", "point", "target", "held", "root"])
scheme_of, leaf_of = scheme_part("scheme"), scheme_part("leaf")


def api_reads(basename, model, item, sees, variant=""):
    """The list and detail routes of an API model (``api:<basename>-list``, ``-detail``): the detail of the object at
    ``where`` answers those who see it, and the list shows it to exactly them."""
    detail = Read(f"api:{basename}-detail", of(f"api:{basename}-detail", item), sees, variant=variant)
    return [Read(f"api:{basename}-list", api_list(f"api:{basename}-list"), anywhere=True, variant=variant,
                 listing=Listing(model, api_rows, item=item, shown=detail.sees)),
            detail]


def role_matrix(cases, roles=ROLES):
    """pytest parameters: every case × every role × inside, outside and above (once for ``anywhere`` cases)."""
    return [pytest.param(case, role, where, id=f"{case.id}-{role}-{where}")
            for case in cases for role in roles for where in (["inside"] if case.anywhere else WHERE)]


def read_matrix(reads):
    """Every read × every role (and ``nobody``) × inside, outside and above (once for ``anywhere`` routes)."""
    return role_matrix(reads, READ_ROLES)


def by_id(reads):
    return [pytest.param(read, id=read.id) for read in reads]


def read_tests(reads):
    """``test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in = read_tests(READS)`` in a
    read matrix: the routes of ``reads`` as every role at every place, and without logging in."""

    @pytest.mark.parametrize("read, role, where", read_matrix(reads))
    def test_a_read_answers_its_roles_only(client, world, read, role, where):
        assert_read(client, world, read, role, where)

    @pytest.mark.parametrize("read", by_id(reads))
    def test_an_anonymous_read_is_sent_to_log_in(client, world, read):
        assert_anonymous(client, world, read)

    return test_a_read_answers_its_roles_only, test_an_anonymous_read_is_sent_to_log_in


def assert_read(client, world, read, role, where):
    """GET the route as ``role`` for the object at ``where``: the expected answer, nothing of city B unless the role
    sees it, and for lists their rows within what the caller may see."""
    world.me = getattr(world.people, "nobody" if role == "nobody" else role)
    url = read.url(world, where)
    if read.listing and read.listing.item:
        for place in WHERE:  # made before the request, so that the list can show them
            read.listing.item(world, place)
    client.force_login(world.me)
    response = client.get(url)
    expected = read.expected(role, where)
    assert response.status_code == expected, (url, response.status_code, expected, body_text(response)[:300])
    text = body_text(response)
    if role not in SEE_CITY_B:
        assert not any(marker in text for marker in CITY_B), (url, "city B shows", text[:300])
    if response.status_code == read.ok and read.listing:
        assert_listing(world, read.listing, role, response)
    if response.status_code == read.ok and read.check:
        assert read.check(world, role, response), (url, text[:300])


def assert_anonymous(client, world, read):
    """Without logging in: the log-in page for pages, 401 for the API, and for public routes what they declare."""
    world.me = world.people.admin  # whose things the URL names; the request carries no user
    url = read.url(world, "inside")
    response = client.get(url)
    if read.public is not None:
        assert response.status_code == read.public, (url, response.status_code)
    elif url.startswith("/api/"):
        assert response.status_code == 401, (url, response.status_code)
    else:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (
            url, response.status_code)


def assert_listing(world, listing, role, response):
    rows = set(listing.rows(response))
    allowed = set(visible(listing.model, world.me).values_list(listing.key, flat=True))
    assert rows <= allowed, f"{listing.model.__name__} rows beyond what the permission layer allows: {rows - allowed}"
    if listing.model is M.Organization:  # nor does the page name, anywhere, an organisation the caller cannot see
        text = body_text(response)
        unseen = M.Organization.objects.exclude(pk__in=visible(M.Organization, world.me).values("pk"))
        assert not [name for name in unseen.values_list("name", flat=True) if name in text]
    if listing.item:
        for where in WHERE:
            key = getattr(listing.item(world, where), listing.key)
            assert (key in rows) == ((role, where) in listing.shown), (
                f"{listing.model.__name__} at {where} {'missing' if key not in rows else 'listed'}", sorted(rows))


def visible(model, user):
    """What ``user`` may see of ``model`` as the permission layer says: ``restrict()``, or the selector that holds
    the rule where the row is not in the tree (accounts, one's own things)."""
    from knox.models import AuthToken

    from accounts.selectors import own_tokens
    from orgs.selectors import visible_users

    rules = {
        M.User: visible_users,
        M.Notification: lambda u: M.Notification.objects.filter(user=u),
        AuthToken: own_tokens,
    }
    return rules[model](user) if model in rules else model.objects.restrict(user)


# What a list answers: the keys of its rows.

def api_rows(response):
    data = response.json()
    if isinstance(data, dict):
        assert data.get("next") is None, "the list has more pages than the matrix reads"
        data = data["results"]
    return [row["id"] for row in data]


def context_rows(name, attribute="pk"):
    """The rows a page hands its template under ``name`` (a table, a page of them, a list, or tuples led by the
    row)."""
    def rows(response):
        value = response.context[name]
        if hasattr(value, "paginated_rows"):  # a list page's table (core.tables): the records of its page
            value = [row.record for row in value.paginated_rows]
        if isinstance(value, Page):
            value = value.object_list
        return [getattr(row[0] if isinstance(row, tuple) else row, attribute) for row in value]
    return rows


def sheet_rows(response):
    """Every row of a downloaded .xlsx (all its sheets) or .csv, as lists of text."""
    data = content_of(response)
    if data[:2] == b"PK":
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return [["" if cell is None else str(cell).strip() for cell in row]
                for sheet in workbook.worksheets if sheet.title != "说明"  # a template's instructions, not data
                for row in sheet.iter_rows(values_only=True)]
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]


def sheet_codes(response, header="组织编码"):
    """The organisation codes a sheet lists: the column headed 组织编码 of each of its tables."""
    codes, column = [], None
    for row in sheet_rows(response):
        if header in row:
            column = row.index(header)
        elif column is not None and column < len(row) and row[column]:
            codes.append(row[column])
    return codes


def workbook(rows):
    """An .xlsx file with ``rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def content_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def body_text(response):
    """The answer as text: a page, JSON, CSV, or the XML inside an .xlsx."""
    if not hasattr(response, "_matrix_text"):
        data = content_of(response)
        if response.streaming:  # read once: keep it for the other checks
            response.streaming_content = [data]
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                               if n.endswith(".xml"))
        except zipfile.BadZipFile:
            text = data.decode("utf-8-sig", "replace")
        response._matrix_text = text
    return response._matrix_text


def takes_get(callback):
    """Whether a view answers GET: a viewset's ``get`` action, a class view's ``get``, a function view that no
    decorator limits to other methods."""
    actions = getattr(callback, "actions", None)
    if actions:
        return "get" in actions
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "get") and "get" in view_class.http_method_names
    wrapped = callback
    while wrapped is not None:  # require_POST / require_http_methods keep their list in a closure
        code = getattr(wrapped, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            methods = wrapped.__closure__[code.co_freevars.index("request_method_list")].cell_contents
            if "GET" not in methods:
                return False
        wrapped = getattr(wrapped, "__wrapped__", None)
    return True


def read_routes():
    """{URL name: route} of every page and API route that answers GET (not Django admin, not the moved pages'
    redirects, not the API's format-suffix twins)."""
    found = {}
    for route, name, callback in url_patterns():
        if route.startswith("admin/") or getattr(callback, "moved_page", False):
            continue
        if r"\.(?P<format>" in route or "<drf_format_suffix" in route:
            continue
        if takes_get(callback):
            assert name, f"a route that answers GET has no URL name: {route}"
            found[name] = route
    return found
