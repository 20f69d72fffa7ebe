"""What every benchmark does first: a database (a throwaway SQLite file unless DATABASE_URL is set),
Django set up with quiet logging, migrations applied; and how each step is timed."""
import logging
import os
import sys
import tempfile
import time
from pathlib import Path


def start():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "league_portal.settings")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label, func):
    """Run ``func``, print how long it took (and its result when that is a count), return the result."""
    started = time.perf_counter()
    result = func()
    count = f" -> {result}" if isinstance(result, int) and not isinstance(result, bool) else ""
    print(f"{label}: {time.perf_counter() - started:.2f} s{count}")
    return result


def timed_get(client, url, who=""):
    """GET ``url`` as ``client``'s user; print the status, the number of queries and the time; return the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        status = client.get(url).status_code
        elapsed = time.perf_counter() - started
    print(f"{who} GET {url}: {status}, {len(queries)} queries, {elapsed * 1000:.0f} ms".lstrip())
    return queries
