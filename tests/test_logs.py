"""Structured logs: a JSON line per record in production with the request id the response carries, the user and the
Celery task; plain text when DEBUG; Sentry only with a DSN."""
import io
import json
import logging
import logging.config
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from league_portal import logs, sentry
from league_portal.celery import app
from tests.test_deploy import production_env


@pytest.fixture
def log_lines():
    """The portal's JSON logging as production configures it, written to a buffer; the lines as parsed objects."""
    config = logs.logging_config(json=True)
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        logging.config.dictConfig(settings.LOGGING)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "league_portal.request"]


def test_a_requests_log_line_is_json_with_the_id_the_response_carries_and_the_user(client, people, log_lines):
    client.force_login(people.staff)
    response = client.get("/healthz/live")
    (line,) = request_lines(log_lines())
    assert response["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == people.staff.pk
    assert line["level"] == "INFO" and line["status"] == 200 and line["path"] == "/healthz/live"
    assert {"time", "message", "duration_ms"} <= set(line)


def test_each_request_gets_its_own_id_and_an_anonymous_one_no_user(client, db, log_lines):
    first, second = client.get("/healthz/live"), client.get("/healthz/live")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [line["request_id"] for line in request_lines(log_lines())] == [first["X-Request-ID"],
                                                                           second["X-Request-ID"]]
    assert all(line["user_id"] is None for line in request_lines(log_lines()))


def view_that_logs(request):
    logging.getLogger("tests.view").warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("log-inside/", view_that_logs)]


@pytest.mark.urls("tests.test_logs")
def test_lines_written_inside_a_view_carry_the_request_id_and_user(client, people, log_lines):
    client.force_login(people.staff)
    response = client.get("/log-inside/")
    (inside,) = [line for line in log_lines() if line["message"] == "inside the view"]
    assert inside["request_id"] == response["X-Request-ID"]
    assert inside["user_id"] == people.staff.pk


def test_the_trusted_proxys_request_id_is_kept(client, db, settings, log_lines):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = client.get("/healthz/live", REMOTE_ADDR="10.0.0.1", HTTP_X_REQUEST_ID="proxy-id-123")
    assert response["X-Request-ID"] == "proxy-id-123"
    assert request_lines(log_lines())[0]["request_id"] == "proxy-id-123"


def test_a_clients_own_request_id_is_not_believed(client, db, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = client.get("/healthz/live", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="chosen-by-client")
    assert response["X-Request-ID"] != "chosen-by-client"


def test_a_malformed_proxy_id_is_replaced(client, db, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = client.get("/healthz/live", REMOTE_ADDR="10.0.0.1", HTTP_X_REQUEST_ID="two\nlines")
    assert "\n" not in response["X-Request-ID"] and len(response["X-Request-ID"]) == 32


def log_from_a_task():
    logging.getLogger("tests.task").warning("from the task")


@pytest.fixture
def logging_task():
    """A task registered for this test only (test_health checks that every registered task has a queue)."""
    task = app.task(name="tests.test_logs.log_from_a_task")(log_from_a_task)
    yield task
    app.tasks.unregister(task.name)


def test_a_tasks_lines_carry_its_id_and_name(log_lines, logging_task):
    result = logging_task.delay()
    (line,) = [line for line in log_lines() if line["message"] == "from the task"]
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.test_logs.log_from_a_task"
    assert logs.task_id.get() == ""  # unbound after the task


def test_lines_outside_a_request_or_task_have_empty_context(log_lines):
    logging.getLogger("tests").warning("plain")
    (line,) = log_lines()
    assert line["request_id"] == "" and line["user_id"] is None and line["task_id"] == ""


@pytest.mark.parametrize(("debug", "is_json"), [("false", True), ("true", False)])
def test_production_logs_json_and_debug_plain_text(tmp_path, debug, is_json):
    script = "import logging; logging.getLogger('portal.check').warning('hello %s', 'world')"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=settings.BASE_DIR,
                            env=production_env(tmp_path, DEBUG=debug), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    if is_json:
        record = json.loads(line)
        assert record["message"] == "hello world" and record["logger"] == "portal.check"
        assert record["level"] == "WARNING" and record["time"]
    else:
        assert "WARNING portal.check" in line and "hello world" in line
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)


def test_sentry_is_not_started_without_a_dsn(monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    assert sentry.init_sentry(dsn="") is False
    assert calls == []
    assert settings.SENTRY_ENABLED is False
    assert not sentry_sdk.get_client().is_active()


def test_sentry_with_a_dsn_sends_no_personal_data_and_names_release_and_environment(monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    assert sentry.init_sentry(dsn="https://key@errors.example.org/1", release="1.2.3", environment="staging")
    (kwargs,) = calls
    assert kwargs["send_default_pii"] is False
    assert kwargs["release"] == "1.2.3" and kwargs["environment"] == "staging"
    assert {type(i).__name__ for i in kwargs["integrations"]} == {"DjangoIntegration", "CeleryIntegration"}
