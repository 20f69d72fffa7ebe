"""The audit log: every audited service leaves exactly one row with its field changes, in the write's own
transaction; the pages and the API show a subtree's rows to its administrators only; old rows are pruned."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from core import context
from orgs import audit, services
from orgs.choices import AuditAction, Kind, Level, Role
from orgs.models import AuditEntry, Organization, RoleAssignment
from orgs.permissions import SYSTEM
from orgs.tasks import prune_audit
from tests.factories import UserFactory
from tests.volunteers.ids import resident_id


@pytest.fixture(autouse=True)
def empty_log(tree):
    """The test tree is built through the services, which audit it: each test starts from an empty log."""
    AuditEntry.objects.all().delete()


def only_entry(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


# --- the diff ----------------------------------------------------------------------------------------------------


def test_a_diff_names_changed_fields_only_and_hides_secrets():
    before = {"name": "甲", "member_count": 3, "mobile_encrypted": "abc", "id_number_hash": "h1", "same": 1}
    after = {"name": "乙", "member_count": 3, "mobile_encrypted": "xyz", "id_number_hash": "h2", "same": 1}
    assert audit.diff(before, after) == {"name": ["甲", "乙"], "mobile_encrypted": "changed",
                                         "id_number_hash": "changed"}


def test_record_never_stores_a_secret_value_passed_in_changes(tree):
    entry = audit.record(SYSTEM, AuditAction.ORG_EDIT, tree.branch, changes={"password": ["a", "b"]})
    assert entry.changes == {"password": "changed"}
    assert entry.actor is None and entry.actor_name == "" and entry.organization == tree.branch


def test_an_entry_cannot_be_changed(tree):
    entry = audit.record(SYSTEM, AuditAction.ORG_EDIT, tree.branch)
    entry.note = "edited"
    with pytest.raises(ValueError):
        entry.save()


# --- each audited service: one row, the right diff, nothing when the write fails -----------------------------------


def test_granting_a_role_leaves_one_row(people, tree):
    user = UserFactory(username="newcomer")
    RoleAssignment.objects.create(user=user, organization=tree.branch, role=Role.REPORTER)
    assignment = services.assign_role(user, tree.district, Role.STAFF, by=people.admin)
    entry = only_entry(AuditAction.ROLE_GRANT)
    assert (entry.actor, entry.actor_name, entry.organization, entry.object_id) == (
        people.admin, "admin_a", tree.district, assignment.pk)
    assert entry.changes == {"role": [None, "staff"]}
    services.assign_role(user, tree.district, Role.STAFF, by=people.admin)  # granted already: nothing written
    assert AuditEntry.objects.filter(action=AuditAction.ROLE_GRANT).count() == 1


def test_revoking_a_role_leaves_one_row_and_a_refused_revocation_none(people, tree):
    holder = RoleAssignment.objects.get(user=people.reporter)
    with pytest.raises(PermissionDenied):
        services.revoke_role(holder, by=people.outsider)
    assert not AuditEntry.objects.exists()
    services.revoke_role(holder, by=people.admin)
    entry = only_entry(AuditAction.ROLE_REVOKE)
    assert entry.changes == {"role": ["reporter", None]} and entry.organization == tree.branch


def test_creating_editing_and_moving_an_organisation_leave_a_row_each(people, tree):
    child = services.create_organization(by=people.admin, parent=tree.district, name="新支部", code="A1b",
                                         level=Level.GRASSROOTS, kind=Kind.BRANCH)
    assert only_entry(AuditAction.ORG_CREATE).changes["name"] == [None, "新支部"]
    services.update_organization(child, by=people.admin, name="新支部", member_count=12)
    assert only_entry(AuditAction.ORG_EDIT).changes == {"member_count": [0, 12]}
    services.move_organization(child, tree.city_a, by=people.admin, reason="调整")
    move = only_entry(AuditAction.ORG_MOVE)
    assert move.changes == {"parent": [tree.district.name, tree.city_a.name]} and move.note == "调整"
    assert AuditEntry.objects.count() == 3


def test_an_edit_that_changes_nothing_leaves_no_row(people, tree):
    services.update_organization(tree.branch, by=people.admin, name=tree.branch.name)
    assert not AuditEntry.objects.exists()


def test_a_failing_write_leaves_no_row(people, tree):
    """The row is written in the service's transaction: a write that fails after it rolls it back too."""
    with pytest.raises(ValidationError):
        services.move_organization(tree.city_a, tree.branch, by=people.root)
    with pytest.raises(Exception):  # noqa: B017 - the unique code refuses the second organisation
        services.create_organization(by=people.admin, parent=tree.district, name="重复", code="A1a",
                                     level=Level.GRASSROOTS, kind=Kind.BRANCH)
    assert not AuditEntry.objects.exists()


