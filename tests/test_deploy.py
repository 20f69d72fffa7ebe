"""Production as an operator starts it: the settings with DEBUG off, in a process of their own.

Each test runs manage.py in a subprocess with a production-like environment (DEBUG off, a real secret key, a host
name, a database), as the image and docker-compose.yml do, so nothing of the test settings leaks in.
"""
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# What the test process has that production would not (settings_test puts some of them in os.environ).
DROPPED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
           "CSP_REPORT_ONLY", "STATIC_ROOT", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
           "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set it for Playwright beside the ORM


def production_env(tmp_path, **values):
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env.update({"DJANGO_SETTINGS_MODULE": "league_portal.settings", "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "portal.example.org",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(values)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *args, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("missing", [("SECRET_KEY",), ("ALLOWED_HOSTS",), ("DATABASE_URL",),
                                     ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")])
def test_production_refuses_to_start_without_what_it_must_be_given(tmp_path, missing):
    result = manage(production_env(tmp_path, **dict.fromkeys(missing)), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert all(name in message for name in missing), message
    assert "DEBUG is off" in message


def test_production_refuses_the_development_key_printed_in_the_repository(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY="insecure-local-development-key-change-me"), "check")
    assert result.returncode != 0 and "SECRET_KEY is the development key" in result.stderr


def test_a_local_run_with_debug_on_needs_none_of_them(tmp_path):
    env = production_env(tmp_path, DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None, DATABASE_URL=None)
    assert manage(env, "check").returncode == 0


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def production_setting(tmp_path, expression, **values):
    code = f"import django, json; django.setup(); from django.conf import settings; print(json.dumps({expression}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=production_env(tmp_path, **values),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_production_defaults_protect_browsers(tmp_path):
    values = production_setting(tmp_path, "[settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
                                          "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
                                          "settings.SESSION_COOKIE_HTTPONLY, settings.CSRF_COOKIE_HTTPONLY, "
                                          "settings.SESSION_COOKIE_SAMESITE, settings.X_FRAME_OPTIONS, "
                                          "settings.SECURE_REFERRER_POLICY, settings.SECURE_REDIRECT_EXEMPT, "
                                          "settings.CONTENT_SECURITY_POLICY is not None]")
    assert values == [True, 31536000, True, True, True, True, "Lax", "DENY", "same-origin", ["^healthz(/|$)"], True]


def test_hsts_and_the_policy_mode_are_set_from_the_environment(tmp_path):
    values = production_setting(tmp_path, "[settings.SECURE_HSTS_SECONDS, settings.CONTENT_SECURITY_POLICY, "
                                          "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY is not None]",
                                SECURE_HSTS_SECONDS="600", CSP_REPORT_ONLY="true")
    assert values == [600, None, True]


def test_collectstatic_with_the_production_settings_writes_the_manifest(tmp_path):
    """CompressedManifestStaticFilesStorage follows every reference in CSS and JS (sourceMappingURL included) and
    fails on one to a file that is not shipped (static/vendor/README.md)."""
    root = tmp_path / "static"
    result = manage(production_env(tmp_path, STATIC_ROOT=str(root)), "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    bundle = manifest["vendor/bootstrap/bootstrap.bundle.min.js"]
    assert bundle != "vendor/bootstrap/bootstrap.bundle.min.js" and (root / bundle).exists()
    assert (root / f"{bundle}.gz").exists()
    assert "css/portal.css" in manifest and "js/portal.js" in manifest


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("environ", "host"), [
    ({"ALLOWED_HOSTS": "portal.example.org,www.example.org"}, "portal.example.org"),
    ({"ALLOWED_HOSTS": ".example.org"}, "example.org"),
    ({"ALLOWED_HOSTS": "*"}, "localhost"),
    ({}, "localhost"),
    ({"ALLOWED_HOSTS": "portal.example.org", "HEALTHCHECK_HOST": "internal.example.org"}, "internal.example.org"),
])
def test_the_healthcheck_names_a_host_the_portal_accepts(environ, host):
    from deploy.healthcheck import health_host

    assert health_host(environ) == host


def test_the_container_healthcheck_passes_against_gunicorn_with_the_production_settings(tmp_path):
    """What docker-compose.yml runs: gunicorn from deploy/gunicorn.conf.py, and deploy/healthcheck.py calling it at
    127.0.0.1 — which ALLOWED_HOSTS refuses as a host name — with an accepted Host header, over plain http."""
    import time
    import urllib.error
    import urllib.request

    port = str(free_port())
    env = production_env(tmp_path, PORT=port, WEB_WORKERS="1", WEB_TIMEOUT="30")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "league_portal.wsgi"],
                              cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check = [sys.executable, "deploy/healthcheck.py"]
    try:
        deadline = time.monotonic() + 90
        while subprocess.run([*check, "live"], cwd=settings.BASE_DIR, env=env, capture_output=True).returncode:
            assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-3000:]
            time.sleep(0.5)
        ready = subprocess.run([*check, "ready"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        assert ready.returncode == 0, ready.stdout + ready.stderr
        assert json.loads(ready.stdout)["checks"]["database"]["status"] == "ok"
        with pytest.raises(urllib.error.HTTPError) as refused:  # the old healthcheck: the address as host name
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/ready", timeout=10)
        assert refused.value.code == 400
        login = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": "portal.example.org"})
        opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                                  {"redirect_request": lambda *args: None}))
        with pytest.raises(urllib.error.HTTPError) as redirected:  # everything else goes to https
            opener.open(login, timeout=10)
        assert redirected.value.code == 301
        assert redirected.value.headers["Location"] == "https://portal.example.org/accounts/login/"
    finally:
        server.terminate()
        server.wait(timeout=30)
