"""Moving the monthly reports out of plans changes the migration state only: a database at the schema before the
move, with the demo in it, migrates forward to the reports app and back again, and every row, many-to-many
link, content type, permission and admin log entry stays where it was (the content types change their label).

Runs on whatever DATABASE_URL names: SQLite here, PostgreSQL in CI. django-test-migrations drops every table,
builds the database at ``BEFORE`` and puts the latest schema back after the test.
"""
import datetime
from io import StringIO

import pytest
from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time

BEFORE = [("plans", "0005_case_insensitive_names")]
AFTER = [("reports", "0001_initial")]
MODELS = ["reportingrule", "reportfield", "monthlyreport", "reportline", "reportevent", "reportattachment"]
TABLES = [f"plans_{model}" for model in MODELS] + ["plans_reportingrule_exceptions"]


def post_migrate(state):
    """What ``migrate`` does when it is done (django-test-migrations mutes it): the content types and permissions
    of every model in the migrated state that has none yet."""
    for app_config in installed_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, apps=state.apps)
        create_permissions(app_config, verbosity=0, apps=state.apps)


def rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
        return cursor.fetchall()


def schema():
    """Every table with its columns and constraints, as the database describes them."""
    with connection.cursor() as cursor:
        return {table: (sorted(c.name for c in connection.introspection.get_table_description(cursor, table)),
                        connection.introspection.get_constraints(cursor, table))
                for table in connection.introspection.table_names(cursor)}


def links(state):
    """The rows that point at the moved models' content types: content types, permissions, grants, log entries."""
    ContentType = state.apps.get_model("contenttypes", "ContentType")
    Permission = state.apps.get_model("auth", "Permission")
    UserGrant = state.apps.get_model("auth", "User").user_permissions.through
    GroupGrant = state.apps.get_model("auth", "Group").permissions.through
    LogEntry = state.apps.get_model("admin", "LogEntry")
    moved = ContentType.objects.filter(model__in=MODELS, app_label__in=["plans", "reports"])
    return {
        "content types": sorted(moved.values_list("pk", "app_label", "model")),
        "permissions": sorted(Permission.objects.filter(content_type__in=moved).values_list("pk", "content_type", "codename", "name")),
        "user grants": sorted(UserGrant.objects.filter(permission__content_type__in=moved).values_list("user", "permission")),
        "group grants": sorted(GroupGrant.objects.filter(permission__content_type__in=moved).values_list("group", "permission")),
        "log entries": sorted(LogEntry.objects.filter(content_type__in=moved).values_list("pk", "content_type", "object_id")),
    }


def others_at_their_latest():
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes()
    return [(app, name) for app, name in leaves if app not in {"plans", "reports", "assessment"}]


def fill(state):
    """The demo (rules, default fields, reports in every state with their lines and events), and what it lacks:
    exceptions to a rule, an attachment, a grant of a report permission to a user and a group, an admin log entry.

    Only the demos of the tree, the plans and the reports: the assessment's demo writes through today's models,
    whose columns (the score items' kind, assessment 0002) this schema does not have yet."""
    from unittest import mock

    from orgs import demo as orgs_demo
    from plans import demo as plans_demo
    from reports import demo as reports_demo

    # the services' audit rows would name today's content types (reports.*) in this older schema: not what is moved
    with freeze_time("2026-07-15 10:00:00+08:00"), mock.patch("orgs.audit.record"):
        orgs_demo.load_demo("migration-test-pw")
        plans_demo.load()
        reports_demo.load()
    Organization = state.apps.get_model("orgs", "Organization")
    ReportingRule = state.apps.get_model("plans", "ReportingRule")
    MonthlyReport = state.apps.get_model("plans", "MonthlyReport")
    ReportAttachment = state.apps.get_model("plans", "ReportAttachment")
    ContentType = state.apps.get_model("contenttypes", "ContentType")
    Permission = state.apps.get_model("auth", "Permission")
    Group = state.apps.get_model("auth", "Group")
    User = state.apps.get_model("auth", "User")
    LogEntry = state.apps.get_model("admin", "LogEntry")

    rule = ReportingRule.objects.get()
    rule.exceptions.set(Organization.objects.filter(code__in=["3601010001001", "3601010001002"]))
    report = MonthlyReport.objects.filter(status="returned").first()
    ReportAttachment.objects.create(report=report, file="reports/ab/abcdef/主题团日.png", original_name="主题团日.png",
                                    content_type="image/png", size=68, sha256="ab" + "0" * 62)
    content_type = ContentType.objects.get(app_label="plans", model="monthlyreport")
    change = Permission.objects.get(content_type=content_type, codename="change_monthlyreport")
    user = User.objects.get(username="demo_staff")
    user.user_permissions.add(change)
    Group.objects.create(name="月报审核").permissions.add(change)
    LogEntry.objects.create(user=user, content_type=content_type, object_id=str(report.pk), object_repr=str(report.pk),
                            action_flag=2, change_message="[]", action_time=datetime.datetime(2026, 7, 15, tzinfo=datetime.UTC))