def test_the_request_context_gives_the_address_and_request_id(people, tree):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="req-42")

    def view(request):
        services.update_organization(tree.branch, by=people.admin, member_count=99)
        return None

    context.RequestContextMiddleware(view)(request)
    entry = only_entry(AuditAction.ORG_EDIT)
    assert (entry.address, entry.request_id) == ("203.0.113.9", "req-42")
    assert context.current() == context.EMPTY  # cleared after the request


def test_a_trusted_proxy_address_is_replaced_by_the_client_address(client, people, tree):
    client.force_login(people.admin)
    with override_settings(TRUSTED_PROXIES=["10.0.0.1"]):
        client.post(reverse("orgs:organization_edit", args=[tree.branch.pk]), {
            "name": tree.branch.name, "short_name": "", "code": tree.branch.code, "level": tree.branch.level,
            "kind": tree.branch.kind, "sector": tree.branch.sector, "member_count": 77, "youth_count": 0,
            "is_active": "on", "display_order": 0, "reporting_from": ""},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    entry = only_entry(AuditAction.ORG_EDIT)
    assert entry.address == "198.51.100.7" and entry.changes["member_count"] == [20, 77]


@pytest.fixture
def scheme(tree):
    from assessment.models import AssessmentScheme, Indicator

    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="考核", levels=["grassroots"])
    top = Indicator.objects.create(scheme=scheme, name="日常", max_points=10, order=1)
    leaf = Indicator.objects.create(scheme=scheme, parent=top, name="评价", max_points=10, rule="manual", order=2)
    return scheme, leaf


def test_assessor_points_leave_a_row_with_old_and_new_points(people, tree, scheme):
    from assessment import services as assessment

    _scheme, leaf = scheme
    assessment.set_manual_points(leaf, tree.branch, datetime.date(2026, 5, 1), by=people.assessor, points_given=6,
                                 comment="好")
    assert only_entry(AuditAction.POINTS_SET).changes == {"points": [None, "6"], "comment": [None, "好"]}
    assessment.set_manual_points(leaf, tree.branch, datetime.date(2026, 5, 1), by=people.assessor, points_given=8,
                                 comment="好")
    latest = AuditEntry.objects.filter(action=AuditAction.POINTS_SET).first()
    assert latest.changes == {"points": ["6", "8"]} and latest.organization == tree.city_a
    with pytest.raises(ValidationError):
        assessment.set_manual_points(leaf, tree.branch, datetime.date(2026, 5, 1), by=people.assessor,
                                     points_given=80, comment="x")
    assert AuditEntry.objects.filter(action=AuditAction.POINTS_SET).count() == 2


def test_bonuses_and_deductions_leave_a_row_when_added_and_removed(people, tree, scheme):
    from assessment import services as assessment

    adjustment = assessment.add_adjustment(scheme[0], tree.branch, datetime.date(2026, 5, 1), by=people.assessor,
                                           kind="bonus", points_given=Decimal("2.5"), reason="表彰")
    added = only_entry(AuditAction.ADJUSTMENT_ADD)
    assert added.changes["points"] == [None, "2.5"] and added.changes["reason"] == [None, "表彰"]
    assessment.remove_adjustment(adjustment, by=people.assessor)
    assert only_entry(AuditAction.ADJUSTMENT_REMOVE).changes["points"] == ["2.5", None]


def test_scheme_and_indicator_changes_leave_their_diff(people, scheme):
    from assessment import services as assessment

    the_scheme, leaf = scheme
    the_scheme.title = "新考核"
    assessment.save_scheme(the_scheme, by=people.assessor)
    assert only_entry(AuditAction.SCHEME_SAVE).changes == {"title": ["考核", "新考核"]}
    leaf.name = "日常评价"
    assessment.save_indicator(leaf, by=people.assessor)
    assert only_entry(AuditAction.INDICATOR_SAVE).changes == {"name": ["评价", "日常评价"]}
    assessment.delete_indicator(leaf, by=people.assessor)
    assert only_entry(AuditAction.INDICATOR_DELETE).changes["name"] == ["日常评价", None]


