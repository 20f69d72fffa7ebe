"""Processes the fault tests start and stop on their own ports: a throwaway redis-server, gunicorn serving the
portal, a disposable PostgreSQL cluster. None of them is the shared Redis on 6379 or the cluster on 5432."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from django.conf import settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout} s")
        time.sleep(0.2)


class RedisServer:
    """redis-server on its own port, in memory only; stop() and start() again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(10).startswith(b"+PONG")
        wait_for(answers, 20, "redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Portal:
    """gunicorn serving the portal with deploy/gunicorn.conf.py on 127.0.0.1 and its own port."""

    def __init__(self, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.process = None
        self.log = tempfile.TemporaryFile(mode="w+")

    def start(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.integration.live_settings", "PYTHONUNBUFFERED": "1",
               "WEB_WORKERS": "2", **self.env}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "-b",
             f"127.0.0.1:{self.port}", "--access-logfile", "-", "league_portal.wsgi"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: requests.get(f"{self.url}/healthz/live", timeout=2).ok, 60, "gunicorn")

    def output(self):
        self.log.seek(0)
        return self.log.read()[-8000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def logged_in(portal, user):
    """A requests session carrying ``user``'s session cookie (made here, kept in the shared database)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    session.base = portal.url
    return session


def csrf_post(session, path, data, **kwargs):
    """GET ``path`` for the CSRF cookie, then POST ``data`` to it with the token."""
    session.get(session.base + path, timeout=30)
    token = session.cookies.get(settings.CSRF_COOKIE_NAME)
    return session.post(session.base + path, data={**data, "csrfmiddlewaretoken": token},
                        headers={"X-CSRFToken": token, "Referer": session.base + path}, timeout=30, **kwargs)


class PostgresCluster:
    """A disposable PostgreSQL cluster (initdb into a temporary directory, trust on 127.0.0.1) on its own port,
    run as the postgres user when this process is root. Never the shared cluster."""

    def __init__(self):
        self.port = free_port()
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb")
        self.bin = bins[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="lp-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args):
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def init(self):
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        return self

    def start(self):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-w", "-t", "60", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off")

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-w", "-t", "60", "stop", "-m", mode)

    def restart(self):
        self.stop("fast")
        self.start()

    def remove(self):
        try:
            self.stop("immediate")
        except Exception:  # already down
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class CeleryWorker:
    """A worker on every queue of the portal, for a broker the test process does not use itself."""

    def __init__(self, **env):
        self.env = env
        self.process = None
        self.log = tempfile.TemporaryFile(mode="w+")

    def start(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.integration.live_settings", "PYTHONUNBUFFERED": "1",
               **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "league_portal", "worker", "--pool=solo", "--without-gossip",
             "--without-mingle", "--loglevel=INFO", "-Q", ",".join(q.name for q in settings.CELERY_TASK_QUEUES)],
            cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def output(self):
        self.log.seek(0)
        return self.log.read()[-8000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def manage_py(code, **env):
    """Run ``code`` in a Django process with the live settings (what beat's job would run in the worker)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.integration.live_settings", **env}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()
