"""API tokens: a new, distinct token at every log-in, with an expiry, stored only as a hash;
logout revokes the caller's token, logout-all every one; users list and revoke their own."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from freezegun import freeze_time
from knox.models import AuthToken

from .conftest import log_in, with_key

ME = "/api/v1/me/"
TOKENS = "/api/v1/auth/tokens/"


def test_logging_in_answers_a_token_and_its_expiry(client, people):
    response = log_in(client, "leader_a")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=10))) < timedelta(minutes=1)
    assert client.get(ME, **with_key(body["token"])).json()["username"] == "leader_a"


def test_the_token_endpoint_does_not_open_a_session(client, people):
    log_in(client, "leader_a")
    assert client.get(ME).status_code == 401


def test_only_a_hash_of_the_key_is_stored(client, people, key_of):
    key = key_of("leader_a")
    rows = list(AuthToken.objects.values())
    assert len(rows) == 1 and key not in repr(rows)


def test_a_second_login_gives_a_different_token_and_both_work(client, people, key_of):
    first, second = key_of("leader_a"), key_of("leader_a")
    assert first != second
    assert client.get(ME, **with_key(first)).status_code == 200
    assert client.get(ME, **with_key(second)).status_code == 200


def test_a_token_works_until_its_expiry_and_not_after(client, people, key_of):
    with freeze_time("2026-03-02 08:00:00", tz_offset=0) as clock:
        key = key_of("leader_a")
        clock.tick(timedelta(hours=9, minutes=59))
        assert client.get(ME, **with_key(key)).status_code == 200
        clock.tick(timedelta(minutes=2))
        response = client.get(ME, **with_key(key))
    assert response.status_code == 401 and response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_the_lifetime_follows_the_setting(client, people, key_of, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}
    with freeze_time("2026-03-02 08:00:00", tz_offset=0) as clock:
        key = key_of("leader_a")
        clock.tick(timedelta(hours=2, minutes=1))
        assert client.get(ME, **with_key(key)).status_code == 401


def test_the_lifetime_is_read_from_the_environment():
    import subprocess
    import sys

    code = "import django; django.setup(); from knox.settings import knox_settings; print(knox_settings.TOKEN_TTL)"
    env = {"DJANGO_SETTINGS_MODULE": "league_portal.settings", "API_TOKEN_TTL_HOURS": "1.5", "PATH": "/usr/bin:/bin",
           "DEBUG": "true"}  # a local run: production would ask for SECRET_KEY and the rest (tests/test_deploy.py)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert out.stdout.strip() == "1:30:00", out.stderr


def test_wrong_credentials_answer_a_json_400_and_no_token(client, people):
    response = log_in(client, "leader_a", "wrong")
    assert response.status_code == 400 and response.json()["detail"]
    assert "token" not in response.json() and not AuthToken.objects.exists()


def test_an_inactive_account_gets_no_token(client, people):
    people.leader.is_active = False
    people.leader.save()
    assert log_in(client, "leader_a").status_code == 400


def test_failed_token_logins_lock_the_account_as_page_logins_do(client, people):
    answers = [log_in(client, "leader_a", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the failure that locks says so
    response = log_in(client, "leader_a")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json" and response.json()["detail"]
    assert not AuthToken.objects.exists()
    page = client.post("/accounts/login/", {"username": "leader_a", "password": "a-Long-test-passw0rd"})
    assert page.status_code == 429


def test_failed_page_logins_lock_the_token_endpoint_too(client, people):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "leader_a", "password": "wrong"})
    assert log_in(client, "leader_a").status_code == 429


def test_a_successful_token_login_resets_the_failure_count(client, people, key_of):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "leader_a", "wrong")
    key_of("leader_a")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "leader_a", "wrong")
    assert log_in(client, "leader_a").status_code == 200


def test_one_address_trying_many_user_names_is_throttled(client, people, settings):
    settings.API_TOKEN_LOGIN_RATE = "3/min"
    names = ["admin_a", "staff_a", "leader_a", "assessor_a"]
    answers = [log_in(client, name, "wrong").status_code for name in names]
    assert answers == [400, 400, 400, 429]


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(client, people, settings):
    settings.API_TOKEN_LOGIN_RATE = "3/min"
    answers = [log_in(client, "leader_a", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)]
    assert answers[-1] == 429


def test_logout_revokes_only_the_callers_token(client, people, key_of):
    first, second = key_of("leader_a"), key_of("leader_a")
    assert client.post("/api/v1/auth/logout/", **with_key(first)).status_code == 204
    assert client.get(ME, **with_key(first)).status_code == 401
    assert client.get(ME, **with_key(second)).status_code == 200


def test_logout_needs_a_token(api, people):
    assert api.login(people.leader).post("/api/v1/auth/logout/").status_code == 401


def test_logout_all_revokes_every_token_of_the_caller_only(client, people, key_of):
    first, second, others = key_of("leader_a"), key_of("leader_a"), key_of("staff_a")
    assert client.post("/api/v1/auth/logoutall/", **with_key(first)).status_code == 204
    assert client.get(ME, **with_key(first)).status_code == 401
    assert client.get(ME, **with_key(second)).status_code == 401
    assert client.get(ME, **with_key(others)).status_code == 200


def test_the_token_list_shows_ones_own_tokens_and_never_a_key(client, people, key_of):
    first, second = key_of("leader_a"), key_of("leader_a")
    key_of("staff_a")
    response = client.get(TOKENS, **with_key(first))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 2
    assert set(rows[0]) == {"id", "created", "expiry", "current"}
    assert [row["current"] for row in rows].count(True) == 1
    content = response.content.decode()
    assert first not in content and second not in content
    assert not any(first.startswith(row["id"]) or second.startswith(row["id"]) for row in rows)


def test_deleting_a_token_by_its_id_revokes_it(client, people, key_of):
    first, second = key_of("leader_a"), key_of("leader_a")
    rows = client.get(TOKENS, **with_key(first)).json()["results"]
    other = next(row for row in rows if not row["current"])
    assert client.delete(f"{TOKENS}{other['id']}/", **with_key(first)).status_code == 204
    assert client.get(ME, **with_key(second)).status_code == 401
    assert client.get(ME, **with_key(first)).status_code == 200


def test_another_users_token_answers_404_and_keeps_working(client, people, key_of):
    mine, theirs = key_of("leader_a"), key_of("staff_a")
    their_id = client.get(TOKENS, **with_key(theirs)).json()["results"][0]["id"]
    assert client.delete(f"{TOKENS}{their_id}/", **with_key(mine)).status_code == 404
    assert client.get(ME, **with_key(theirs)).status_code == 200


def test_session_users_list_and_revoke_their_tokens_too(api, people, key_of):
    key = key_of("leader_a")
    client = api.login(people.leader)
    rows = client.get(TOKENS).json()["results"]
    assert len(rows) == 1 and rows[0]["current"] is False
    assert client.delete(f"{TOKENS}{rows[0]['id']}/").status_code == 204
    assert client.get(ME, **with_key(key)).status_code == 401


@pytest.mark.parametrize("method, path", [
    ("get", TOKENS), ("delete", f"{TOKENS}0123456789abcdef/"),
    ("post", "/api/v1/auth/logout/"), ("post", "/api/v1/auth/logoutall/"),
])
def test_anonymous_callers_get_a_json_401(client, people, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401 and response.json()["detail"]


def test_a_drf_style_token_is_not_accepted(client, people):
    from django.apps import apps

    assert not apps.is_installed("rest_framework.authtoken")
    response = client.get(ME, HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401


def test_the_schema_describes_the_token_endpoints(api, people):
    schema = api.login(people.leader).get("/api/schema/?format=json").json()
    for path in ["/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/auth/logoutall/",
                 "/api/v1/auth/tokens/", "/api/v1/auth/tokens/{id}/"]:
        assert path in schema["paths"], path
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert login["security"] == [{}]
    assert {"200", "400", "429"} <= set(login["responses"])
    assert any(s.get("scheme") == "bearer" or s.get("in") == "header" for s in schema["components"]["securitySchemes"].values())
