"""The assessment models moved from the plans app to the assessment app without touching a table.

A database at the schema before the move (plans 0005) with rows in every moved model, their content
types and permissions (as ``migrate`` leaves them), a group and a user holding some of those
permissions and an admin log entry, is migrated forward to the assessment app and back again: every
row, foreign key, content type id, permission and grant is still there, and the tables keep their
names. Runs on SQLite and on PostgreSQL (DATABASE_URL) alike.
"""
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

BEFORE = [("plans", "0005_case_insensitive_names"), ("assessment", None)]
AFTER = [("plans", "0007_move_assessment_out"), ("assessment", "0001_initial")]
MOVED = ["AssessmentScheme", "Indicator", "AssessmentRun", "Score", "ScoreItem", "ManualPoints", "Adjustment",
         "Appeal", "AppealEvidence"]
TABLES = {f"plans_{name.lower()}" for name in MOVED}


def build(apps):
    """Rows in every moved model, through the models as they were before the move."""
    get = apps.get_model
    Organization, User = get("orgs", "Organization"), get("auth", "User")
    city = Organization.objects.create(path="0001", depth=1, numchild=1, name="共青团甲市委员会", code="A", level="city",
                                       kind="committee")
    branch = Organization.objects.create(path="00010001", depth=2, name="幸福社区团支部", code="A1a", level="grassroots",
                                         kind="branch")
    assessor = User.objects.create(username="assessor_a")
    reporter = User.objects.create(username="reporter_a1a")
    scheme = get("plans", "AssessmentScheme").objects.create(
        organization=city, year=2026, title="2026年团支部月度考核", levels=["grassroots"], bonus_cap=Decimal(10),
        thresholds={"excellent": 90, "good": 80, "pass": 60}, shares={"excellent": 20, "good": 30}, appeal_days=3)
    Indicator = get("plans", "Indicator")
    top = Indicator.objects.create(scheme=scheme, name="日常", max_points=Decimal(10), order=1)
    leaf = Indicator.objects.create(scheme=scheme, parent=top, name="日常评价", max_points=Decimal(10), rule="manual",
                                    params={}, order=2)
    run = get("plans", "AssessmentRun").objects.create(
        scheme=scheme, month=datetime.date(2026, 5, 1), status="appeal", requested_by=assessor,
        computed_at=timezone.now(), appeal_until=datetime.date(2026, 6, 13))
    score = get("plans", "Score").objects.create(run=run, organization=branch, total=Decimal("13.00"), bonus=Decimal(5),
                                                 rank=1, grade="fail", ytd_total=Decimal(13), ytd_average=Decimal(13))
    ScoreItem = get("plans", "ScoreItem")
    ScoreItem.objects.create(score=score, indicator=leaf, raw=Decimal(8), points=Decimal(8), explanation="台账规范")
    ScoreItem.objects.create(score=score, indicator=None, points=Decimal(5), explanation="加分：获奖 5")
    get("plans", "ManualPoints").objects.create(indicator=leaf, organization=branch, month=run.month,
                                                points=Decimal(8), comment="台账规范", entered_by=assessor)
    get("plans", "Adjustment").objects.create(scheme=scheme, organization=branch, month=run.month, kind="bonus",
                                              points=Decimal(5), reason="获奖", entered_by=assessor)
    appeal = get("plans", "Appeal").objects.create(run=run, organization=branch, reason="团课漏计", status="accepted",
                                                   adjustment=Decimal(2), decision="核实", filed_by=reporter,
                                                   decided_by=assessor, decided_at=timezone.now())
    get("plans", "AppealEvidence").objects.create(appeal=appeal, file="appeals/ab/abcd/团课.pdf", original_name="团课.pdf",
                                                  content_type="application/pdf", size=4, sha256="ab" * 32)
    # what `migrate` leaves: content types and permissions of the models, here still under plans
    create_permissions(global_apps.get_app_config("plans"), verbosity=0, apps=apps)
    Permission, ContentType = get("auth", "Permission"), get("contenttypes", "ContentType")
    group = get("auth", "Group").objects.create(name="考核员")
    group.permissions.set(Permission.objects.filter(content_type__app_label="plans", codename__in=[
        "view_score", "change_assessmentrun", "add_adjustment", "view_appealevidence"]))
    reporter.user_permissions.set(Permission.objects.filter(codename="view_appeal", content_type__app_label="plans"))
    get("admin", "LogEntry").objects.create(
        user=assessor, content_type=ContentType.objects.get(app_label="plans", model="appeal"), object_id=str(appeal.pk),
        object_repr=str(appeal.pk), action_flag=2, change_message="[]", action_time=timezone.now())


def snapshot(apps, label):
    """Every moved row and what points at the models' content types, by model name."""
    get = apps.get_model
    ContentType, Permission = get("contenttypes", "ContentType"), get("auth", "Permission")
    types = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label=label)}
    return {
        "rows": {name: list(get(label, name).objects.order_by("pk").values()) for name in MOVED},
        "types": {name.lower(): types.get(name.lower()) for name in MOVED},
        "permissions": sorted(Permission.objects.filter(content_type__app_label=label,
                                                        content_type__model__in=[n.lower() for n in MOVED])
                              .values_list("pk", "codename", "content_type_id")),
        "group": sorted(get("auth", "Group").objects.values_list("permissions__pk", "permissions__codename")),
        "user": sorted(get("auth", "User").objects.filter(user_permissions__isnull=False)
                       .values_list("username", "user_permissions__pk")),
        "log": list(get("admin", "LogEntry").objects.values_list("content_type_id", "object_id")),
    }


