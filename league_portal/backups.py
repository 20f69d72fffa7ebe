"""Backups of the whole portal: the PostgreSQL database (pg_dump's custom format) and the uploads (MEDIA_ROOT as a
tar), with a manifest that a restore checks itself against.

A backup is a folder ``backups/<UTC time>/`` holding ``database.dump``, ``media.tar`` and ``manifest.json``: the row
count of every table and the SHA-256 of every upload and of both files. The counts are taken in the very snapshot
that pg_dump writes (a REPEATABLE READ transaction exports it, pg_dump ``--snapshot`` reads it), so a portal in use
while it runs still gives a manifest that matches its dump. ``manage.py backup`` and ``manage.py restore`` (and
``make backup`` / ``make restore``) call these functions.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.db import connection, transaction

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar", "manifest.json"
FORMAT_VERSION = 1
POSTGRES_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def libpq_env(database: dict) -> dict:
    """The environment that points pg_dump, pg_restore and psql at a database given as Django's settings dict (the
    password never appears on a command line, where other users of the machine could read it)."""
    if database.get("ENGINE") not in POSTGRES_ENGINES:
        raise BackupError(f"backups need PostgreSQL; this database is {database.get('ENGINE')} "
                          "(set DATABASE_URL to a postgres:// URL)")
    values = {"PGDATABASE": database.get("NAME"), "PGUSER": database.get("USER"),
              "PGPASSWORD": database.get("PASSWORD"), "PGHOST": database.get("HOST"),
              "PGPORT": str(database.get("PORT") or "")}
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def database_from_url(url: str) -> dict:
    return environ.Env.db_url_config(url)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict:
    """{path relative to root: sha256} of every file under root (none when it does not exist)."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): sha256(path)
            for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


COUNT_SQL = """
SELECT format('%I.%I', table_schema, table_name)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1
"""


def row_counts(cursor) -> dict:
    """{table: rows} of every table of the database the cursor is connected to."""
    cursor.execute(COUNT_SQL)
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {table}")  # names quoted by format('%I') above
        counts[table.removeprefix("public.")] = cursor.fetchone()[0]
    return counts


def run(command, env, what):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def backup(*, output: Path, media_root: Path, now: datetime | None = None) -> Path:
    """Writes a backup of the default database and of media_root into output/<UTC time>/; returns that folder."""
    env = libpq_env(connection.settings_dict)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(output) / stamp
    folder.mkdir(parents=True, exist_ok=False)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_database(), current_setting('server_version')")
            snapshot, name, server = cursor.fetchone()
            counts = row_counts(cursor)
            run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={folder / DUMP}"], env, "pg_dump")
        files = media_checksums(media_root)
        with tarfile.open(folder / MEDIA, "w") as archive:
            for relative in files:
                archive.add(Path(media_root) / relative, arcname=relative, recursive=False)
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"name": name, "server_version": server, "tables": counts,
                         "rows": sum(counts.values()), "dump_sha256": sha256(folder / DUMP)},
            "media": {"files": files, "count": len(files),
                      "bytes": sum((Path(media_root) / relative).stat().st_size for relative in files),
                      "tar_sha256": sha256(folder / MEDIA)},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    return folder


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup")
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, key in ((DUMP, manifest["database"]["dump_sha256"]), (MEDIA, manifest["media"]["tar_sha256"])):
        if sha256(folder / name) != key:
            raise BackupError(f"{folder / name} does not match its checksum in the manifest: the backup is damaged")
    return manifest


def psql(env, sql):
    return run(["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--quiet", "-v", "ON_ERROR_STOP=1",
                "-c", sql], env, "psql").stdout


def target_tables(env) -> int:
    return int(psql(env, "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                         "('pg_catalog', 'information_schema')").strip() or 0)


def target_counts(env) -> dict:
    """Row counts of the target through psql (one query: each table counted by query_to_xml)."""
    sql = ("SELECT t, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', t), false, true, "
           "'')))[1]::text FROM (" + COUNT_SQL + ") AS tables(t)")
    counts = {}
    for line in psql(env, sql).splitlines():
        if "|" in line:
            table, rows = line.rsplit("|", 1)
            counts[table.removeprefix("public.")] = int(rows)
    return counts


def restore(*, folder: Path, database: dict, media_root: Path, force: bool = False) -> dict:
    """Restores a backup into the database (Django settings dict) and media_root, then checks the row counts of every
    table and the checksum of every upload against the manifest. A target that holds tables, or uploads, is refused
    unless ``force`` (then its tables are dropped and replaced, and the uploads written over)."""
    manifest = read_manifest(folder)
    env = libpq_env(database)
    media_root = Path(media_root)
    existing = target_tables(env)
    has_media = media_root.is_dir() and any(media_root.iterdir())
    if (existing or has_media) and not force:
        raise BackupError(f"the target is not empty ({existing} tables in {database.get('NAME')}"
                          f"{', files in ' + str(media_root) if has_media else ''}): "
                          "restore into an empty database, or set FORCE=1 to replace what is there")
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={env['PGDATABASE']}"]
    if existing:
        command += ["--clean", "--if-exists"]
    run([*command, str(Path(folder) / DUMP)], env, "pg_restore")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA) as archive:
        archive.extractall(media_root, filter="data")  # no absolute paths, links out or devices
    counts = target_counts(env)
    wrong_rows = {table: (rows, counts.get(table)) for table, rows in manifest["database"]["tables"].items()
                  if counts.get(table) != rows}
    restored = media_checksums(media_root)
    wrong_files = [name for name, digest in manifest["media"]["files"].items() if restored.get(name) != digest]
    if wrong_rows or wrong_files:
        raise BackupError(f"the restore does not match the manifest: tables {wrong_rows}, files {wrong_files}")
    return {"tables": len(counts), "rows": sum(counts.values()), "files": len(manifest["media"]["files"])}
