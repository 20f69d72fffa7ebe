"""Reads of the dashboards and statistics from a PostgreSQL read replica, when DATABASE_REPLICA_URL names one.

The 工作台, its charts and export, the start page and the volunteer statistics (pages and API) only read, and at
month's end they are what many leaders open at once: their queries can go to a streaming replica and spare the
primary, which takes every report and progress entry. What goes to the replica is decided per request, not per model
(a dashboard reads the models of every app): ``ReplicaReadsMiddleware`` turns replica reads on for a GET or HEAD of a
view named in ``REPLICA_READ_VIEWS``, and ``use_replica()`` does it for code outside a request. Even then:

- every write goes to the primary (``db_for_write``);
- every read inside a transaction goes to the primary, so a service that reads, checks and writes sees its own rows;
- sessions, users, tokens and lockouts are always read from the primary (a log-in must not wait for replication).

Without a replica alias the router answers "default" to everything and the middleware changes nothing.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY, REPLICA = "default", "replica"
# Log-in state: read where it was just written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "knox", "axes", "contenttypes", "admin"})

replica_reads = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def use_replica():
    """Reads in this block go to the replica (outside transactions), e.g. in a task that builds a report."""
    token = replica_reads.set(True)
    try:
        yield
    finally:
        replica_reads.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry (settings adds it with the replica alias)."""

    def db_for_read(self, model, **hints):
        if (
            not replica_reads.get()
            or not replica_configured()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # a replica follows the primary's schema through replication


class ReplicaReadsMiddleware:
    """Turns replica reads on while a GET or HEAD of a view in ``REPLICA_READ_VIEWS`` is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            if token := getattr(request, "_replica_token", None):
                replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (replica_configured() and request.method in ("GET", "HEAD") and match is not None
                and match.view_name in settings.REPLICA_READ_VIEWS):
            request._replica_token = replica_reads.set(True)