def test_publishing_scores_leaves_a_row(people, scheme):
    from assessment import services as assessment
    from assessment.models import AssessmentRun

    run = AssessmentRun.objects.create(scheme=scheme[0], month=datetime.date(2026, 5, 1), status="provisional")
    assessment.publish(run, by=people.assessor)
    assert only_entry(AuditAction.SCORES_PUBLISH).changes == {"status": ["provisional", "published"]}


def test_report_decisions_leave_a_row_each(people, tree, report_setup):
    from reports import services as reporting

    report = reporting.start_report(tree.branch, datetime.date(2026, 5, 1), by=SYSTEM)
    report = reporting.save_draft(report, by=people.reporter, values={"meetings": 1, "study_rate": 50})
    report = reporting.submit_report(report, by=people.reporter)
    report = reporting.return_report(report, by=people.staff, reason="补充照片")
    returned = only_entry(AuditAction.REPORT_RETURN)
    assert returned.changes == {"status": ["submitted", "returned"]} and returned.note == "补充照片"
    assert returned.organization == tree.branch and returned.actor == people.staff
    report = reporting.submit_report(report, by=people.reporter)
    reporting.approve_report(report, by=people.leader)
    assert only_entry(AuditAction.REPORT_APPROVE).changes == {"status": ["submitted", "approved"]}
    # the reporter's own writes are audited too (issue 16): start, draft, submit, resubmit; the draft's row shows figures
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "report.start", "report.save", "report.submit", "report.return", "report.submit", "report.approve"]
    assert only_entry(AuditAction.REPORT_SAVE).changes == {"values.meetings": [None, 1], "values.study_rate": [None, "50"]}


@pytest.fixture
def volunteer(tree):
    from volunteers import services as volunteers

    return volunteers.register_volunteer(by=SYSTEM, organization=tree.branch, name="张三", id_type="resident",
                                         id_number=resident_id(), mobile="13800001111",
                                         registered_on=datetime.date(2026, 1, 5))


def test_unmasking_personal_data_leaves_a_row_beside_the_unmask_event(people, volunteer):
    from volunteers import services as volunteers

    volunteers.reveal_personal_data(volunteer, by=people.admin, reason="核实身份")
    entry = only_entry(AuditAction.PII_UNMASK)
    assert entry.note == "核实身份" and entry.object_id == volunteer.pk
    assert "13800001111" not in str(entry.changes)


def test_a_volunteer_edit_records_personal_fields_as_changed_never_their_values(people, volunteer):
    from volunteers import services as volunteers

    volunteers.update_volunteer(volunteer, by=people.admin, mobile="13900002222", skills="摄影")
    entry = only_entry(AuditAction.VOLUNTEER_EDIT)
    assert entry.changes["mobile_encrypted"] == "changed" and entry.changes["mobile_hash"] == "changed"
    assert entry.changes["skills"] == ["", "摄影"]
    assert "13900002222" not in str(entry.changes) and "13800001111" not in str(entry.changes)


def test_an_organisation_import_leaves_a_row_for_the_import_and_one_per_organisation(people, tree):
    from core.spreadsheets import read_table
    from orgs import importers
    plan = importers.plan_import(read_table(_org_file(tree)), by=people.admin)
    importers.apply_import(plan, by=people.admin)
    entry = only_entry(AuditAction.ORG_IMPORT)
    assert entry.changes == {"create": [None, 1]} and entry.organization.code == "NEW1"
    assert only_entry(AuditAction.ORG_CREATE).object_repr == "新团支部"