def later_columns(state):
    """(today's model, field) of the plans columns a later plans migration adds (Target.volunteer_figure, plans
    0009): the demo writes through today's models, so they exist while it loads and go again after."""
    from django.apps import apps as current

    found = []
    for model in current.get_app_config("plans").get_models():
        try:
            old = state.apps.get_model("plans", model._meta.model_name)
        except LookupError:
            continue
        columns = {f.column for f in old._meta.local_concrete_fields}
        found += [(model, f) for f in model._meta.local_concrete_fields if f.column not in columns]
    return found


@pytest.fixture
def before(migrator):
    migrator.apply_initial_migration(BEFORE)  # every migration before plans' next one ...
    # ... and the latest of every app that does not take part in the move (the demo writes to them)
    state = migrator.apply_tested_migration(others_at_their_latest())
    post_migrate(state)
    later = later_columns(state)
    with connection.schema_editor() as editor:
        for model, field in later:
            editor.add_field(model, field)
    fill(state)
    with connection.schema_editor() as editor:
        for model, field in later:
            editor.remove_field(model, field)
    return migrator, state


def test_the_reports_move_to_their_app_and_back_with_every_row(before):
    migrator, old = before
    data, described, attached = {table: rows(table) for table in TABLES}, schema(), links(old)
    assert all(data.values()), {table: len(found) for table, found in data.items()}  # every table has rows
    assert {label for _pk, label, _model in attached["content types"]} == {"plans"}
    assert len(attached["content types"]) == len(MODELS) and len(attached["permissions"]) == 4 * len(MODELS)
    assert attached["user grants"] and attached["group grants"] and attached["log entries"]

    new = migrator.apply_tested_migration(AFTER)
    post_migrate(new)  # creates no second content type: the moved ones carry the new label
    assert schema() == described  # no SQL ran on the tables
    assert {table: rows(table) for table in TABLES} == data
    moved = links(new)
    assert moved["content types"] == [(pk, "reports", model) for pk, _label, model in attached["content types"]]
    assert {key: found for key, found in moved.items() if key != "content types"} == \
        {key: found for key, found in attached.items() if key != "content types"}
    rule = new.apps.get_model("reports", "ReportingRule").objects.get()
    assert sorted(rule.exceptions.values_list("code", flat=True)) == ["3601010001001", "3601010001002"]
    MonthlyReport = new.apps.get_model("reports", "MonthlyReport")
    assert MonthlyReport.objects.filter(attachments__original_name="主题团日.png").count() == 1
    assert MonthlyReport.objects.count() == len(data["plans_monthlyreport"])
    with pytest.raises(LookupError):
        new.apps.get_model("plans", "MonthlyReport")

    back = migrator.apply_tested_migration(BEFORE)
    post_migrate(back)
    assert schema() == described
    assert {table: rows(table) for table in TABLES} == data
    assert links(back) == attached
    assert back.apps.get_model("plans", "ReportingRule").objects.get().exceptions.count() == 2
    with pytest.raises(LookupError):
        back.apps.get_model("reports", "MonthlyReport")


def test_the_models_and_the_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
