"""Settings of the portal processes the fault tests start (gunicorn, manage.py): the test suite's, but with the
broker and cache of REDIS_URL, as production runs (the suite itself runs tasks eagerly with an in-memory cache)."""
from league_portal.settings_test import *  # noqa: F401,F403
from league_portal.settings_test import REDIS_URL

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