def _org_file(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = ("组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"
            f"NEW1,新团支部,{tree.branch.code},基层,团支部,机关,3,5\n")
    return SimpleUploadedFile("orgs.csv", text.encode(), "text/csv")


def test_a_plan_from_a_document_leaves_a_row(people, tree):
    from plans import services as plans

    plan = plans.create_plan_from_structure(by=people.staff, organization=tree.city_a, year=2026, title="要点",
                                            sections=[{"title": "思想引领", "points": [{"title": "宣讲"}]}])
    entry = only_entry(AuditAction.PLAN_IMPORT)
    assert entry.object_id == plan.pk and entry.organization == tree.city_a


# --- retention ---------------------------------------------------------------------------------------------------


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_the_retention_task_deletes_rows_older_than_the_policy(tree):
    old = audit.record(SYSTEM, AuditAction.ORG_EDIT, tree.branch)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))
    kept = audit.record(SYSTEM, AuditAction.ORG_EDIT, tree.branch)
    assert prune_audit.delay().get() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]


# --- pages and API -----------------------------------------------------------------------------------------------


@pytest.fixture
def entries(people, tree):
    inside = audit.record(people.admin, AuditAction.ORG_EDIT, tree.branch, changes={"member_count": [1, 2]})
    outside = audit.record(people.outsider, AuditAction.ORG_EDIT, tree.other_branch, changes={"member_count": [3, 4]})
    return inside, outside


def test_the_log_lists_the_subtree_and_never_another_city(client, people, entries):
    inside, outside = entries
    client.force_login(people.admin)
    response = client.get(reverse("audit:entry_list"))
    assert response.status_code == 200
    assert [r.record.pk for r in response.context["table"].paginated_rows] == [inside.pk]
    assert "乙市" not in response.content.decode()


def test_a_city_admin_cannot_reach_another_citys_entries_by_any_filter_or_address(client, api, people, tree, entries):
    """The attack: city A's administrator names city B in every way the log and the API take."""
    _inside, outside = entries
    client.force_login(people.admin)
    by_object = {"object_type": "orgs.organization", "object_id": tree.other_branch.pk}  # the API's filter
    for query in ({"within": "B"}, {"within": "Bb"}, {"q": "乙市"}, {"actor": "admin_b"}, by_object):
        if query is not by_object:
            response = client.get(reverse("audit:entry_list"), query)
            assert response.status_code == 200 and not list(response.context["table"].paginated_rows), query
        answer = api.login(people.admin).get(reverse("api:auditentry-list"), query)
        assert answer.status_code == 400 or answer.json()["results"] == [], query  # a code out of reach is invalid
    assert client.get(reverse("audit:object_log", args=["orgs.organization", tree.other_branch.pk])).status_code == 404
    assert api.get(reverse("api:auditentry-detail", args=[outside.pk])).status_code == 404
    export = client.get(reverse("audit:entry_list"), {"export": "xlsx", "within": "B"})
    assert export.status_code == 200 and b"admin_b" not in b"".join(export.streaming_content)


def test_non_administrators_are_refused_the_log(client, api, people, entries):
    for user in (people.staff, people.leader, people.assessor, people.reporter, people.nobody):
        client.force_login(user)
        assert client.get(reverse("audit:entry_list")).status_code == 403, user
        assert api.login(user).get(reverse("api:auditentry-list")).status_code == 403, user


def test_the_log_filters_by_action_actor_and_dates(client, people, tree, entries):
    inside, _outside = entries
    grant = audit.record(people.admin, AuditAction.ROLE_GRANT, RoleAssignment.objects.get(user=people.reporter))
    client.force_login(people.admin)

    def listed(**query):
        return [r.record.pk for r in client.get(reverse("audit:entry_list"), query).context["table"].paginated_rows]

    assert listed(action="role.grant") == [grant.pk]
    assert set(listed(actor="admin_a")) == {inside.pk, grant.pk}
    today = timezone.localdate()
    assert set(listed(since=f"{today}", until=f"{today}")) == {inside.pk, grant.pk}
    assert listed(until=f"{today - datetime.timedelta(days=1)}") == []


