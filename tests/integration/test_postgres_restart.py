"""PostgreSQL restarted under load: a disposable cluster on its own port (initdb into a temporary directory, never the
shared one), gunicorn serving the portal from it, clients reading pages and the API and writing progress while
the cluster restarts. Requests fail cleanly — 503 with a Chinese page, or JSON in the API, never a 500 — and the
requests after it succeed without a restart of the portal; every accepted write is stored once."""
import datetime
import itertools
import json
import os
import shutil
import subprocess
import threading
import time

import psycopg2
import pytest
import requests

from .live import Portal, PostgresCluster, logged_in

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: CI's stack is not here"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="no PostgreSQL client tools"),
]


@pytest.fixture
def cluster():
    try:
        running = PostgresCluster().init()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no disposable PostgreSQL cluster here: {exc}")
    try:
        running.start()
        yield running
    finally:
        running.remove()


def copy_test_database(cluster):
    """The test database as the fixtures left it, into the cluster's database "lp"; its URL."""
    from django.db import connection

    db = connection.settings_dict
    admin = psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute("CREATE DATABASE lp")
    admin.close()
    dump = subprocess.run(["pg_dump", "-Fc", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U",
                           db["USER"] or "postgres", db["NAME"]], capture_output=True, check=True, timeout=120,
                          env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""})
    subprocess.run(["pg_restore", "--no-owner", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-d",
                    "lp"], input=dump.stdout, capture_output=True, check=True, timeout=120)
    return f"postgres://postgres@127.0.0.1:{cluster.port}/lp"


def test_a_postgres_restart_under_load_fails_requests_cleanly_and_the_portal_recovers_by_itself(
        transactional_db, tree, people, cluster):
    from django.db import connection

    from accounts.services import issue_token
    from tests.plans.conftest import build_plan

    if connection.vendor != "postgresql":
        pytest.skip("the portal's database is copied from the test database: set DATABASE_URL to PostgreSQL")
    plan = build_plan(tree)
    _token, key = issue_token(by=people.reporter)
    portal = Portal(DATABASE_URL="", REDIS_URL="")  # eager tasks: only the database is in play here
    page_session = logged_in(portal, people.reporter)
    portal.env["DATABASE_URL"] = copy_test_database(cluster)
    portal.start()
    api = requests.Session()
    api.headers["Authorization"] = f"Token {key}"
    results, values, stop = [], itertools.count(1), threading.Event()
    started = time.monotonic()

    def client(kind):
        while not stop.is_set():
            at = time.monotonic() - started
            try:
                if kind == "page":
                    response = page_session.get(f"{portal.url}/plans/", timeout=30)
                    value = None
                else:
                    value = next(values)
                    response = api.post(f"{portal.url}/api/v1/progress-entries/", json={
                        "assignment": plan.branch.pk, "reported_on": datetime.date.today().isoformat(),
                        "value": value}, timeout=30)
                results.append((at, kind, response.status_code, response.headers.get("Content-Type", ""),
                                response.text[:300], value))
            except requests.RequestException as exc:  # a refused or dropped connection is no answer at all
                results.append((at, kind, 0, "", repr(exc), None))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(kind,)) for kind in ("page", "page", "api", "api")]
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)
        restart_began = time.monotonic() - started
        cluster.restart()
        restart_ended = time.monotonic() - started
        time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop.set()
        log = portal.output()
        portal.stop()

    statuses = sorted({status for _at, _kind, status, *_ in results})
    summary = f"statuses {statuses}; restart {restart_began:.1f}–{restart_ended:.1f} s; {len(results)} requests"
    print(summary)
    assert set(statuses) <= {200, 201, 503}, (summary, [r for r in results if r[2] not in (200, 201, 503)][:5], log)
    failed = [r for r in results if r[2] == 503]
    assert failed, f"no request met the restart: {summary}"
    for _at, kind, _status, content_type, body, _value in failed:
        if kind == "page":
            assert "text/html" in content_type and "数据库暂时没有响应" in body, body
        else:
            assert content_type.startswith("application/json") and "数据库" in json.loads(body)["detail"], body
    after = [r for r in results if r[0] > restart_ended + 2]
    assert after and all(r[2] in (200, 201) for r in after), (summary, after[:5])
    # every write the portal accepted is stored, once; those it refused are not
    accepted = sorted(r[5] for r in results if r[1] == "api" and r[2] == 201)
    db = psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="lp")
    cursor = db.cursor()
    cursor.execute("SELECT value FROM plans_progressentry WHERE assignment_id = %s ORDER BY value", [plan.branch.pk])
    stored = [int(value) for (value,) in cursor.fetchall()]
    db.close()
    refused = {r[5] for r in results if r[1] == "api" and r[2] != 201}
    assert accepted and set(accepted) <= set(stored) and len(stored) == len(set(stored)), (accepted, stored)
    assert set(stored) - set(accepted) <= refused  # a write cut off after its commit may be stored unanswered