def follow_foreign_keys(apps, label):
    """What the rows say when read through their relations, as the pages read them."""
    get = apps.get_model
    item = get(label, "ScoreItem").objects.select_related("score__run__scheme__organization", "indicator__parent").get(
        indicator__isnull=False)
    evidence = get(label, "AppealEvidence").objects.select_related("appeal__run__scheme", "appeal__decided_by").get()
    manual = get(label, "ManualPoints").objects.select_related("indicator__scheme", "entered_by").get()
    branch = get("orgs", "Organization").objects.get(code="A1a")
    return (item.score.run.scheme.organization.code, item.indicator.parent.name, item.score.organization.code,
            evidence.appeal.run.scheme.title, evidence.appeal.decided_by.username, manual.indicator.scheme.year,
            manual.entered_by.username, get(label, "Adjustment").objects.get().scheme.title,
            list(branch.scores.values_list("total", flat=True)),
            get(label, "AssessmentScheme").objects.get().runs.get().appeals.get().evidence.count(),
            get(label, "AssessmentScheme").objects.get().indicators.filter(parent__isnull=True).get().children.count())


def tables():
    names = set(connection.introspection.table_names())
    return TABLES <= names, {n for n in names if n.startswith("assessment_")}


def test_the_move_keeps_every_row_key_content_type_and_permission_forward_and_back(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    build(old.apps)
    before = snapshot(old.apps, "plans")
    relations = follow_foreign_keys(old.apps, "plans")
    assert all(before["rows"].values()) and None not in before["types"].values() and len(before["permissions"]) == 36
    assert relations == ("A", "日常", "A1a", "2026年团支部月度考核", "assessor_a", 2026, "assessor_a",
                         "2026年团支部月度考核", [Decimal("13.00")], 1, 1)
    # a type post_migrate made for the new label in the meantime (after a partial migrate) gives way to the
    # old one, which the permissions and log entries point at; no (app_label, model) is left twice
    old.apps.get_model("contenttypes", "ContentType").objects.create(app_label="assessment", model="score")

    new = migrator.apply_tested_migration(AFTER)
    assert snapshot(new.apps, "assessment") == before
    assert follow_foreign_keys(new.apps, "assessment") == relations
    assert not new.apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="plans", model__in=[n.lower() for n in MOVED]).exists()
    with pytest.raises(LookupError):
        new.apps.get_model("plans", "Score")
    assert tables() == (True, set())

    back = migrator.apply_tested_migration(BEFORE)
    assert snapshot(back.apps, "plans") == before
    assert follow_foreign_keys(back.apps, "plans") == relations
    assert not back.apps.get_model("contenttypes", "ContentType").objects.filter(app_label="assessment").exists()
    assert tables() == (True, set())


def test_the_move_needs_no_ddl_and_the_models_match_the_migrations(transactional_db):
    for app, name in AFTER:
        out = StringIO()
        call_command("sqlmigrate", app, name, stdout=out)
        sql = out.getvalue().upper()
        assert not any(word in sql for word in ("CREATE ", "ALTER ", "DROP ", "INSERT ", "RENAME")), sql
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())  # exits non-zero on a change
    for model in global_apps.get_app_config("assessment").get_models():
        assert model._meta.db_table == f"plans_{model._meta.model_name}"


def test_score_items_get_their_kind_from_what_the_computation_wrote(migrator):
    """Items without an indicator were told apart only by their explanation, in the language active when they
    were computed; the migration reads it once, in both languages, and never again."""
    old = migrator.apply_initial_migration([("assessment", "0001_initial")])
    get = old.apps.get_model
    Organization = get("orgs", "Organization")
    city_a = Organization.objects.create(path="0001", depth=1, name="甲市", code="A", level="city", kind="committee")
    city_b = Organization.objects.create(path="0002", depth=1, name="乙市", code="B", level="city", kind="committee")
    scheme = get("assessment", "AssessmentScheme").objects.create(organization=city_a, year=2026, title="考核")
    leaf = get("assessment", "Indicator").objects.create(scheme=scheme, name="日常评价", max_points=Decimal(10),
                                                        rule="manual")
    run = get("assessment", "AssessmentRun").objects.create(scheme=scheme, month=datetime.date(2026, 5, 1))
    ScoreItem = get("assessment", "ScoreItem")
    written = {}
    for organization, texts in [(city_a, ["加分：获奖 5", "扣分：迟报 2", "申诉成立：核实，加2分"]),
                                (city_b, ["Bonus：获奖 5", "Deduction：迟报 2", "Appeal accepted: 加分：核实"])]:
        score = get("assessment", "Score").objects.create(run=run, organization=organization, total=Decimal(13), rank=1,
                                                          grade="fail", ytd_total=Decimal(13), ytd_average=Decimal(13))
        item = ScoreItem.objects.create(score=score, indicator=leaf, points=Decimal(8), explanation="扣分：台账不全")
        written[item.pk] = "indicator"
        for kind, text in zip(["bonus", "deduction", "appeal"], texts, strict=True):
            written[ScoreItem.objects.create(score=score, points=Decimal(1), explanation=text).pk] = kind

    new = migrator.apply_tested_migration([("assessment", "0002_scoreitem_kind")])
    assert dict(new.apps.get_model("assessment", "ScoreItem").objects.values_list("pk", "kind")) == written
    back = migrator.apply_tested_migration([("assessment", "0001_initial")])
    assert back.apps.get_model("assessment", "ScoreItem").objects.count() == 8
