"""League Portal project package: settings, URLs, Celery app and project-wide plumbing."""
from .celery import app as celery_app

__all__ = ("celery_app",)
