"""The generated write matrix of the pages: every page that takes a POST × every role × inside / outside / above.

The World is tests/matrix.py's: each user sits in city A (the reporter at its branch A1a; ``dual`` leads the
province and is staff of city A); ``inside`` objects live in city A, ``outside`` ones in city B, ``above`` ones at
the province. A page write succeeds only inside and only for the roles its case names, and then changes some
table; every refused write answers 403 or 404 — or, where the case says why, the page itself again with the
refusal on it (a form error, or a redirect back with a message) — and leaves every table exactly as it was.
Where a case says who sees what it writes to (``sees``, as the read matrices declare it), the refusal is exact:
``seen`` (403) to them, 404 to everyone else.
Forms that name another object (a lead department, a parent, an organisation code, an exception, a task number,
an uploaded row) cannot move an object of city A out of it, nor pull one from city B or the province into it:
that answers a form error (200), 403 or 404, and nothing changes. Every page write refuses a POST without the
CSRF token.

The matrix is checked against the URL resolver: a page whose view takes a POST and is not declared here fails
``test_every_page_write_is_in_the_matrix``. Pages are named by URL name, so they may move to other apps.
"""
import datetime
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from league_portal.middleware import SESSION_KEY
from orgs.permissions import SYSTEM
from tests.factories import PASSWORD
from tests.matrix import (
    ASSESSING,
    ASSESSORS,
    CITY_A_APPEALS_ABOVE,
    DUAL_LEADS_THE_PROVINCE,
    EVERYONE,
    MANAGED_ACCOUNTS,
    OWN,
    PLANNERS,
    PNG,
    RECORDERS,
    REVIEWERS,
    SEES_ASSESSED,
    SEES_BRANCH,
    SEES_COMMITTEE,
    SEES_PLAN,
    THIS_MONTH,
    UNMASKERS,
    VOLUNTEER_MANAGERS,
    M,
    S,
    World,
    assert_unchanged,
    at,
    by_id,
    computable_month,
    held,
    here,
    leaf_of,
    ledger_csv,
    may_write,
    moves_matrix,
    of,
    org_csv,
    page_write_routes,
    plan_of,
    point_of,
    report_csv,
    role_matrix,
    root_of,
    scheme_of,
    section_of,
    snapshot,
    takes_post,
    target_of,
    who,
    world_fixtures,
)
from tests.volunteers.ids import resident_id
from volunteers.signin import current_code

ADMIN = {"admin"}
# Who may configure reports, plan and hand down: administrators and staff. ``dual`` is staff of city A, but
# pages that act for "the current organisation" start at the first role, the province's leader.
PLANNING_AS_CURRENT_ROLE = {"admin", "staff"}


def prepare(w, where):
    """What (nearly) every case uses, made at each place once for the module."""
    w.plan(where), w.rule(where), w.field(where), w.scheme(where)


module_world, world = world_fixtures(prepare)


@dataclass
class Page:
    """One page write: its URL for the object at ``where``, valid form data, and who may do it inside."""

    name: str  # the URL name
    url: Callable[[World, str], str]
    data: Callable[[World, str], dict] = lambda w, where: {}
    allowed: set = field(default_factory=set)
    variant: str = ""  # several cases of one page (the steps of a review, the forms of one page)
    also: frozenset = frozenset()  # (role, where) also allowed
    anywhere: bool = False  # not tied to a place in the tree: run once, inside
    moves: Callable[[World, str], dict] | None = None  # form data that would tie the inside object to ``where``
    pulls: Callable[[World, str], tuple] | None = None  # (url, data) that would bring the ``where`` object inside;
    # by default the URL of the ``where`` object with ``moves(world, "inside")``
    refused: tuple = (403, 404)  # what a refusal answers
    why: str = ""  # why a refusal may answer otherwise: the page's design
    done: Callable | None = None  # (world, where, client, response) -> the change was made; default: a table changed
    prime: Callable | None = None  # (client, world, where): what must exist first (objects, session state)
    # Who sees what the page writes to (as the read matrices declare it): a refusal answers them ``seen`` and
    # everyone else 404. None: anything in ``refused``.
    sees: frozenset | None = None
    seen: int = 403

    def refusal(self, role, where):
        if self.sees is None:
            return self.refused
        return (self.seen,) if (role, where) in self.sees else (404,)

    @property
    def id(self):
        return f"{self.name}[{self.variant}]" if self.variant else self.name


FORM_ERROR = (200, 403, 404)
REDIRECT_WITH_MESSAGE = (302, 403, 404)


def submitted(w, where):
    return w.report(where, S.ReportStatus.SUBMITTED)


