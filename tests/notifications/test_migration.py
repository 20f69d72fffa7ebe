"""Notification kinds lose their fixed choices (0004): every stored notification keeps its kind, a kind of up to
40 characters fits, and the way back keeps the rows. Runs on whatever DATABASE_URL names (SQLite, PostgreSQL)."""
from django.db import connection

BEFORE = ("notifications", "0003_preferences")
AFTER = ("notifications", "0004_open_kinds")


def stored():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, user_id, kind, title, url, key FROM notifications_notification ORDER BY id")
        return cursor.fetchall()


def test_stored_kinds_survive_the_open_kinds_and_the_way_back(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    User = old.apps.get_model("auth", "User")
    Notification = old.apps.get_model("notifications", "Notification")
    user = User.objects.create(username="alice")
    for kind in ["report_missing", "review_digest", "other"]:
        Notification.objects.create(user=user, kind=kind, title=f"{kind} 通知", url="/reports/", key=f"k-{kind}")
    before = stored()

    new = migrator.apply_tested_migration(AFTER)
    assert stored() == before
    Notification = new.apps.get_model("notifications", "Notification")
    assert Notification._meta.get_field("kind").choices is None
    Notification.objects.create(user_id=user.pk, kind="v" * 40, title="志愿者签到")
    assert Notification.objects.filter(kind="v" * 40).count() == 1
    Notification.objects.filter(kind="v" * 40).delete()

    migrator.apply_tested_migration(BEFORE)
    assert stored() == before
