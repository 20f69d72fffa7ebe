"""Settings for the test suite: fast hashing, in-memory e-mail, plain static storage.

The database and broker still come from ``DATABASE_URL`` and ``REDIS_URL`` so that CI runs
the suite against PostgreSQL and Redis, and a bare machine against SQLite.
"""
from .settings import *  # noqa: F401,F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Unit tests run tasks in-process; the integration test starts a real worker on its own queue.
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "zh-hans"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
