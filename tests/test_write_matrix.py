"""The generated write matrix: every API write (endpoint × method) × every role × inside / outside / above.

Each user sits in city A (the reporter at its branch A1a; ``dual`` is a provincial leader who is also
staff of city A). ``inside`` objects live in city A, ``outside`` ones in city B, ``above`` ones at the
province. A write is allowed only inside and only to the roles its case names, and then changes something;
every refused write leaves the database exactly as it was and answers as the read matrices would: 403 to
those who see what it names, 404 to the others (400 where the payload names an organisation they cannot
see). Updates that would move an object
out of city A (to city B or to the province), or pull an object from there into city A, are refused to
everyone, administrators included.

The matrix is checked against the URL resolver: an API endpoint that accepts POST, PUT, PATCH or DELETE
and is not declared here fails ``test_every_write_endpoint_is_in_the_matrix``.
"""
import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.permissions import SYSTEM
from tests.matrix import (
    ASSESSING,
    ASSESSORS,
    CITY_A_APPEALS_ABOVE,
    DUAL_LEADS_THE_PROVINCE,
    EVERYONE,
    LAST_MONTH,
    OWN,
    PLANNERS,
    PNG,
    RECORDERS,
    REVIEWERS,
    ROLES,
    SEES_ASSESSED,
    SEES_BRANCH,
    SEES_COMMITTEE,
    SEES_PLAN,
    SEES_SCHEME,
    THIS_MONTH,
    UNMASKERS,
    VOLUNTEER_MANAGERS,
    WHERE,
    M,
    S,
    World,
    assert_unchanged,
    by_id,
    computable_month,
    leaf_of,
    ledger_csv,
    may_write,
    moves_matrix,
    org_csv,
    plan_of,
    point_of,
    report_csv,
    root_of,
    scheme_of,
    section_of,
    snapshot,
    target_of,
    url_patterns,
    view_methods,
    world_fixtures,
)
from tests.volunteers.ids import resident_id
from volunteers.signin import current_code

module_world, world = world_fixtures()


@dataclass
class Case:
    """One write: its URL, the object it is made on, its payload, and who may do it inside."""

    method: str
    route: str  # the resolver's route, e.g. "sections/<pk>/"
    url: Callable[[World, str], str]
    data: Callable[[World, str], object] = lambda w, where: {}
    allowed: set = field(default_factory=set)
    fmt: str = "json"  # or "multipart"
    anywhere: bool = False  # not tied to a place in the tree (e.g. parse): run once, inside
    moves: Callable[[World, str], object] | None = None  # a payload that moves the inside object to ``where``
    also: frozenset = frozenset()  # (role, where) also allowed, e.g. the province's leader reviews city B's reports
    ok: tuple = (200, 201, 202, 204)
    # Who sees what the write names (as the read matrices declare it): a refusal answers them ``seen``, everyone
    # else ``hidden`` (404; 400 where the payload names an organisation they cannot see); ``answers`` gives the
    # (role, where) the rule does not fit. None: any of 400, 403, 404.
    sees: frozenset | None = None
    seen: int = 403
    hidden: int = 404
    answers: dict = field(default_factory=dict)
    done: Callable | None = None  # (world, where, response) -> the write was made; default: some table changed

    @property
    def id(self):
        return f"{self.method}-{self.route}"

    def refusal(self, role, where):
        if (role, where) in self.answers:
            return (self.answers[(role, where)],)
        if self.sees is None:
            return (400, 403, 404)
        return (self.seen if (role, where) in self.sees else self.hidden,)


def api(path):
    return f"/api/v1/{path}"


def org_file(w, where):
    return {"file": org_csv(w, where), "dry_run": "false"}


def ledger_file(w, where):
    return {"file": ledger_csv(w, where)}


def report_file(w, where):
    return {"file": report_csv(w, where)}


def an_unread_notification(w, where):
    """No body; an unread notification of the caller's, to be marked read."""
    w.notification("inside")
    return {}