def approved(w, where):
    return w.report(where, S.ReportStatus.APPROVED)


def in_appeal(w, where):
    return w.run(where, S.RunStatus.APPEAL)


def sheet(rows):
    """A CSV upload with a header row."""
    return SimpleUploadedFile("s.csv", "\n".join(",".join(map(str, r)) for r in rows).encode(), "text/csv")


def child_below(w, where):
    """An organisation directly below the ``where`` plan's top assignment (what its decomposition offers)."""
    return {"inside": w.tree.district, "outside": w.tree.other_branch, "above": w.tree.city_b}[where]


def decompose_data(w, where):
    return {f"value-{child_below(w, where).pk}": "7", "confirm_mismatch": "on"}


def prefixed(assignment, **values):
    return {f"a{assignment.pk}-{k}": v for k, v in values.items()}


def report_form(w, where, report=None):
    report = report or w.report(where)
    return {"version": report.version, "work_done": "开展主题团日", "problems": "", "next_plan": "继续"}


def review(step, **extra):
    def data(w, where):
        report = submitted(w, where) if step != "reopen" else approved(w, where)
        return {"step": step, "version": report.version, **extra}
    return data


def of_report(status_of):
    return lambda w, where: at("reports:report_review", status_of(w, where).pk)


SCHEME_FORM = {"title": "考核方案", "year": str(THIS_MONTH.year), "levels": "grassroots", "grade_mode": "threshold",
               "bonus_cap": "10", "deduction_cap": "20", "appeal_days": "3", "compute_day": "8", "is_active": "on",
               "excellent_from": "90", "good_from": "80", "pass_from": "60", "excellent_share": "20",
               "good_share": "30"}
VOLUNTEER_FORM = {"id_type": "resident", "political_status": "league_member", "registered_on": "2026-01-05"}
ORG_FORM = {"name": "新团支部", "short_name": "", "level": "grassroots", "kind": "branch", "sector": "agency",
            "member_count": "3", "youth_count": "5", "display_order": "0", "is_active": "on"}
PLAN_FORM = {"title": "年度工作要点", "year": "2026", "status": "draft", "yellow_threshold": "10", "red_threshold": "30"}
ACTIVITY_FORM = {"title": "社区清洁", "category": "community", "starts_at": "2026-03-01T08:00",
                 "ends_at": "2026-03-03T18:00", "planned_hours": "4", "places": "", "status": "open"}
TARGET_FORM = {"metric": "活动", "comparator": "gte", "value": "5", "unit": "场", "aggregation": "sum",
               "progress_rule": "cumulative"}


def another_volunteer(w, where):
    """A volunteer of the ``where`` branch who is on no list yet."""
    return w.once(("another_volunteer", where), lambda: S.volunteers.register_volunteer(
        by=SYSTEM, organization=w.branch(where), name=f"新志愿者{where}", id_type="resident", id_number=resident_id(),
        registered_on=datetime.date(2026, 1, 5)))


def org_row(organization, parent):
    """An import row that keeps ``organization`` as it is but under ``parent``."""
    return sheet([["组织编码", "组织名称", "上级组织编码", "组织层级", "组织类型", "所属领域", "团员数", "青年数"],
                  [organization.code, organization.name, parent.code, organization.get_level_display(),
                   organization.get_kind_display(), organization.get_sector_display(), organization.member_count,
                   organization.youth_count]])


def ledger_row(w, task_where):
    """The inside plan's ledger with one row: a figure for the task (assignment) held at ``task_where``."""
    return sheet([["任务编号", "本次填报数", "截至日期"], [w.plan(task_where).held.pk, 3, "2026-05-01"]])


def org_import_token(client, w, where):
    """Step 1 of the organisation import left a checked file under a token in the session."""
    token = f"matrix{where}"
    default_storage.save(f"imports/{token}.csv", ContentFile(org_csv(w, where).read()))
    session = client.session
    session["org_import_files"] = {token: ".csv"}
    session.save()


def session_role(w, where, client, response):
    return client.session.get(SESSION_KEY) == role_to_switch_to(w, where).pk


def role_to_switch_to(w, where):
    """Inside: the caller's own (last) role; outside: the outsider's; above: another account's provincial role."""
    if where == "inside":
        return M.RoleAssignment.objects.filter(user=w.me).order_by("-organization__path").first()
    if where == "outside":
        return M.RoleAssignment.objects.get(user=w.people.outsider)
    return w.holder("above")