def test_the_object_page_shows_an_organisations_rows_with_labels(client, people, tree, entries):
    client.force_login(people.admin)
    response = client.get(reverse("audit:object_log", args=["orgs.organization", tree.branch.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and "1 → 2" in text
    detail = client.get(reverse("orgs:organization_detail", args=[tree.branch.pk])).content.decode()
    assert reverse("audit:object_log", args=["orgs.organization", tree.branch.pk]) in detail


def test_the_export_holds_the_listed_rows(client, people, entries):
    from core.spreadsheets import read_table

    client.force_login(people.admin)
    response = client.get(reverse("audit:entry_list"), {"export": "xlsx"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = read_table(SimpleUploadedFile("a.xlsx", b"".join(response.streaming_content), "application/octet-stream"))
    assert len(table.rows) == 1


def test_the_api_lists_rows_read_only(api, people, entries):
    inside, _outside = entries
    api.login(people.admin)
    body = api.get(reverse("api:auditentry-list")).json()
    assert [row["id"] for row in body["results"]] == [inside.pk]
    row = body["results"][0]
    assert (row["actor"], row["action"], row["object_type"], row["changes"]) == (
        "admin_a", "org.edit", "orgs.organization", {"member_count": [1, 2]})
    detail = reverse("api:auditentry-detail", args=[inside.pk])
    assert api.delete(detail).status_code == 405 and api.patch(detail, {"note": "x"}).status_code == 405
    assert api.post(reverse("api:auditentry-list"), {}).status_code == 405
    assert Organization.objects.exists()


def test_rows_about_objects_no_organisation_owns_have_no_object_page(client, people, tree):
    from orgs.models import ImportJob

    job = ImportJob.objects.create(created_by=people.admin, original_name="orgs.csv", apply=True, status="done")
    audit.record(people.admin, AuditAction.ORG_IMPORT, job, tree.city_a)
    client.force_login(people.admin)
    assert client.get(reverse("audit:object_log", args=["orgs.importjob", job.pk])).status_code == 404
    assert client.get(reverse("audit:object_log", args=["auth.user", people.admin.pk])).status_code == 404
    assert client.get(reverse("audit:object_log", args=["nothing.here", 1])).status_code == 404
    listed = client.get(reverse("audit:entry_list")).content.decode()
    assert "orgs.importjob" not in listed and "orgs.csv" in listed


def test_the_api_filters_by_object(api, people, tree, entries):
    inside, _outside = entries
    audit.record(people.admin, AuditAction.ORG_EDIT, tree.district)
    body = api.login(people.admin).get(reverse("api:auditentry-list"), {
        "object_type": "orgs.organization", "object_id": tree.branch.pk}).json()
    assert [row["id"] for row in body["results"]] == [inside.pk]


def test_the_row_shares_the_writes_transaction(people, tree, monkeypatch):
    """A service that fails after recording (here: the step after the grant) rolls its audit row back with it."""
    user = UserFactory(username="newcomer")
    RoleAssignment.objects.create(user=user, organization=tree.branch, role=Role.REPORTER)

    def broken(user):
        raise RuntimeError("after the row was written")

    monkeypatch.setattr(services, "forget_roles", broken)
    with pytest.raises(RuntimeError):
        services.assign_role(user, tree.district, Role.STAFF, by=people.admin)
    assert not AuditEntry.objects.exists() and not RoleAssignment.objects.filter(role=Role.STAFF, user=user).exists()


# --- every write function of the services modules is audited ---------------------------------------------------

SERVICE_MODULES = ["accounts.services", "assessment.services", "dashboard.services", "notifications.services",
                   "orgs.services", "plans.services", "reports.services", "volunteers.services"]
ALSO_AUDITED = ["plans.ledger.apply_ledger", "volunteers.certificates.issue_certificate"]  # writes outside services.py

# Public functions of those modules that leave no row, each for the reason given. Keep this short and honest:
# a new write belongs in the log, not here.
NOT_AUDITED = {
    # revoke_tokens_of follows a password change or a deactivation, which is audited; purging expired tokens is
    # housekeeping that nobody does (the tokens already fail authentication)
    "accounts.services": {"revoke_tokens_of", "purge_expired_tokens"},
    # checks that raise or return, writing nothing
    "assessment.services": {"check_indicator", "check_month_closed", "check_preview_month"},
    # circular_file stores a rendered copy (a cache of a read); issue_published_circulars only enqueues
    # issue_circular, which is audited
    "dashboard.services": {"circular_file", "issue_published_circulars"},
    # the sending machinery (one row per message would flood the log; the write that caused it is audited),
    # a user's own read marks and downloads, and readers
    "notifications.services": {"notify", "send", "plan_deliveries", "deliver", "offer_download", "mark_read",
                               "title_fields", "recipients", "wants", "emailed", "wants_email", "chosen_channels"},
    "orgs.services": {"can_manage_account", "verify_tree"},  # readers
    "plans.services": {
        "refreshes_batched", "schedule_refresh",  # schedule the roll-up of derived figures
        "split_evenly", "split_by_weights", "parts_mismatch", "deadline_from_phrase", "refuse_bound",  # pure
        "root_assignment",  # made with its target (add_target's row) or by the demo data
        "attach_evidence",  # only through record_progress, whose row names the files
        "record_progress_from_report",  # the report's approval row covers the entries it makes
    },
    "reports.services": {"clean_values", "volunteer_figures"},  # pure / reader
    "volunteers.services": {
        "check_identity", "id_number_taken", "check_activity_year", "activity_dates", "check_record",  # checks
        "statistics_changed", "refresh_volunteer_hours", "rebuild_statistics", "refresh_statistics",  # derived
    },
}


def _audited_functions(module):
    """The functions of ``module`` that call ``audit.record`` or (transitively) another such function of it."""
    import inspect
    import re

    functions = {name: f for name, f in vars(module).items()
                 if inspect.isfunction(f) and f.__module__ == module.__name__}
    bodies = {name: inspect.getsource(inspect.unwrap(f)).split(":", 1)[1] for name, f in functions.items()}
    audited = {name for name, body in bodies.items() if "audit.record(" in body}
    while more := {name for name, body in bodies.items() if name not in audited
                   and any(re.search(rf"(?<![\w.]){re.escape(done)}\(", body) for done in audited)}:
        audited |= more
    return functions, audited


def test_every_public_write_of_the_services_is_audited_or_named_as_not_a_write():
    import importlib

    missing, stale = [], []
    for name in SERVICE_MODULES:
        functions, audited = _audited_functions(importlib.import_module(name))
        public = {f for f in functions if not f.startswith("_")}
        allowed = NOT_AUDITED.get(name, set())
        missing += [f"{name}.{f}" for f in sorted(public - audited - allowed)]
        stale += [f"{name}.{f}" for f in sorted(allowed & audited | allowed - public)]
    for dotted in ALSO_AUDITED:
        module_name, function = dotted.rsplit(".", 1)
        if function not in _audited_functions(importlib.import_module(module_name))[1]:
            missing.append(dotted)
    assert not missing, f"write functions without an audit row: {missing}"
    assert not stale, f"allow-listed but audited or gone (remove them from NOT_AUDITED): {stale}"


# --- the rows the newly audited services leave ---------------------------------------------------------------------


def test_an_administrators_password_reset_and_deactivation_record_changed_never_the_password(people, tree):
    user = services.create_user(by=people.admin, username="new_user", password="Secret-pass-123",
                                organization=tree.branch, role=Role.REPORTER)
    created = only_entry(AuditAction.ACCOUNT_CREATE)
    assert created.changes["password"] == "changed" and created.changes["username"] == [None, "new_user"]
    services.update_user(user, by=people.admin, password="Another-pass-456")
    reset = only_entry(AuditAction.PASSWORD_RESET)
    assert reset.changes == {"password": "changed"} and reset.organization == tree.branch
    services.update_user(user, by=people.admin, is_active=False, email="x@example.com")
    assert only_entry(AuditAction.ACCOUNT_DEACTIVATE).changes == {
        "email": ["", "x@example.com"], "is_active": [True, False]}
    assert "Secret-pass" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_an_api_token_issued_and_revoked_leaves_a_row_each_without_its_key(client, people, tree):
    from accounts import services as accounts

    token, key = accounts.issue_token(by=people.staff)
    issued = only_entry(AuditAction.TOKEN_ISSUE)
    assert issued.actor == people.staff and issued.organization == tree.city_a and issued.changes["expiry"][0] is None
    accounts.revoke_token(token, by=people.staff)
    assert only_entry(AuditAction.TOKEN_REVOKE).object_repr.endswith(f"{token.token_key}…")
    assert key not in str(list(AuditEntry.objects.values_list("object_repr", "changes", "note")))
    accounts.issue_token(by=people.staff)
    assert accounts.revoke_all_tokens(by=people.staff) == 1
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKE).count() == 2


def test_a_deactivation_through_the_account_page_records_what_the_database_held_before(client, people, tree):
    """The page's ModelForm sets the new values on the account before the service sees it: the row's "before" is
    read from the database, so the deactivation is recorded as one (it was an empty diff, no row, before)."""
    user = services.create_user(by=people.admin, username="page_user", password="Secret-pass-123",
                                organization=tree.branch, role=Role.REPORTER)
    client.force_login(people.admin)
    response = client.post(reverse("orgs:user_detail", args=[user.pk]),
                           {"save_account": "1", "first_name": "新名字", "email": "", "new_password": ""})
    assert response.status_code == 302
    assert only_entry(AuditAction.ACCOUNT_DEACTIVATE).changes == {
        "first_name": ["", "新名字"], "is_active": [True, False]}


def test_plan_edits_and_a_decomposition_leave_their_diffs(people, tree):
    from plans import services as plans
    from plans.choices import PlanStatus

    plan = plans.create_plan(by=people.admin, organization=tree.city_a, year=2026, title="要点")
    assert only_entry(AuditAction.PLAN_CREATE).changes["title"] == [None, "要点"]
    plans.update_plan(plan, by=people.admin, status=PlanStatus.PUBLISHED, title="要点")
    assert only_entry(AuditAction.PLAN_EDIT).changes == {"status": [PlanStatus.DRAFT, PlanStatus.PUBLISHED]}
    section = plans.add_section(plan, by=people.admin, title="一、组织")
    point = plans.add_point(section, by=people.admin, title="培训")
    target = plans.add_target(point, by=people.admin, metric="培训", value=Decimal(10))
    assert only_entry(AuditAction.TARGET_SAVE).changes["value"] == [None, "10"]
    root = target.assignments.get(parent=None)
    plans.decompose(root, [(tree.district, Decimal(10), None)], by=people.admin)
    assert only_entry(AuditAction.DECOMPOSE).changes == {tree.district.name: [None, "10"]}


def test_a_robot_records_its_webhook_and_secret_as_changed_only(people, tree):
    from notifications import services as notifications

    notifications.save_organization_channel(tree.city_a, by=people.admin, channel="wecom",
                                            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY",
                                            secret="SIGNSECRET", kinds_=["other"])
    entry = only_entry(AuditAction.ROBOT_SAVE)
    assert entry.changes["webhook"] == "changed" and entry.changes["secret"] == "changed"
    assert entry.changes["enabled"] == [None, True]
    assert "SECRETKEY" not in str(entry.changes) and "SIGNSECRET" not in str(entry.changes)
    assert "SECRETKEY" not in entry.object_repr


def test_a_bulk_confirmation_leaves_one_summary_row_and_anonymising_keeps_no_old_value(people, tree, volunteer):
    from volunteers import services as volunteers
    from volunteers.models import ServiceRecord

    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    activity = volunteers.create_activity(by=people.admin, organization=tree.branch, title="清洁",
                                          starts_at=start, ends_at=start + datetime.timedelta(days=2))
    assert only_entry(AuditAction.ACTIVITY_CREATE).changes["title"] == [None, "清洁"]
    for day in (1, 2):
        volunteers.record_service(by=people.admin, activity=activity, volunteer=volunteer,
                                  date=datetime.date(2026, 3, day), hours=Decimal(2))
    assert AuditEntry.objects.filter(action=AuditAction.SERVICE_RECORD).count() == 2
    assert volunteers.confirm_records(ServiceRecord.objects.all(), by=people.admin) == 2
    confirm = only_entry(AuditAction.SERVICE_CONFIRM)
    assert confirm.changes["status"] == [["pending"], "confirmed"] and confirm.changes["hours"] == [None, "4"]
    assert len(confirm.changes["records"][1]) == 2
    volunteers.anonymise_volunteer(volunteer, by=people.admin, reason="离开")
    anonymised = only_entry(AuditAction.VOLUNTEER_ANONYMISE)
    assert anonymised.changes["name"] == "changed" and "张三" not in str(anonymised.changes)
    # and no earlier row about the volunteer or their records keeps the name (it was in each SERVICE_RECORD row)
    about = AuditEntry.objects.exclude(action__in=[AuditAction.ACTIVITY_CREATE, AuditAction.SERVICE_CONFIRM])
    assert about.count() >= 3
    assert not [(e.action, e.object_repr, e.note, e.changes) for e in about if "张三" in f"{e.object_repr}{e.note}{e.changes}"]
