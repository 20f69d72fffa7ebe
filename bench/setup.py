"""What every benchmark does first: a database (a throwaway SQLite file unless DATABASE_URL is set),
Django set up with quiet logging, migrations applied."""
import logging
import os
import sys
import tempfile
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
