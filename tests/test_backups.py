"""make backup / make restore: a round trip through pg_dump and pg_restore into a fresh database of its own, with
the uploads, compared table by table and file by file."""
import os
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from league_portal import backups
from notifications.models import Download

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")),
    reason="backups are pg_dump/pg_restore: DATABASE_URL is not PostgreSQL (CI runs this on PostgreSQL)",
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped after the test; its settings dict and its URL."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    database = {**connection.settings_dict, "NAME": name}
    try:
        yield database
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts_through_psql(database):
    """Every table's rows, counted by psql itself (not by the code under test's cursor)."""
    return backups.target_counts(backups.libpq_env(database))


def checksums(root):
    return {path.relative_to(root).as_posix(): backups.sha256(path) for path in Path(root).rglob("*") if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_every_row_and_upload(people, media, tmp_path, fresh_database):
    for number, user in enumerate([people.staff, people.reporter, people.admin]):
        Download.objects.create(user=user, name=f"表{number}.xlsx",
                                file=ContentFile(os.urandom(2048 + number) + "汉字".encode(), name=f"表{number}.xlsx"))
    source = {**connection.settings_dict}

    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert {path.name for path in folder.iterdir()} == {"database.dump", "media.tar", "manifest.json"}
    manifest = backups.read_manifest(folder)
    assert manifest["database"]["tables"]["notifications_download"] == 3
    assert manifest["media"]["files"] == checksums(media) and len(checksums(media)) == 3

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=url(fresh_database), media_root=str(restored_media))

    expected = counts_through_psql(source)
    assert expected["orgs_organization"] > 0 and expected["auth_user"] > 0
    assert counts_through_psql(fresh_database) == expected
    assert checksums(restored_media) == checksums(media)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_target_that_is_not_empty_unless_forced(people, media, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    target = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=url(fresh_database), media_root=str(target))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), database_url=url(fresh_database), media_root=str(target))
    call_command("restore", str(folder), database_url=url(fresh_database), media_root=str(target), force=True)
    assert counts_through_psql(fresh_database) == counts_through_psql(connection.settings_dict)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused(db, media, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    with open(folder / "database.dump", "ab") as dump:
        dump.write(b"x")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(folder), database_url=url(fresh_database), media_root=str(tmp_path / "m"))


def test_the_make_targets_call_the_commands():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "manage.py backup" in makefile and "manage.py restore" in makefile


def url(database):
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database.get('USER') or 'postgres'}{password}@{host}:{port}/{database['NAME']}"


def test_backup_refuses_a_database_that_is_not_postgresql():
    with pytest.raises(backups.BackupError, match="PostgreSQL"):
        backups.libpq_env({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"})


