"""Settings for League Portal, read from the environment (django-environ).

The defaults give the embedded set-up that ``make run`` serves: SQLite, Celery in eager
mode, no other server. Production and CI set ``DATABASE_URL`` and ``REDIS_URL``.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from league_portal.logs import logging_config
from league_portal.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    REDIS_URL=(str, ""),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# With DEBUG off the portal is in production: it refuses to start on the publicly known development key, on
# ALLOWED_HOSTS it did not set or on a database it was not given (`make` sets DEBUG=true for local runs).
PRODUCTION_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
if not DEBUG and (missing := [name for name in PRODUCTION_REQUIRED if not env.str(name, default="").strip()]):
    raise ImproperlyConfigured(
        f"DEBUG is off (production) and {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. "
        "Set them in the environment or in .env (see README, Deploying), or set DEBUG=true for a local run."
    )
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-change-me"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the development key printed in this repository: set a secret one.")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "axes",
    "django_htmx",
    "csp",
    "core",
    "league_portal",
    "accounts",
    "orgs",
    "plans",
    "reports",
    "assessment",
    "dashboard",
    "volunteers",
    "notifications",
    "simple_history",
]

MIDDLEWARE = [
    # first: everything after it (the SSL redirect, axes, throttles, logs) sees the real client address
    "league_portal.middleware.TrustedProxyMiddleware",
    # the request id (the trusted proxy's X-Request-ID or a new one) and the user on every log line
    "league_portal.logs.RequestIdMiddleware",
    # the client address and request id that audit rows (orgs.audit) record
    "core.context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "league_portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "league_portal.middleware.CurrentOrganizationMiddleware",
    # before anything reads the body (CSRF and the views read request.POST later)
    "core.middleware.RequestSizeLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # dashboards and statistics read from the replica when there is one (league_portal/db_router.py)
    "league_portal.db_router.ReplicaReadsMiddleware",
    # axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "league_portal.urls"
WSGI_APPLICATION = "league_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "league_portal.context_processors.portal",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The lock installs psycopg2: a connection per request, kept CONN_MAX_AGE seconds. With psycopg 3 installed instead,
# Django's connection pool is on (DATABASE_POOL): a request borrows a connection and gives it back, at most
# DATABASE_POOL_MAX per process. It measured no faster on pages here (bench/RESULTS.md, "Database drivers"), so the
# lock keeps psycopg2; this is ready for the switch.
def _psycopg3():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DATABASE_POOL", default=_psycopg3()):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=4),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
else:
    # a connection is kept CONN_MAX_AGE seconds and checked before a request reuses it, so that after the database
    # restarted the next request opens a new one instead of failing on the dead one
    # (tests/integration/test_postgres_restart.py)
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL streaming replica for the dashboards and statistics (league_portal/db_router.py): with
# DATABASE_REPLICA_URL set, GETs of the views below read there; writes, transactions and log-in state stay on the
# primary. In tests the alias mirrors the default database (TEST MIRROR), so routing is tested on one database.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["league_portal.db_router.ReplicaRouter"]
REPLICA_READ_VIEWS = env.list("REPLICA_READ_VIEWS", default=[
    "home", "dashboard:index", "dashboard:organization", "dashboard:chart", "dashboard:dashboard_export",
    "volunteers:statistics", "volunteers:statistics_data",
    "api:volunteerstatistic-list", "api:volunteerstatistic-detail",
])

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login lockout: five failures for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads are served by views that check the right to see them (core.files.serve_stored). Behind a proxy that serves
# MEDIA_ROOT at an internal path (Caddy's handle_response, nginx's `internal` location), set that path here: the
# portal then answers with X-Accel-Redirect and the proxy sends the bytes. Empty: the portal sends them.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# The upload guard (core/uploads.py). A request body larger than UPLOAD_MAX_REQUEST_BYTES is refused
# before it is read: evidence files are up to EVIDENCE_MAX_BYTES each and a report attaches several.
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded spreadsheets and documents are read in memory; larger ones are refused with a message.
# How long audit rows (orgs.AuditEntry) are kept, in days; a nightly task deletes older ones.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=1095)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Zip-based files (.xlsx, .docx): parts, unpacked size (counted as they unpack), packing ratio.
UPLOAD_ZIP_MAX_MEMBERS = env.int("UPLOAD_ZIP_MAX_MEMBERS", default=1000)
UPLOAD_ZIP_MAX_UNPACKED_BYTES = env.int("UPLOAD_ZIP_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
# Seconds a request may spend reading and checking an upload; background imports get IMPORT_TASK_SECONDS.
UPLOAD_READ_SECONDS = env.int("UPLOAD_READ_SECONDS", default=20)
IMPORT_TASK_SECONDS = env.int("IMPORT_TASK_SECONDS", default=900)
# Rows and columns of an uploaded sheet (the header row not counted), by use; the declared size of a
# sheet is never trusted, rows are counted as they are read.
SHEET_MAX_ROWS = env.int("SHEET_MAX_ROWS", default=20_000)
SHEET_MAX_COLUMNS = env.int("SHEET_MAX_COLUMNS", default=200)
UPLOAD_LIMITS = {
    "org_import": {"max_rows": env.int("ORG_IMPORT_MAX_ROWS", default=200_000),
                   "max_bytes": env.int("ORG_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)},
    "ledger": {"max_rows": env.int("LEDGER_MAX_ROWS", default=50_000)},
    "report_form": {"max_rows": env.int("REPORT_FORM_MAX_ROWS", default=20_000)},
    "decompose": {"max_rows": 5_000},
    # volunteers and service records from the national platforms: read by python-calamine in a Celery task, whose
    # grid (rows × columns) must stay small, so few columns (the formats have 9 and 4)
    "volunteer_import": {"max_rows": env.int("VOLUNTEER_IMPORT_MAX_ROWS", default=200_000),
                         "max_bytes": env.int("VOLUNTEER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024),
                         "max_columns": 20},
}
# Organisation imports with more rows than this are checked and carried out by Celery, with progress.
ORG_IMPORT_SYNC_ROWS = env.int("ORG_IMPORT_SYNC_ROWS", default=5_000)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="League Portal <noreply@localhost>")

# The cache coalesces roll-up refreshes; with Redis it is shared by web processes and workers.
REDIS_URL = env("REDIS_URL")
CACHES = {
    # forgiving: while Redis is away a read misses and a write is skipped, and the pages keep working
    "default": {"BACKEND": "core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# The 工作台's figures are cached per organisation, year and day; a change to what they read shows at once (the
# key holds the latest changes), this time-out catches what has no moment of its own (reporting rules).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# Celery beat issues the 工作通报 of months whose scores were published within these days (and not issued yet).
CIRCULAR_ISSUE_WITHIN_DAYS = env.int("CIRCULAR_ISSUE_WITHIN_DAYS", default=7)

# Celery: with REDIS_URL tasks go through Redis to a worker, without it they run eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
# A worker process killed mid-task (SIGKILL, out of memory) gives its message back instead of acknowledging it as
# failed, so that another worker runs the task again; every task is idempotent
# (tests/integration/test_worker_killed.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With Redis, a message taken by a worker that died comes back to its queue only after the visibility timeout: it
# must be longer than the longest task (rebuild_rollups' hour) or a task still running would be delivered twice.
# kombu 5.7 looks for such messages every unacked_restore_interval × unacked_restore_throttle seconds (10 × 10 by
# default): every minute here, a cheap sorted-set lookup.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=60),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that sends a job waits at most a few seconds for a broker that does not answer, then keeps the job in the
# outbox (core.jobs) and answers.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Jobs travel on one queue per kind, so that a night of roll-ups or a 200,000-row import never holds up the mail
# or a score computation; docker-compose.yml runs a worker per group (`-Q`), a worker without -Q takes them all.
# Tasks not named here (tree checks, token purges) go to the default queue "celery".
TASK_QUEUES = {
    "scoring": ["assessment.tasks.compute_scores", "assessment.tasks.compute_due_assessments",
                "plans.tasks.compute_scores", "plans.tasks.compute_due_assessments"],
    "files": ["orgs.tasks.run_import_job", "volunteers.tasks.run_volunteer_import",
              "assessment.tasks.write_score_sheet", "plans.tasks.write_score_sheet",
              "dashboard.tasks.issue_published_circulars", "dashboard.tasks.issue_circular"],
    "notifications": ["notifications.tasks.deliver", "reports.tasks.send_report_reminders",
                      "reports.tasks.send_review_digest", "plans.tasks.send_report_reminders",
                      "plans.tasks.send_review_digest"],
    "rollups": ["plans.tasks.refresh_rollups", "plans.tasks.rebuild_rollups", "plans.tasks.fill_volunteer_targets",
                "volunteers.tasks.nightly_recompute", "volunteers.tasks.refresh_statistics",
                "volunteers.tasks.rebuild_statistics"],
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in [CELERY_TASK_DEFAULT_QUEUE, *TASK_QUEUES]]
CELERY_TASK_ROUTES = {task: {"queue": queue} for queue, tasks in TASK_QUEUES.items() for task in tasks}
# Beat sends a heartbeat to every queue; /healthz/ready reports a queue whose last one is older than this as stale.
HEALTH_HEARTBEAT_QUEUES = [CELERY_TASK_DEFAULT_QUEUE, *TASK_QUEUES]
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=60)
HEALTH_HEARTBEAT_STALE_SECONDS = env.int("HEALTH_HEARTBEAT_STALE_SECONDS", default=300)
# Every periodic job of the portal is scheduled here and nowhere else.
CELERY_BEAT_SCHEDULE = {
    "verify-organisation-tree": {
        "task": "orgs.tasks.verify_tree",
        "schedule": crontab(hour=2, minute=15),
    },
    "rebuild-plan-rollups": {
        "task": "plans.tasks.rebuild_rollups",
        "schedule": crontab(hour=1, minute=0),
    },
    "monthly-report-reminders": {
        "task": "reports.tasks.send_report_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "monthly-assessment": {
        "task": "assessment.tasks.compute_due_assessments",
        "schedule": crontab(hour=6, minute=30),
    },
    "monthly-report-review-digest": {
        "task": "reports.tasks.send_review_digest",
        "schedule": crontab(hour=8, minute=5),
    },
    "recompute-volunteer-stars-and-statistics": {
        "task": "volunteers.tasks.nightly_recompute",
        "schedule": crontab(hour=2, minute=45),
    },
    "issue-published-circulars": {
        "task": "dashboard.tasks.issue_published_circulars",
        "schedule": crontab(minute="*/15"),
    },
    "prune-audit-entries": {
        "task": "orgs.tasks.prune_audit",
        "schedule": crontab(hour=3, minute=50),
    },
    "send-pending-jobs": {  # what the outbox kept while the broker was away (core.jobs)
        "task": "core.tasks.send_pending_jobs",
        "schedule": crontab(minute="*"),
    },
    "purge-expired-api-tokens": {
        "task": "accounts.tasks.purge_expired_tokens",
        "schedule": crontab(hour=3, minute=40),
    },
    **{
        f"heartbeat-{queue}": {
            "task": "league_portal.tasks.heartbeat",
            "schedule": HEALTH_HEARTBEAT_SECONDS,
            "kwargs": {"queue": queue},
            # a heartbeat nobody took in time is dropped, not piled up behind a long job
            "options": {"queue": queue, "expires": HEALTH_HEARTBEAT_SECONDS},
        }
        for queue in HEALTH_HEARTBEAT_QUEUES
    },
}

REST_FRAMEWORK = {
    # Token first: an anonymous call then answers 401 with "WWW-Authenticate: Token", not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.APIPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Throttles count by REMOTE_ADDR, the address axes uses too, never by X-Forwarded-For, which
    # the client writes. Behind a reverse proxy set both (NUM_PROXIES, AXES_IPWARE_PROXY_COUNT).
    "NUM_PROXIES": 0,
}
# API tokens (django-rest-knox): a new key per log-in, stored only as a hash, sent as
# "Authorization: Token <key>". They expire, and a new password or a deactivation revokes them.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("API_TOKEN_TTL_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Token",
    # With auto-refresh each use pushes the expiry on, but never past the maximum from creation.
    "AUTO_REFRESH": env.bool("API_TOKEN_AUTO_REFRESH", default=False),
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=env.float("API_TOKEN_MAX_HOURS", default=7 * 24)),
}
# Token log-ins per client address (any user names); axes also locks one name after failures.
API_TOKEN_LOGIN_RATE = env("API_TOKEN_LOGIN_RATE", default="20/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "League Portal API",
    "DESCRIPTION": "共青团工作任务管理平台 REST API. Every list is scoped to the organisation "
    "subtree the caller's roles cover.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.choices.PlanStatus",
        "PointStatusEnum": "plans.choices.PointStatus",
        "ImportStatusEnum": "orgs.choices.ImportStatus",
        "VolunteerImportKindEnum": "volunteers.models.VolunteerImport.Kind",
    },
}

# Notification channels (notifications/channels/): the plug-ins by name, in the order the settings page shows them;
# drop one to switch it off for everybody. Deliveries are retried with exponential back-off (base seconds, doubled
# each time up to the maximum, with jitter) and given up after this many retries; webhooks and the SMS gateway get
# short time-outs so that a slow provider never holds a worker.
NOTIFICATION_CHANNELS = {
    "email": "notifications.channels.email.EmailChannel",
    "wecom": "notifications.channels.wecom.WecomChannel",
    "dingtalk": "notifications.channels.dingtalk.DingtalkChannel",
    "sms": "notifications.channels.sms.SmsChannel",
}
# Group robots post only to their providers' hosts (an administrator cannot point the portal at an internal address).
NOTIFICATION_ROBOT_HOSTS = {
    "wecom": env.list("NOTIFICATION_WECOM_HOSTS", default=["qyapi.weixin.qq.com"]),
    "dingtalk": env.list("NOTIFICATION_DINGTALK_HOSTS", default=["oapi.dingtalk.com"]),
}
NOTIFICATION_DELIVERY_MAX_RETRIES = env.int("NOTIFICATION_DELIVERY_MAX_RETRIES", default=5)
NOTIFICATION_DELIVERY_BACKOFF_SECONDS = env.int("NOTIFICATION_DELIVERY_BACKOFF_SECONDS", default=30)
NOTIFICATION_DELIVERY_BACKOFF_MAX_SECONDS = env.int("NOTIFICATION_DELIVERY_BACKOFF_MAX_SECONDS", default=3600)
NOTIFICATION_HTTP_TIMEOUT_SECONDS = env.float("NOTIFICATION_HTTP_TIMEOUT_SECONDS", default=5.0)
# SMS through a gateway that takes JSON {"phone", "template", "params", "sign_name"} with a bearer token and answers
# {"code": "OK", "message_id": …} (see notifications/channels/sms.py; another provider is a class of its own).
# A kind of notification goes by SMS only if it has a template here: {kind: {"template": code, "params": [names
# of the kind's title values]}}; "*" is the template of every other kind (its one parameter: the title).
NOTIFICATION_SMS = {
    "provider": env("NOTIFICATION_SMS_PROVIDER", default="notifications.channels.sms.HttpSmsProvider"),
    "url": env("NOTIFICATION_SMS_URL", default=""),
    "token": env("NOTIFICATION_SMS_TOKEN", default=""),
    "sign_name": env("NOTIFICATION_SMS_SIGN_NAME", default="共青团工作平台"),
}
NOTIFICATION_SMS_TEMPLATES = env.json("NOTIFICATION_SMS_TEMPLATES", default={
    "report_due_soon": {"template": "LP_REPORT_DUE_SOON", "params": ["org", "month", "due"]},
    "report_due_today": {"template": "LP_REPORT_DUE_TODAY", "params": ["org", "month"]},
    "report_missing": {"template": "LP_REPORT_MISSING", "params": ["org", "month", "days"]},
    "report_returned": {"template": "LP_REPORT_RETURNED", "params": ["org", "month"]},
})
# Credentials the portal stores and uses again (group robots' webhooks and secrets, core/crypto.py): Fernet keys,
# newest first. Without them one is derived from SECRET_KEY — set them in production.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# Volunteers' personal data (volunteers/pii.py): Fernet keys, newest first (rotate by prepending one), and the
# key of the lookup hashes. Without them both are derived from SECRET_KEY — set them in production.
VOLUNTEER_PII_KEYS = env.list("VOLUNTEER_PII_KEYS", default=[])
VOLUNTEER_LOOKUP_KEY = env("VOLUNTEER_LOOKUP_KEY", default="")
# An activity's sign-in QR code changes every this many seconds; a scan of the code before it still counts.
VOLUNTEER_SIGNIN_WINDOW_SECONDS = env.int("VOLUNTEER_SIGNIN_WINDOW_SECONDS", default=30)
VOLUNTEER_IMPORT_MAX_ROWS = env.int("VOLUNTEER_IMPORT_MAX_ROWS", default=200_000)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="league-demo")

# HTTPS and browser protections (`manage.py check --deploy` is clean in production). Local runs (DEBUG on) serve
# plain http, so the redirect, HSTS and Secure cookies are on by default only in production.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Regular expressions of paths (without the leading slash) answered over plain http too: the container healthcheck
# calls /healthz/live and /healthz/ready inside the compose network, where there is no TLS.
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[r"^healthz(/|$)"])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads a cookie: htmx sends the CSRF token from the page (base.html's hx-headers).
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Believed only from a trusted proxy: TrustedProxyMiddleware drops X-Forwarded-* headers sent by anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client. Empty: the portal is
# reached directly and REMOTE_ADDR is the client. Axes' lockout, the API's throttles and the logs all read
# REMOTE_ADDR, which league_portal.middleware.TrustedProxyMiddleware sets from the last untrusted hop.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content-Security-Policy (django-csp 4): no inline script or event handler anywhere (behaviour lives in static/js).
# Styles allow 'unsafe-inline': progress bars are sized by style attributes, and ECharts' tooltips and tom-select
# write style attributes into the markup they build; a style cannot run code. CSP_REPORT_ONLY=true sends the same
# policy as Content-Security-Policy-Report-Only (to try a change first); CSP_REPORT_URI collects violations.
CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": env("CSP_REPORT_URI")} if env("CSP_REPORT_URI", default="") else {}),
    },
}
CSP_ENFORCED = not env.bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = CSP_POLICY if CSP_ENFORCED else None
CONTENT_SECURITY_POLICY_REPORT_ONLY = None if CSP_ENFORCED else CSP_POLICY

# One JSON object a line in production (time, level, logger, message, request_id, user_id; task_id and task_name in a
# Celery worker), plain text when DEBUG; LOG_FORMAT=json|text chooses either way (league_portal/logs.py).
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(json=LOG_FORMAT == "json", level=env("LOG_LEVEL", default="INFO"))
# Celery keeps the portal's log set-up (league_portal/celery.py connects setup_logging).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting, only when SENTRY_DSN is set (Django and Celery integrations, no personal data sent).
SENTRY_ENABLED = init_sentry(
    dsn=env("SENTRY_DSN", default=""),
    release=env("SENTRY_RELEASE", default=""),
    environment=env("SENTRY_ENVIRONMENT", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)

PORTAL_NAME = _("League Portal")
# 考核评分表 with more rows than this are written by Celery and offered under the bell when ready.
SCORE_SHEET_SYNC_ROWS = env.int("SCORE_SHEET_SYNC_ROWS", default=2000)
# "export this list" on the list pages (core/tables.py) writes at most this many rows
LIST_EXPORT_MAX_ROWS = env.int("LIST_EXPORT_MAX_ROWS", default=50000)
# The address users reach the portal at, for links in e-mail.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
