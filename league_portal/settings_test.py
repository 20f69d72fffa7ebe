"""Settings for the test suite: fast hashing, in-memory e-mail, plain static storage.

The database and broker still come from ``DATABASE_URL`` and ``REDIS_URL`` so that CI runs
the suite against PostgreSQL and Redis, and a bare machine against SQLite.
"""
import os
from pathlib import Path

# The suite runs with DEBUG off, which is production to league_portal.settings: give it what production must set
# (in os.environ, so that processes the tests start, a Celery worker or manage.py, inherit them).
os.environ.setdefault("SECRET_KEY", "test-suite-only-key-5d1c0e7a9b")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parent.parent / 'db.sqlite3'}")

from .settings import *  # noqa: E402,F401,F403
from .settings import DATABASES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Unit tests run tasks in-process; the integration test starts a real worker on its own queue.
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "zh-hans"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The test client and the browser tests speak plain http (tests/test_deploy.py checks the production settings).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
# A second alias on the same test database (TEST MIRROR), so that tests can prove what the replica router sends
# where; the router itself is switched on only by the tests that use it (DATABASE_ROUTERS stays empty).
DATABASES = {**DATABASES, "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}
