"""Expired token rows are purged nightly; the migration removes DRF's old plain-text tokens."""
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time
from knox.models import AuthToken

from accounts import services, tasks


def test_the_nightly_purge_deletes_expired_tokens_only(people):
    with freeze_time(timezone.now() - timedelta(days=1)):
        services.issue_token(by=people.leader)
    services.issue_token(by=people.leader)
    assert tasks.purge_expired_tokens.delay().get() == 1
    assert AuthToken.objects.count() == 1


def test_the_purge_is_scheduled():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.purge_expired_tokens" in schedule


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_drf_tokens_and_their_records():
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    migration = import_module("accounts.migrations.0001_drop_drf_authtoken")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789012345678901234567890123456789', 1)")
    MigrationRecorder.Migration.objects.create(app="authtoken", name="0001_initial")
    ContentType.objects.create(app_label="authtoken", model="token")

    with connection.schema_editor() as editor:
        migration.drop_drf_authtoken(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert not MigrationRecorder.Migration.objects.filter(app="authtoken").exists()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    with connection.schema_editor() as editor:
        migration.drop_drf_authtoken(apps, editor)  # a database that never had them
