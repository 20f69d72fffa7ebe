"""The real Celery worker the integration tests start (on its own queue, against the test database)."""
import os
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from league_portal.celery import app


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker process on its own queue; it can be killed (SIGKILL) and started again."""

    def __init__(self, pool="solo", **env):
        self.pool = pool  # prefork: one child process (-c 1) under the worker, which can be killed on its own
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.env = env  # e.g. CELERY_VISIBILITY_TIMEOUT: how soon a killed worker's message comes back
        self.process = None
        self.log = tempfile.TemporaryFile(mode="w+")  # not a pipe: a full pipe would stall the worker's logging

    def start(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "league_portal.settings", "DATABASE_URL": database_url(),
               "PYTHONUNBUFFERED": "1", **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "league_portal", "worker", f"--pool={self.pool}", "-c", "1", "-Q", self.queue,
             "-n", f"{self.queue}-{uuid.uuid4().hex[:4]}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 60
        while not any(self.queue in name for reply in (app.control.ping(timeout=1.0) or []) for name in reply):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start:\n" + self.output())
            time.sleep(0.5)

    def output(self):
        self.log.seek(0)
        return self.log.read()[-5000:]

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: set DATABASE_URL to PostgreSQL")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    running = Worker()
    try:
        running.start()
        yield running
    finally:
        app.conf.task_always_eager = eager
        running.stop()