CASES = [
    # --- organisations, departments, accounts, roles -------------------------------------------------------
    Page("orgs:organization_create", lambda w, where: at("orgs:organization_create", w.branch(where).pk),
         lambda w, where: {**ORG_FORM, "code": f"N{where}"}, ADMIN,
         sees=SEES_BRANCH),
    Page("orgs:organization_edit", lambda w, where: at("orgs:organization_edit", w.branch(where).pk),
         lambda w, where: {**ORG_FORM, "name": "改名", "code": w.branch(where).code}, ADMIN,
         sees=SEES_BRANCH),
    Page("orgs:organization_move", lambda w, where: at("orgs:organization_move", w.branch(where).pk),
         lambda w, where: {"new_parent": w.tree.city_a.code, "reason": "调整"}, ADMIN,
         moves=lambda w, where: {"new_parent": w.committee(where).code, "reason": "调整"},
         sees=SEES_BRANCH),
    Page("orgs:department_add", lambda w, where: at("orgs:department_add", w.branch(where).pk),
         lambda w, where: {"name": "宣传部", "display_order": "0"}, ADMIN,
         sees=SEES_BRANCH),
    Page("orgs:department_remove",
         lambda w, where: at("orgs:department_remove", w.branch(where).pk, w.department(where).pk), allowed=ADMIN,
         sees=SEES_BRANCH),
    Page("orgs:department_remove", variant="another organisation's department",
         url=lambda w, where: at("orgs:department_remove", w.branch("inside").pk, w.department(where).pk),
         allowed=ADMIN),
    Page("orgs:import", here("orgs:import"), lambda w, where: {"file": org_csv(w, where)}, ADMIN,
         moves=lambda w, where: {"file": org_row(w.tree.branch, w.committee(where))},
         pulls=lambda w, where: (at("orgs:import"), {"file": org_row(w.branch(where), w.tree.city_a)}),
         refused=FORM_ERROR, why="rows under a parent outside the caller's organisations are listed as errors",
         done=lambda w, where, client, response: bool(response.context and response.context.get("token"))),
    Page("orgs:import_confirm", here("orgs:import_confirm"),
         lambda w, where: {"token": f"matrix{where}"}, ADMIN, prime=org_import_token,
         refused=FORM_ERROR, why="the file is checked again: rows outside are listed as errors"),
    Page("orgs:import_job_apply", of("orgs:import_job_apply", World.import_job), allowed=ADMIN,
         sees=OWN),
    Page("orgs:user_create", here("orgs:user_create"),
         lambda w, where: {"username": f"new_{where}", "first_name": "新用户", "email": "", "password": "a-long-password-9",
                           "organization": w.branch(where).code, "role": "reporter"}, ADMIN,
         refused=FORM_ERROR, why="an organisation code outside the caller's organisations is a form error"),
    Page("orgs:user_detail", of("orgs:user_detail", World.account),
         lambda w, where: {"add_role": "1", "organization": w.tree.branch.code, "role": "leader"}, ADMIN,
         variant="add_role",
         moves=lambda w, where: {"add_role": "1", "organization": w.branch(where).code, "role": "leader"},
         sees=MANAGED_ACCOUNTS),
    Page("orgs:user_detail", of("orgs:user_detail", World.account),
         lambda w, where: {"revoke_role": w.account_role(where).pk}, ADMIN, variant="revoke_role",
         sees=frozenset()),
    Page("orgs:user_detail", lambda w, where: at("orgs:user_detail", w.account("inside").pk),
         lambda w, where: {"revoke_role": w.account_role(where).pk}, ADMIN, variant="revoke another account's role",
         sees=frozenset()),
    Page("orgs:user_detail", of("orgs:user_detail", World.account),
         lambda w, where: {"save_account": "1", "first_name": "改名", "email": "x@example.org", "is_active": "on",
                           "new_password": ""}, ADMIN, variant="save_account",
         sees=MANAGED_ACCOUNTS),
    # the users list's bulk grant: an account outside (not seen) or above (seen, not fully covered) among the ticked
    # ones refuses the whole request, with the accounts named
    Page("orgs:user_bulk_grant", here("orgs:user_bulk_grant"),
         lambda w, where: {"selected": [w.account(where).pk], "organization": w.tree.branch.code, "role": "leader"},
         ADMIN, refused=REDIRECT_WITH_MESSAGE, why="the users list says which ticked accounts are not the caller's"),
    # --- plans -----------------------------------------------------------------------------------------------
    Page("plans:plan_create", here("plans:plan_create"), lambda w, where: PLAN_FORM,
         PLANNING_AS_CURRENT_ROLE, anywhere=True,
         sees=who(EVERYONE)),
    Page("plans:plan_import", here("plans:plan_import"),
         lambda w, where: {"step": "create", "organization": w.committee(where).code, "year": "2026",
                           "title": "文档计划", "sections": "1", "s0-keep": "on", "s0-number": "一",
                           "s0-title": "思想引领", "s0-points": "1", "s0-p0-keep": "on", "s0-p0-title": "青年大学习",
                           "s0-p0-targets": "1", "s0-p0-t0-keep": "on", "s0-p0-t0-metric": "宣讲",
                           "s0-p0-t0-value": "10", "document": "一、思想引领"}, PLANNERS,
         refused=FORM_ERROR, why="an organisation whose plans the caller may not edit is an error on the review page"),
    Page("plans:plan_edit", of("plans:plan_edit", plan_of), lambda w, where: {**PLAN_FORM, "title": "改名"}, PLANNERS,
         sees=SEES_PLAN),
    Page("plans:section_add", of("plans:section_add", plan_of), lambda w, where: {"number": "二", "title": "组织建设"},
         PLANNERS,
         sees=SEES_PLAN),
    Page("plans:point_add", of("plans:point_add", section_of),
         lambda w, where: {"number": "2", "title": "新要点", "status": "not_started"}, PLANNERS,
         sees=SEES_PLAN),
    Page("plans:point_edit", of("plans:point_edit", point_of),
         lambda w, where: {"number": "1", "title": "改名", "status": "in_progress",
                           "lead_department": w.committee_department(where).pk}, PLANNERS,
         moves=lambda w, where: {"number": "1", "title": "x", "status": "in_progress",
                                 "lead_department": w.committee_department(where).pk},
         sees=SEES_PLAN),
    Page("plans:target_add", of("plans:target_add", point_of), lambda w, where: TARGET_FORM, PLANNERS,
         sees=SEES_PLAN),
    Page("plans:target_edit", of("plans:target_edit", target_of), lambda w, where: {**TARGET_FORM, "value": "12"},
         PLANNERS,
         sees=SEES_PLAN),
    Page("plans:milestone_add", of("plans:milestone_add", point_of),
         lambda w, where: {"title": "中期检查", "due_on": "2026-06-30"}, PLANNERS,
         sees=SEES_PLAN),
    Page("plans:milestone_done", of("plans:milestone_done", World.milestone), allowed=PLANNERS,
         sees=SEES_PLAN),
    Page("plans:record_progress", of("plans:record_progress", held),
         lambda w, where: prefixed(w.plan(where).held, reported_on="2026-05-01", value="4", note="开展宣讲"), RECORDERS,
         sees=SEES_BRANCH),
    Page("plans:decompose", of("plans:decompose", root_of), decompose_data, PLANNERS,
         moves=lambda w, where: {"file": sheet([["组织编码", "分解目标值"], [w.branch(where).code, 5]]),
                                 "confirm_mismatch": "on"},
         sees=SEES_COMMITTEE),
    Page("plans:decompose", lambda w, where: at("plans:decompose", w.plan("inside").root.pk),
         lambda w, where: {f"value-{w.branch(where).pk if where != 'inside' else w.tree.district.pk}": "7",
                           "confirm_mismatch": "on"}, PLANNERS, variant="a value for an organisation elsewhere",
         refused=FORM_ERROR, why="only the organisations below the assignment are read from the form"),
    Page("plans:ledger_import", of("plans:ledger_import", plan_of), lambda w, where: {"file": ledger_csv(w, where)},
         RECORDERS, moves=lambda w, where: {"file": ledger_row(w, where)}, refused=FORM_ERROR, why="rows the caller may not record are listed as errors",
         sees=SEES_PLAN, seen=200),
    # --- monthly reports ---------------------------------------------------------------------------------------
    Page("reports:report_start", here("reports:report_start"),
         lambda w, where: {"organization": w.branch(where).pk, "month": f"{THIS_MONTH:%Y-%m}"}, {"reporter"}),
    Page("reports:report_detail", of("reports:report_detail", World.report), report_form, RECORDERS,
         refused=FORM_ERROR, why="a report the caller may see but not edit is shown read-only",
         sees=SEES_BRANCH, seen=200),
    Page("reports:report_detail", of("reports:report_detail", World.report),
         lambda w, where: {**report_form(w, where), "submit": "1"}, RECORDERS, variant="submit",
         refused=FORM_ERROR, why="a report the caller may see but not edit is shown read-only",
         sees=SEES_BRANCH, seen=200),
    Page("reports:report_autosave", of("reports:report_autosave", World.report), report_form, RECORDERS,
         sees=SEES_BRANCH),
    Page("reports:report_copy", of("reports:report_copy", World.report),
         lambda w, where: {"version": w.report(where).version}, RECORDERS,
         sees=SEES_BRANCH),
    Page("reports:attachment_add", of("reports:attachment_add", World.report),
         lambda w, where: {"files": SimpleUploadedFile("p.png", PNG, "image/png")}, RECORDERS,
         sees=SEES_BRANCH),
    Page("reports:attachment_remove", of("reports:attachment_remove", World.attachment), allowed=RECORDERS,
         sees=SEES_BRANCH),
    Page("reports:report_review", of_report(submitted), review("return", reason="补充材料"), REVIEWERS, variant="return",
         also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    Page("reports:report_review", of_report(submitted), review("approve"), REVIEWERS, variant="approve",
         also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    Page("reports:report_review", of_report(approved), review("reopen", reason="数据有误"), REVIEWERS, variant="reopen",
         also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    # the reviewers' list approves the ticked reports: one the caller does not review refuses the whole request
    Page("reports:report_bulk_approve", here("reports:report_bulk_approve"),
         lambda w, where: {"selected": [submitted(w, where).pk]}, REVIEWERS, also=DUAL_LEADS_THE_PROVINCE,
         refused=REDIRECT_WITH_MESSAGE, why="the review list says which ticked reports are not the caller's"),
    Page("reports:report_upload", here("reports:report_upload"),
         lambda w, where: {"file": report_csv(w, where)}, RECORDERS,
         refused=FORM_ERROR, why="rows of organisations the caller does not fill in are listed as errors"),
    Page("reports:rule_add", lambda w, where: at("reports:rule_add", org=w.committee(where).code),
         lambda w, where: {"levels": "grassroots", "due_day": "6", "is_active": "on", "exception_codes": ""}, PLANNERS),
    Page("reports:rule_edit", of("reports:rule_edit", World.rule),
         lambda w, where: {"levels": "grassroots", "due_day": "9", "is_active": "on", "exception_codes": ""}, PLANNERS,
         moves=lambda w, where: {"levels": "grassroots", "due_day": "9", "is_active": "on",
                                 "exception_codes": w.branch(where).code},
         sees=frozenset()),
    Page("reports:field_add", lambda w, where: at("reports:field_add", org=w.committee(where).code),
         lambda w, where: {"key": "new_key", "label": "新字段", "field_type": "integer", "order": "2"}, PLANNERS),
    Page("reports:field_edit", of("reports:field_edit", World.field),
         lambda w, where: {"key": f"meetings_{where}", "label": "改名", "field_type": "integer", "order": "1"},
         PLANNERS,
         sees=frozenset()),
    Page("reports:config_delete", lambda w, where: reverse("reports:config_delete", args=["rule", w.rule(where).pk]),
         allowed=PLANNERS, variant="rule",
         sees=frozenset()),
    Page("reports:config_delete", lambda w, where: reverse("reports:config_delete", args=["field", w.field(where).pk]),
         allowed=PLANNERS, variant="field",
         sees=frozenset()),
    Page("reports:fields_install_defaults", here("reports:fields_install_defaults"),
         lambda w, where: {"org": w.committee(where).code}, PLANNERS),
    # --- assessment ----------------------------------------------------------------------------------------------
    Page("assessment:scheme_create", here("assessment:scheme_create"),
         lambda w, where: {**SCHEME_FORM, "issuer": w.committee(where).code}, ASSESSORS,
         refused=FORM_ERROR, why="an issuer outside the caller's organisations is a form error"),
    Page("assessment:scheme_edit", of("assessment:scheme_edit", scheme_of), lambda w, where: {**SCHEME_FORM, "title": "改名"},
         ASSESSORS,
         sees=ASSESSING),
    Page("assessment:scheme_compute", of("assessment:scheme_compute", scheme_of),
         lambda w, where: {"month": f"{computable_month(w, where):%Y-%m}"}, ASSESSORS,
         sees=ASSESSING),
    Page("assessment:indicator_add", of("assessment:indicator_add", scheme_of),
         lambda w, where: {"parent": w.scheme(where).top.pk, "name": "新指标", "max_points": "5", "rule": "manual",
                           "order": "3"}, ASSESSORS,
         sees=ASSESSING),
    Page("assessment:indicator_edit", of("assessment:indicator_edit", leaf_of),
         lambda w, where: {"parent": w.scheme(where).top.pk, "name": "改名", "max_points": "10", "rule": "manual",
                           "order": "2"}, ASSESSORS,
         moves=lambda w, where: {"parent": w.scheme(where).top.pk, "name": "x", "max_points": "10", "rule": "manual",
                                 "order": "2"},
         sees=ASSESSING),
    Page("assessment:indicator_delete", of("assessment:indicator_delete", leaf_of), allowed=ASSESSORS,
         sees=ASSESSING),
    Page("assessment:run_step", of("assessment:run_step", World.run), lambda w, where: {"step": "appeals"}, ASSESSORS,
         variant="appeals",
         sees=ASSESSING),
    Page("assessment:run_step", of("assessment:run_step", World.run), lambda w, where: {"step": "publish"}, ASSESSORS,
         variant="publish",
         sees=ASSESSING),
    Page("assessment:run_entries", of("assessment:run_entries", World.run),
         lambda w, where: {"manual": "1", "m-indicator": w.scheme(where).leaf.pk,
                           "m-organization": w.assessed(where).code, "m-points": "6", "m-comment": "规范"},
         ASSESSORS, variant="manual",
         moves=lambda w, where: {"manual": "1", "m-indicator": w.scheme("inside").leaf.pk,
                                 "m-organization": w.assessed(where).code, "m-points": "6", "m-comment": "x"},
         sees=ASSESSING),
    Page("assessment:run_entries", lambda w, where: at("assessment:run_entries", w.run("inside").pk),
         lambda w, where: {"manual": "1", "m-indicator": w.scheme(where).leaf.pk,
                           "m-organization": w.assessed("inside").code, "m-points": "6", "m-comment": "规范"},
         ASSESSORS, variant="another scheme's indicator",
         refused=FORM_ERROR, why="an indicator of another scheme is a form error"),
    Page("assessment:run_entries", of("assessment:run_entries", World.run),
         lambda w, where: {"adjustment": "1", "a-organization": w.assessed(where).code, "a-kind": "bonus",
                           "a-points": "2", "a-reason": "表彰"}, ASSESSORS, variant="adjustment",
         moves=lambda w, where: {"adjustment": "1", "a-organization": w.assessed(where).code, "a-kind": "bonus",
                                 "a-points": "2", "a-reason": "x"},
         sees=ASSESSING),
    Page("assessment:adjustment_delete", of("assessment:adjustment_delete", World.adjustment), allowed=ASSESSORS,
         sees=ASSESSING),
    Page("assessment:appeal_file", lambda w, where: at("assessment:appeal_file", in_appeal(w, where).scores.get().pk),
         lambda w, where: {"reason": "分数有误"}, RECORDERS, also=CITY_A_APPEALS_ABOVE,
         refused=REDIRECT_WITH_MESSAGE, why="the score page says why the appeal was refused",
         sees=SEES_ASSESSED, seen=302),
    # who cannot see the appeal (the assessors and the appealing side see it) gets 404, as for one that does not exist
    Page("assessment:appeal_decide", of("assessment:appeal_decide", World.appeal),
         lambda w, where: {"decision_step": "reject", "decision": "维持", "adjustment": "0"}, ASSESSORS,
         sees=SEES_ASSESSED),
    # --- volunteers: the registry --------------------------------------------------------------------------------
    Page("volunteers:volunteer_create", lambda w, where: at("volunteers:volunteer_create"),
         lambda w, where: {**VOLUNTEER_FORM, "organization": w.branch(where).code, "name": "新志愿者",
                           "id_number": resident_id()}, VOLUNTEER_MANAGERS,
         refused=FORM_ERROR, why="an organisation outside the caller's volunteers is a form error"),
    Page("volunteers:volunteer_edit", of("volunteers:volunteer_edit", World.volunteer),
         lambda w, where: {**VOLUNTEER_FORM, "name": "改名", "status": "inactive"}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Page("volunteers:volunteer_move", of("volunteers:volunteer_move", World.volunteer),
         lambda w, where: {"to": w.tree.district.code, "reason": "调动"}, {"admin", "staff", "dual"},
         moves=lambda w, where: {"to": w.committee(where).code, "reason": "x"},
         refused=FORM_ERROR, why="the reporter names an organisation beyond its branch: a form error"),
    Page("volunteers:volunteer_leave", of("volunteers:volunteer_leave", World.volunteer),
         lambda w, where: {"step": "leave", "left_on": "2026-05-01", "confirm": "on"}, VOLUNTEER_MANAGERS,
         variant="leave",
         sees=SEES_BRANCH),
    Page("volunteers:volunteer_leave", of("volunteers:volunteer_leave", World.volunteer),
         lambda w, where: {"step": "anonymise", "confirm": "on"}, VOLUNTEER_MANAGERS, variant="anonymise",
         sees=SEES_BRANCH),
    Page("volunteers:volunteer_reveal", of("volunteers:volunteer_reveal", World.volunteer),
         lambda w, where: {"reason": "核对身份"}, UNMASKERS,
         sees=SEES_BRANCH),
    Page("volunteers:star_scale", lambda w, where: at("volunteers:star_scale", w.committee(where).pk),
         lambda w, where: {"one_star": "80", "two_stars": "200", "three_stars": "400", "four_stars": "800",
                           "five_stars": "1200"}, ADMIN,
         sees=SEES_COMMITTEE),
    # --- volunteers: activities, sign-ups, hours, sign-in ---------------------------------------------------------
    Page("volunteers:activity_create", here("volunteers:activity_create"),
         lambda w, where: {**ACTIVITY_FORM, "organization": w.branch(where).code}, VOLUNTEER_MANAGERS,
         refused=FORM_ERROR, why="an organiser outside the caller's volunteers is a form error"),
    Page("volunteers:activity_edit", of("volunteers:activity_edit", World.activity),
         lambda w, where: {**ACTIVITY_FORM, "title": "改名"}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Page("volunteers:activity_delete", of("volunteers:activity_delete", World.activity), allowed=VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Page("volunteers:activity_signup_add", of("volunteers:activity_signup_add", World.activity),
         lambda w, where: {"volunteer": another_volunteer(w, where).pk}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Page("volunteers:activity_signup_add", lambda w, where: at("volunteers:activity_signup_add",
                                                                w.activity("inside").pk),
         lambda w, where: {"volunteer": another_volunteer(w, where).pk}, VOLUNTEER_MANAGERS,
         variant="a volunteer from elsewhere on the inside list"),
    Page("volunteers:activity_signup_cancel",
         lambda w, where: at("volunteers:activity_signup_cancel", w.activity(where).pk, w.signup(where).pk),
         allowed=VOLUNTEER_MANAGERS, sees=SEES_BRANCH),
    Page("volunteers:activity_record_add", of("volunteers:activity_record_add", World.activity),
         lambda w, where: {"volunteer": w.volunteer(where).pk, "date": "2026-03-02", "hours": "2.5"},
         VOLUNTEER_MANAGERS, sees=SEES_BRANCH),
    Page("volunteers:activity_records_decide", of("volunteers:activity_records_decide", World.activity),
         lambda w, where: {"step": "confirm", "records": [w.service_record(where).pk]}, VOLUNTEER_MANAGERS,
         variant="confirm", sees=SEES_BRANCH),
    Page("volunteers:activity_records_decide", of("volunteers:activity_records_decide", World.activity),
         lambda w, where: {"step": "reject", "all_pending": "on", "reason": "未到岗",
                           "records": [w.service_record(where).pk]}, VOLUNTEER_MANAGERS,
         variant="reject all pending", sees=SEES_BRANCH),
    # a record of an activity elsewhere, ticked on the inside activity's page: not one of its records
    Page("volunteers:activity_records_decide", lambda w, where: at("volunteers:activity_records_decide",
                                                                    w.activity("inside").pk),
         lambda w, where: {"step": "confirm", "records": [w.service_record(where).pk]}, VOLUNTEER_MANAGERS,
         variant="another activity's record", refused=FORM_ERROR,
         why="a record that is not pending at this activity is an invalid choice on its form"),
    # a scan and a volunteer's own sign-ups need an account linked to a volunteer (tests/volunteers/ has them)
    Page("volunteers:scan", of("volunteers:scan", World.activity),
         lambda w, where: {"code": current_code(w.activity(where))}, refused=FORM_ERROR,
         why="the scan page tells an account that is no volunteer's why it cannot sign in"),
    Page("volunteers:my_sign_up", of("volunteers:my_sign_up", World.activity)),
    Page("volunteers:my_cancel", of("volunteers:my_cancel", World.signup)),
    # --- the caller's own things --------------------------------------------------------------------------------
    Page("accounts:token_create", here("accounts:token_create"), allowed=EVERYONE, anywhere=True),
    Page("accounts:token_revoke", lambda w, where: reverse("accounts:token_revoke", args=[w.token(where)]),
         allowed=EVERYONE,
         sees=OWN),
    Page("accounts:token_revoke_all", here("accounts:token_revoke_all"), allowed=EVERYONE,
         anywhere=True, prime=lambda client, w, where: w.token("inside")),
    Page("notifications:read_all", here("notifications:read_all"), allowed=EVERYONE, anywhere=True,
         prime=lambda client, w, where: w.notification("inside")),
    Page("notifications:email", here("notifications:email"), allowed=EVERYONE, anywhere=True),
    Page("switch_role", here("switch_role"), lambda w, where: {"role": role_to_switch_to(w, where).pk},
         EVERYONE, done=session_role, refused=(302,),
         why="switching to a role that is not one's own keeps the current role and says so"),
    Page("password_change", here("password_change"),
         lambda w, where: {"old_password": PASSWORD, "new_password1": "another-Long-passw0rd",
                           "new_password2": "another-Long-passw0rd"}, EVERYONE, anywhere=True),
    Page("logout", here("logout"), allowed=EVERYONE, anywhere=True,
         done=lambda w, where, client, response: "_auth_user_id" not in client.session),
    Page("set_language", here("set_language"), lambda w, where: {"language": "en", "next": "/"},
         EVERYONE, anywhere=True, done=lambda w, where, client, response: response.cookies["django_language"].value == "en"),
]

# Pages that take a POST without a user: their limits are elsewhere (tests/accounts/ for the lockout).
WITHOUT_A_USER = {"login"}


MATRIX = role_matrix(CASES)


@pytest.mark.parametrize("case, role, where", MATRIX)
def test_a_page_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                          django_capture_on_commit_callbacks):
    world.me = getattr(world.people, role)
    client.force_login(world.me)
    url, data = case.url(world, where), case.data(world, where)
    if case.prime:
        case.prime(client, world, where)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code != 500
    if may_write(case, role, where):
        assert response.status_code in (200, 302), (response.status_code, response.content[:400])
        if case.done:
            assert case.done(world, where, client, response), "the page did not do what it was asked"
        else:
            after = snapshot()
            assert after != before, ("nothing was written", response.status_code, _messages(response))
    else:
        assert response.status_code in case.refusal(role, where), (response.status_code, response.content[:400])
        assert_unchanged(before, response)
        if case.done and where != "inside":
            assert not case.done(world, where, client, response)


@pytest.mark.parametrize("case, role, to", moves_matrix(CASES))
def test_no_page_moves_an_object_out_of_the_subtree(client, world, case, role, to):
    world.me = getattr(world.people, role)
    client.force_login(world.me)
    url, data = case.url(world, "inside"), case.moves(world, to)
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in FORM_ERROR, (response.status_code, response.content[:400])
    assert_unchanged(before, response)


@pytest.mark.parametrize("case, role, source", moves_matrix(CASES))
def test_no_page_pulls_an_object_from_elsewhere_into_the_subtree(client, world, case, role, source):
    world.me = getattr(world.people, role)
    client.force_login(world.me)
    url, data = case.pulls(world, source) if case.pulls else (case.url(world, source), case.moves(world, "inside"))
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in FORM_ERROR, (response.status_code, response.content[:400])
    assert_unchanged(before, response)


def test_every_page_write_is_in_the_matrix():
    from tests.notifications.test_write_matrix_channels import PAGE_CASES as CHANNELS
    from tests.volunteers.test_write_matrix_transfer import PAGE_CASES as VOLUNTEER_TRANSFER

    declared = {case.name for case in CASES + VOLUNTEER_TRANSFER + CHANNELS}
    assert set(page_write_routes()) - WITHOUT_A_USER == declared


@require_POST
def _posted_only(request):
    return HttpResponse()


def _form_page(request):
    return _save_when_posted(request)


def _save_when_posted(request):
    return HttpResponse(request.method == "POST")


def _read_only(request, pk):
    return HttpResponse(pk)


class _FormView(View):
    def post(self, request):
        return HttpResponse()


def test_the_resolver_walk_tells_pages_that_take_a_post_from_the_others():
    """What ``test_every_page_write_is_in_the_matrix`` relies on: a decorator, a method check in a helper of the
    view's module, or a class view's ``post`` marks a page write; a page that only reads is not one."""
    assert takes_post(login_required(_posted_only))
    assert takes_post(login_required(_form_page))
    assert takes_post(_FormView.as_view())
    assert not takes_post(login_required(_read_only))


def test_a_refusal_that_is_not_403_or_404_says_why():
    for case in CASES:
        assert set(case.refused) <= {403, 404} or case.why, case.id
        assert case.sees is None or case.seen in case.refused, case.id


ONE_PER_PAGE = list({case.name: case for case in reversed(CASES)}.values())


@pytest.mark.parametrize("case", by_id(ONE_PER_PAGE))
def test_a_page_write_without_the_csrf_token_is_refused(world, case):
    """The browser's session cookie is not enough: every page write needs the form's CSRF token."""
    role = "admin" if "admin" in case.allowed or not case.allowed else sorted(case.allowed)[0]
    world.me = getattr(world.people, role)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.me)
    url, data = case.url(world, "inside"), case.data(world, "inside")
    if case.prime:
        case.prime(client, world, "inside")
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 403, (response.status_code, response.content[:300])
    assert_unchanged(before, response)
    assert "_auth_user_id" in client.session


def test_the_login_form_needs_its_csrf_token_too(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context else ""