ACTIVITY = {"title": "社区清洁", "starts_at": "2026-03-01T08:00:00+08:00", "ends_at": "2026-03-03T18:00:00+08:00"}


def another_volunteer(w, where):
    """A volunteer of the ``where`` branch who is on no list yet."""
    return w.once(("another_volunteer", where), lambda: S.volunteers.register_volunteer(
        by=SYSTEM, organization=w.branch(where), name=f"新志愿者{where}", id_type="resident", id_number=resident_id(),
        registered_on=datetime.date(2026, 1, 5)))


def pk_url(path, make):
    return lambda w, where: api(path.format(pk=make(w, where).pk))


CASES = [
    # --- organisations, departments, accounts, roles ---
    Case("post", "organizations/", lambda w, where: api("organizations/"),
         lambda w, where: {"code": f"N{where}", "name": "新支部", "level": "grassroots", "kind": "branch",
                           "parent_code": w.branch(where).code}, {"admin"},
         sees=SEES_BRANCH, hidden=400),
    *(Case(m, "organizations/<pk>/", pk_url("organizations/{pk}/", lambda w, where: w.branch(where)),
           lambda w, where: {"code": w.branch(where).code, "name": "改名", "level": "grassroots", "kind": "branch",
                             "member_count": 99}, {"admin"},
         sees=SEES_BRANCH) for m in ("patch", "put")),
    Case("post", "organizations/<pk>/move/", pk_url("organizations/{pk}/move/", lambda w, where: w.branch(where)),
         lambda w, where: {"parent_code": w.tree.city_a.code}, {"admin"},
         moves=lambda w, where: {"parent_code": w.committee(where).code},
         sees=SEES_BRANCH, answers={("reporter", "inside"): 400},  # the reporter cannot name city A, the new parent
         done=lambda w, where, response: M.Organization.objects.get(pk=w.branch(where).pk).depth == 3),
    Case("post", "organizations/import/", lambda w, where: api("organizations/import/"), org_file, {"admin"},
         fmt="multipart",
         sees=frozenset(), hidden=400),  # the rows are listed as errors
    Case("post", "departments/", lambda w, where: api("departments/"),
         lambda w, where: {"organization": w.branch(where).code, "name": "宣传部"}, {"admin"},
         sees=SEES_BRANCH, hidden=400),
    Case("delete", "departments/<pk>/", pk_url("departments/{pk}/", World.department), allowed={"admin"},
         sees=SEES_BRANCH),
    Case("post", "role-assignments/", lambda w, where: api("role-assignments/"),
         lambda w, where: {"user": w.holder(where).user.username, "organization": w.tree.branch.code,
                           "role": "leader"}, {"admin"},
         sees=frozenset(), hidden=400),
    Case("delete", "role-assignments/<pk>/", pk_url("role-assignments/{pk}/", World.holder), allowed={"admin"},
         sees=SEES_BRANCH),
    # several accounts at once, all or none: an account outside the subtree refuses the whole grant
    Case("post", "role-assignments/grant/", lambda w, where: api("role-assignments/grant/"),
         lambda w, where: {"ids": [w.holder(where).user.pk], "organization": w.tree.branch.code, "role": "leader"},
         {"admin"}, sees=frozenset(), hidden=403,  # only administrators grant roles: 403 to the others
         answers={("admin", "outside"): 404, ("admin", "above"): 404}),  # accounts the admin does not see
    Case("post", "users/", lambda w, where: api("users/"),
         lambda w, where: {"username": f"new_{where}", "password": "a-long-password", "organization": w.branch(where).code,
                           "role": "reporter"}, {"admin"},
         sees=SEES_BRANCH, hidden=400),
    # --- plans ---
    Case("post", "plans/", lambda w, where: api("plans/"),
         lambda w, where: {"organization": w.committee(where).code, "year": 2026, "title": "新计划"}, PLANNERS,
         sees=SEES_COMMITTEE, hidden=400),
    *(Case(m, "plans/<pk>/", pk_url("plans/{pk}/", plan_of),
           lambda w, where: {"organization": w.committee(where).code, "year": 2026, "title": "改名"}, PLANNERS,
           moves=lambda w, where: {"organization": w.committee(where).code, "year": 2026, "title": "x"})
      for m in ("patch", "put")),
    Case("post", "plans/parse/", lambda w, where: api("plans/parse/"),
         lambda w, where: {"text": "一、思想引领\n1. 开展宣讲不少于10场。"}, EVERYONE, anywhere=True,
         done=lambda w, where, response: bool(response.json()["sections"])),
    Case("post", "plans/from-document/", lambda w, where: api("plans/from-document/"),
         lambda w, where: {"text": "一、思想引领\n1. 开展宣讲不少于10场。", "organization": w.committee(where).code,
                           "year": 2026, "title": "文档计划"}, PLANNERS,
         sees=SEES_COMMITTEE, hidden=400),
    Case("post", "plans/<pk>/ledger/", pk_url("plans/{pk}/ledger/", plan_of),
         ledger_file, RECORDERS, fmt="multipart",
         sees=SEES_PLAN, seen=400),
    Case("post", "sections/", lambda w, where: api("sections/"),
         lambda w, where: {"plan": w.plan(where).plan.pk, "title": "新部分"}, PLANNERS,
         sees=SEES_PLAN, hidden=400),
    *(Case(m, "sections/<pk>/", pk_url("sections/{pk}/", section_of),
           lambda w, where: {"plan": w.plan(where).plan.pk, "title": "改名", "number": "二", "order": 3}, PLANNERS,
           moves=lambda w, where: {"plan": w.plan(where).plan.pk, "title": "x", "number": "一", "order": 0},
         sees=SEES_PLAN)
      for m in ("patch", "put")),
    Case("post", "work-points/", lambda w, where: api("work-points/"),
         lambda w, where: {"section": w.plan(where).section.pk, "title": "新要点"}, PLANNERS,
         sees=SEES_PLAN, hidden=400),
    *(Case(m, "work-points/<pk>/", pk_url("work-points/{pk}/", point_of),
           lambda w, where: {"section": w.plan(where).section.pk, "title": "改名"}, PLANNERS,
           moves=lambda w, where: {"section": w.plan(where).section.pk, "title": "x"},
         sees=SEES_PLAN)
      for m in ("patch", "put")),
    Case("post", "targets/", lambda w, where: api("targets/"),
         lambda w, where: {"point": w.plan(where).point.pk, "metric": "活动", "value": "5"}, PLANNERS,
         sees=SEES_PLAN, hidden=400),
    *(Case(m, "targets/<pk>/", pk_url("targets/{pk}/", target_of),
           lambda w, where: {"point": w.plan(where).point.pk, "metric": "改名", "value": "12"}, PLANNERS,
           moves=lambda w, where: {"point": w.plan(where).point.pk, "metric": "x", "value": "10"},
         sees=SEES_PLAN)
      for m in ("patch", "put")),
    Case("post", "assignments/<pk>/decompose/", pk_url("assignments/{pk}/decompose/", root_of),
         lambda w, where: {"parts": [{"organization": (w.branch(where) if where != "above" else w.tree.city_a).code,
                                      "value": "7"}], "confirm_mismatch": True}, PLANNERS,
         sees=SEES_COMMITTEE),
    Case("post", "progress-entries/", lambda w, where: api("progress-entries/"),
         lambda w, where: {"assignment": w.plan(where).held.pk, "reported_on": "2026-05-01", "value": "4"}, RECORDERS,
         sees=SEES_BRANCH, hidden=400),
    # --- monthly reports ---
    Case("post", "reporting-rules/", lambda w, where: api("reporting-rules/"),
         lambda w, where: {"organization": w.committee(where).code, "levels": ["grassroots"], "due_day": 6}, PLANNERS,
         sees=SEES_COMMITTEE, hidden=400),
    *(Case(m, "reporting-rules/<pk>/", pk_url("reporting-rules/{pk}/", World.rule),
           lambda w, where: {"organization": w.committee(where).code, "levels": ["grassroots"], "due_day": 9}, PLANNERS,
           moves=lambda w, where: {"organization": w.committee(where).code, "levels": ["grassroots"], "due_day": 5},
         sees=SEES_COMMITTEE)
      for m in ("patch", "put")),
    Case("delete", "reporting-rules/<pk>/", pk_url("reporting-rules/{pk}/", World.rule), allowed=PLANNERS,
         sees=SEES_COMMITTEE),
    Case("post", "report-fields/", lambda w, where: api("report-fields/"),
         lambda w, where: {"organization": w.committee(where).code, "key": "k", "label": "新字段"}, PLANNERS,
         sees=SEES_COMMITTEE, hidden=400),
    *(Case(m, "report-fields/<pk>/", pk_url("report-fields/{pk}/", World.field),
           lambda w, where: {"organization": w.committee(where).code, "key": f"meetings_{where}", "label": "改名"},
           PLANNERS,
           moves=lambda w, where: {"organization": w.committee(where).code, "key": "meetings_inside", "label": "x"},
         sees=SEES_COMMITTEE)
      for m in ("patch", "put")),
    Case("delete", "report-fields/<pk>/", pk_url("report-fields/{pk}/", World.field), allowed=PLANNERS,
         sees=SEES_COMMITTEE),
    Case("post", "monthly-reports/", lambda w, where: api("monthly-reports/"),
         lambda w, where: {"organization": w.branch(where).code, "month": f"{LAST_MONTH:%Y-%m-%d}"}, RECORDERS,
         sees=SEES_BRANCH, hidden=400),
    Case("post", "monthly-reports/<pk>/draft/", pk_url("monthly-reports/{pk}/draft/", World.report),
         lambda w, where: {"version": w.report(where).version, "work_done": "开展活动"}, RECORDERS,
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/submit/", pk_url("monthly-reports/{pk}/submit/", World.report),
         allowed=RECORDERS,
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/copy-previous/", pk_url("monthly-reports/{pk}/copy-previous/", World.report),
         allowed=RECORDERS, ok=(200,),
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/attachments/", pk_url("monthly-reports/{pk}/attachments/", World.report),
         lambda w, where: {"files": SimpleUploadedFile("p.png", PNG, "image/png")}, RECORDERS, fmt="multipart",
         sees=SEES_BRANCH),
    Case("delete", "monthly-reports/<pk>/attachments/<attachment_id>/",
         lambda w, where: api(f"monthly-reports/{w.attachment(where).report_id}/attachments/{w.attachment(where).pk}/"),
         allowed=RECORDERS,
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/return/",
         pk_url("monthly-reports/{pk}/return/", lambda w, where: w.report(where, S.ReportStatus.SUBMITTED)),
         lambda w, where: {"reason": "补充材料"}, REVIEWERS, also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/approve/",
         pk_url("monthly-reports/{pk}/approve/", lambda w, where: w.report(where, S.ReportStatus.SUBMITTED)),
         allowed=REVIEWERS, also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    # several reports at once, all or none: a report outside the reviewer's reach refuses the whole request
    Case("post", "monthly-reports/approve/", lambda w, where: api("monthly-reports/approve/"),
         lambda w, where: {"ids": [w.report(where, S.ReportStatus.SUBMITTED).pk]}, REVIEWERS,
         also=DUAL_LEADS_THE_PROVINCE, sees=SEES_BRANCH),
    Case("post", "monthly-reports/<pk>/reopen/",
         pk_url("monthly-reports/{pk}/reopen/", lambda w, where: w.report(where, S.ReportStatus.APPROVED)),
         lambda w, where: {"reason": "数据有误"}, REVIEWERS, also=DUAL_LEADS_THE_PROVINCE,
         sees=SEES_BRANCH),
    Case("post", "monthly-reports/upload/", lambda w, where: api("monthly-reports/upload/"), report_file, RECORDERS,
         fmt="multipart",
         sees=frozenset(), hidden=400),
    # --- assessment ---
    Case("post", "assessment-schemes/", lambda w, where: api("assessment-schemes/"),
         lambda w, where: {"organization": w.committee(where).code, "year": 2026, "title": "新方案",
                           "levels": ["grassroots"]}, ASSESSORS,
         sees=SEES_COMMITTEE, hidden=400),
    *(Case(m, "assessment-schemes/<pk>/", pk_url("assessment-schemes/{pk}/", scheme_of),
           lambda w, where: {"organization": w.committee(where).code, "year": THIS_MONTH.year, "title": "改名"},
           ASSESSORS,
           moves=lambda w, where: {"organization": w.committee(where).code, "year": THIS_MONTH.year, "title": "x"})
      for m in ("patch", "put")),
    Case("delete", "assessment-schemes/<pk>/", pk_url("assessment-schemes/{pk}/", scheme_of),
         allowed=ASSESSORS,
         sees=SEES_SCHEME),
    Case("post", "assessment-schemes/<pk>/compute/",
         pk_url("assessment-schemes/{pk}/compute/", scheme_of),
         lambda w, where: {"month": f"{computable_month(w, where):%Y-%m}"}, ASSESSORS,
         sees=SEES_SCHEME),
    Case("post", "indicators/", lambda w, where: api("indicators/"),
         lambda w, where: {"scheme": w.scheme(where).scheme.pk, "name": "新指标", "max_points": "5"}, ASSESSORS,
         sees=SEES_SCHEME, hidden=400),
    *(Case(m, "indicators/<pk>/", pk_url("indicators/{pk}/", leaf_of),
           lambda w, where: {"scheme": w.scheme(where).scheme.pk, "parent": w.scheme(where).top.pk, "name": "改名",
                             "max_points": "10", "rule": "manual"}, ASSESSORS,
           moves=lambda w, where: {"scheme": w.scheme(where).scheme.pk, "parent": None, "name": "x",
                                   "max_points": "10"},
         sees=SEES_SCHEME)
      for m in ("patch", "put")),
    Case("delete", "indicators/<pk>/", pk_url("indicators/{pk}/", leaf_of),
         allowed=ASSESSORS,
         sees=SEES_SCHEME),
    Case("post", "assessment-runs/<pk>/open-appeals/", pk_url("assessment-runs/{pk}/open-appeals/", World.run),
         allowed=ASSESSORS,
         sees=ASSESSING),
    Case("post", "assessment-runs/<pk>/publish/", pk_url("assessment-runs/{pk}/publish/", World.run), allowed=ASSESSORS,
         sees=ASSESSING),
    Case("post", "manual-points/", lambda w, where: api("manual-points/"),
         lambda w, where: {"indicator": w.scheme(where).leaf.pk, "organization": w.assessed(where).code,
                           "month": f"{LAST_MONTH:%Y-%m-%d}", "points": "6", "comment": "规范"}, ASSESSORS,
         sees=SEES_ASSESSED, hidden=400),
    Case("post", "adjustments/", lambda w, where: api("adjustments/"),
         lambda w, where: {"scheme": w.scheme(where).scheme.pk, "organization": w.assessed(where).code,
                           "month": f"{LAST_MONTH:%Y-%m-%d}", "kind": "bonus", "points": "2", "reason": "表彰"},
         ASSESSORS,
         sees=SEES_ASSESSED, hidden=400),
    Case("delete", "adjustments/<pk>/", pk_url("adjustments/{pk}/", World.adjustment), allowed=ASSESSORS,
         sees=ASSESSING),
    Case("post", "appeals/", lambda w, where: api("appeals/"),
         lambda w, where: {"run": w.run(where, S.RunStatus.APPEAL).pk, "organization": w.assessed(where).code,
                           "reason": "分数有误"}, RECORDERS, also=CITY_A_APPEALS_ABOVE,
         sees=SEES_ASSESSED, hidden=400),
    Case("post", "appeals/<pk>/decide/", pk_url("appeals/{pk}/decide/", World.appeal),
         lambda w, where: {"accept": False, "decision": "维持"}, ASSESSORS,
         sees=SEES_ASSESSED),
    # --- volunteers: the registry ---
    Case("post", "volunteers/", lambda w, where: api("volunteers/"),
         lambda w, where: {"organization": w.branch(where).code, "name": "新志愿者", "id_type": "resident",
                           "id_number": resident_id(), "mobile": "13900001234", "registered_on": "2026-02-01"},
         VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH, hidden=400),
    *(Case(m, "volunteers/<pk>/", pk_url("volunteers/{pk}/", World.volunteer),
           lambda w, where: {"organization": w.branch(where).code, "name": "改名", "registered_on": "2026-01-05"},
           VOLUNTEER_MANAGERS,
           moves=lambda w, where: {"organization": w.branch(where).code, "name": "x", "registered_on": "2026-01-05"},
         sees=SEES_BRANCH)
      for m in ("patch", "put")),
    Case("post", "volunteers/<pk>/reveal/", pk_url("volunteers/{pk}/reveal/", World.volunteer),
         lambda w, where: {"reason": "核对身份"}, UNMASKERS,
         sees=SEES_BRANCH),
    Case("post", "volunteers/<pk>/move/", pk_url("volunteers/{pk}/move/", World.volunteer),
         lambda w, where: {"organization": w.tree.district.code, "reason": "调动"}, {"admin", "staff", "dual"},
         moves=lambda w, where: {"organization": w.committee(where).code, "reason": "x"},
         sees=SEES_BRANCH, answers={("reporter", "inside"): 400}),  # the reporter cannot name the district
    Case("post", "volunteers/<pk>/anonymise/", pk_url("volunteers/{pk}/anonymise/", World.volunteer),
         allowed=VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Case("post", "star-scales/", lambda w, where: api("star-scales/"),
         lambda w, where: {"organization": w.committee(where).code, "one_star": "80", "two_stars": "200",
                           "three_stars": "400", "four_stars": "800", "five_stars": "1200"}, {"admin"},
         sees=SEES_COMMITTEE, hidden=400),
    *(Case(m, "star-scales/<pk>/", pk_url("star-scales/{pk}/", World.star_scale),
           lambda w, where: {"organization": w.committee(where).code, "one_star": "60", "two_stars": "200",
                             "three_stars": "400", "four_stars": "800", "five_stars": "1200"}, {"admin"},
           moves=lambda w, where: {"organization": w.committee(where).code, "one_star": "60", "two_stars": "200",
                                   "three_stars": "400", "four_stars": "800", "five_stars": "1200"},
         sees=SEES_COMMITTEE)
      for m in ("patch", "put")),
    # --- volunteers: activities, sign-ups, service records, sign-in ---
    Case("post", "activities/", lambda w, where: api("activities/"),
         lambda w, where: {**ACTIVITY, "organization": w.branch(where).code}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH, hidden=400),
    # the organiser never changes: PATCH {"organization": …} neither moves an activity out nor pulls one in
    *(Case(m, "activities/<pk>/", pk_url("activities/{pk}/", World.activity),
           lambda w, where: {**ACTIVITY, "organization": w.branch(where).code, "title": "改名"}, VOLUNTEER_MANAGERS,
           moves=lambda w, where: {**ACTIVITY, "organization": w.branch(where).code},
           sees=SEES_BRANCH)
      for m in ("patch", "put")),
    Case("delete", "activities/<pk>/", pk_url("activities/{pk}/", World.activity), allowed=VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Case("post", "signups/", lambda w, where: api("signups/"),
         lambda w, where: {"activity": w.activity(where).pk, "volunteer": another_volunteer(w, where).pk},
         VOLUNTEER_MANAGERS, sees=SEES_BRANCH, hidden=400),
    Case("delete", "signups/<pk>/", pk_url("signups/{pk}/", World.signup), allowed=VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    Case("post", "service-records/", lambda w, where: api("service-records/"),
         lambda w, where: {"activity": w.activity(where).pk, "volunteer": w.volunteer(where).pk, "date": "2026-03-02",
                           "hours": "2.5"}, VOLUNTEER_MANAGERS, sees=SEES_BRANCH, hidden=400),
    # confirming a record of an activity outside the subtree: 404 (or 403 to who sees it), nothing changes
    Case("post", "service-records/confirm/", lambda w, where: api("service-records/confirm/"),
         lambda w, where: {"ids": [w.service_record(where).pk]}, VOLUNTEER_MANAGERS, sees=SEES_BRANCH),
    Case("post", "service-records/reject/", lambda w, where: api("service-records/reject/"),
         lambda w, where: {"ids": [w.service_record(where).pk], "reason": "未到岗"}, VOLUNTEER_MANAGERS,
         sees=SEES_BRANCH),
    # a scan needs an account linked to a volunteer (none of the World's roles is one: tests/volunteers/)
    Case("post", "sign-ins/", lambda w, where: api("sign-ins/"),
         lambda w, where: {"activity": w.activity(where).pk, "code": current_code(w.activity(where))},
         sees=frozenset(), hidden=400),
    # --- the caller's own notifications ---
    Case("post", "notifications/<pk>/read/", pk_url("notifications/{pk}/read/", World.notification), allowed=EVERYONE,
         sees=OWN),
    Case("post", "notifications/read-all/", lambda w, where: api("notifications/read-all/"), an_unread_notification,
         allowed=EVERYONE, anywhere=True),
    Case("put", "notifications/preferences/", lambda w, where: api("notifications/preferences/"),
         lambda w, where: {"email": False}, EVERYONE, anywhere=True),
]

# Writes refused to everyone whatever the place, by design (kept in the matrix so that they stay refused).
NOT_OFFERED = {
    ("delete", "plans/<pk>/"), ("delete", "sections/<pk>/"), ("delete", "work-points/<pk>/"),
    ("delete", "targets/<pk>/"), ("delete", "organizations/<pk>/"),
}


def send(client, case, url, data):
    if case.fmt == "multipart":
        return getattr(client, case.method)(url, data)
    return getattr(client, case.method)(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", by_id(CASES))
def test_a_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where, django_capture_on_commit_callbacks):
    if case.anywhere and where != "inside":
        pytest.skip("not tied to a place in the tree")
    user = getattr(world.people, role)
    world.me = user
    url, data = case.url(world, where), case.data(world, where)
    client.force_login(user)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, case, url, data)
    if may_write(case, role, where):
        assert response.status_code in case.ok, (response.status_code, response.content[:400])
        if case.done:
            assert case.done(world, where, response), "the write did not do what it was asked"
        else:
            assert snapshot() != before, "an allowed write changed nothing"
    else:
        assert response.status_code in case.refusal(role, where), (response.status_code, response.content[:400])
        assert_unchanged(before)


@pytest.mark.parametrize("case, role, to", moves_matrix(CASES))
def test_no_update_moves_an_object_out_of_the_subtree(client, world, case, role, to):
    world.me = getattr(world.people, role)
    url = case.url(world, "inside")
    data = case.moves(world, to)
    client.force_login(world.me)
    before = snapshot()
    response = send(client, case, url, data)
    assert response.status_code in (400, 403, 404), (response.status_code, response.content[:400])
    assert_unchanged(before)


@pytest.mark.parametrize("case, role, source", moves_matrix(CASES))
def test_no_update_pulls_an_object_from_elsewhere_into_the_subtree(client, world, case, role, source):
    """The attack on schemes issued above: PATCH {"organization": <own city>} was checked on the new owner only."""
    world.me = getattr(world.people, role)
    url = case.url(world, source)
    data = case.moves(world, "inside")
    client.force_login(world.me)
    before = snapshot()
    response = send(client, case, url, data)
    assert response.status_code in (400, 403, 404), (response.status_code, response.content[:400])
    assert_unchanged(before)


@pytest.mark.parametrize("method, route", sorted(NOT_OFFERED))
def test_writes_not_offered_stay_refused(client, world, method, route):
    world.me = world.people.admin
    objects = {"plans": lambda: world.plan("inside").plan, "sections": lambda: world.plan("inside").section,
               "work-points": lambda: world.plan("inside").point, "targets": lambda: world.plan("inside").target,
               "organizations": lambda: world.tree.branch}
    obj = objects[route.split("/")[0]]()
    client.force_login(world.people.admin)
    before = snapshot()
    response = getattr(client, method)(api(route.replace("<pk>", str(obj.pk))))
    assert response.status_code == 405
    assert_unchanged(before)


def api_write_routes():
    """(method, route) of every write the API offers, read from the URL resolver."""
    routes = set()
    for route, _name, callback in url_patterns():
        methods = view_methods(callback)
        if not methods or not route.startswith("api/v1/") or r"\.(?P<format>" in route or "<drf_format_suffix" in route:
            continue
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.removeprefix("api/v1/"))
        routes.update((method, route.replace("^", "").replace("$", "")) for method in methods)
    return routes


# Writes whose rights are not a place in the tree but the caller's own tokens: their matrix (owner, another
# user, a superuser, anonymous) is tests/accounts/test_permissions.py.
ELSEWHERE = {("post", "auth/token/"), ("post", "auth/logout/"), ("post", "auth/logoutall/"),
             ("delete", "auth/tokens/<id>/")}


def test_every_write_endpoint_is_in_the_matrix():
    from tests.notifications.test_write_matrix_channels import API_CASES as CHANNELS
    from tests.volunteers.test_write_matrix_transfer import API_CASES as VOLUNTEER_TRANSFER

    declared = {(c.method, c.route) for c in CASES + VOLUNTEER_TRANSFER + CHANNELS}
    assert api_write_routes() - ELSEWHERE == declared


def test_every_viewset_writes_through_services():
    """No viewset reaches ModelSerializer's create/update or DestroyModelMixin's delete (the class of bug
    behind PATCH /sections/ renaming the province's sections)."""
    from rest_framework import mixins

    from core.api import ScopedViewSetMixin, writes_through_a_service

    def viewsets():
        for _route, _name, callback in url_patterns():
            if getattr(callback, "cls", None) is not None and getattr(callback, "actions", None):
                yield callback.cls

    def overrides(cls, name):
        return any(name in base.__dict__ for base in cls.__mro__
                   if base is not ScopedViewSetMixin and not base.__module__.startswith("rest_framework"))

    for cls in set(viewsets()):
        assert issubclass(cls, ScopedViewSetMixin), cls
        serializer = cls.serializer_class
        if issubclass(cls, mixins.UpdateModelMixin) and not overrides(cls, "perform_update"):
            assert writes_through_a_service(serializer, "update"), cls
        if issubclass(cls, mixins.CreateModelMixin) and not overrides(cls, "create") and not overrides(cls, "perform_create"):
            assert writes_through_a_service(serializer, "create"), cls
        if issubclass(cls, mixins.DestroyModelMixin):
            assert overrides(cls, "perform_destroy"), cls


def test_the_base_viewset_refuses_default_writes():
    from django.core.exceptions import ImproperlyConfigured
    from rest_framework import serializers

    from core.api import ScopedViewSetMixin

    class Plain(serializers.ModelSerializer):
        class Meta:
            model = M.Section
            fields = ["title"]

    view = ScopedViewSetMixin()
    with pytest.raises(ImproperlyConfigured):
        view.perform_update(Plain())
    with pytest.raises(ImproperlyConfigured):
        view.perform_create(Plain())
    with pytest.raises(ImproperlyConfigured):
        view.perform_destroy(object())

