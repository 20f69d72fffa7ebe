"""gunicorn's settings for the image (``gunicorn -c deploy/gunicorn.conf.py league_portal.wsgi``), from the environment.

WEB_WORKERS processes (default: 2 per core plus one, at most 8), each answering within WEB_TIMEOUT seconds (the
largest synchronous export or upload check must fit; longer work goes to Celery).
"""
import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from league_portal.logs import logging_config  # noqa: E402

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The portal writes one line per request itself (league_portal.logs.RequestIdMiddleware: request id, user, status,
# duration); gunicorn's own lines (start, worker timeouts) take the portal's format, JSON unless DEBUG or LOG_FORMAT.
accesslog = None
_debug = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on")
logconfig_dict = logging_config(json=os.environ.get("LOG_FORMAT", "text" if _debug else "json") == "json",
                                level=os.environ.get("LOG_LEVEL", "INFO"))
# gunicorn believes X-Forwarded-* from nobody but itself (its default); the portal decides whom to believe from
# TRUSTED_PROXIES (league_portal.middleware.TrustedProxyMiddleware).
