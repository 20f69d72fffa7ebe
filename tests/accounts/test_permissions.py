"""Who may do what with API tokens: every page and endpoint × anonymous, the owner and other users.

Tokens belong to one user and to nobody else, whatever roles the others hold: another user's
token answers 404 (a superuser's request included), anonymous callers 401 or the login page.
"""
import pytest
from knox.models import AuthToken

from .conftest import log_in

# (method, path, status for the owner); "{id}" is the owner's token.
API = [
    ("get", "/api/v1/auth/tokens/", 200),
    ("delete", "/api/v1/auth/tokens/{id}/", 204),
    ("post", "/api/v1/auth/logoutall/", 204),
]
PAGES = [
    ("get", "/accounts/tokens/", 200),
    ("post", "/accounts/tokens/new/", 200),
    ("post", "/accounts/tokens/{id}/revoke/", 302),
    ("post", "/accounts/tokens/revoke-all/", 302),
]
OTHERS = ["staff", "outsider", "admin", "root"]  # attributes of the people fixture


@pytest.fixture
def owners_token(client, people):
    assert log_in(client, "leader_a").status_code == 200
    return AuthToken.objects.get(user=people.leader)


def call(client, method, path, token):
    path = path.format(id=token.digest[:16])
    return getattr(client, method)(path, content_type="application/json") if method != "get" else client.get(path)


@pytest.mark.parametrize("method, path, _", API)
def test_anonymous_api_callers_get_401(client, owners_token, method, path, _):
    assert call(client, method, path, owners_token).status_code == 401
    assert AuthToken.objects.filter(pk=owners_token.pk).exists()


@pytest.mark.parametrize("method, path, _", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, owners_token, method, path, _):
    response = call(client, method, path, owners_token)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AuthToken.objects.filter(pk=owners_token.pk).exists()


@pytest.mark.parametrize("method, path, status", API + PAGES)
def test_the_owner_may(client, people, owners_token, method, path, status):
    client.force_login(people.leader)
    assert call(client, method, path, owners_token).status_code == status


@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize("method, path, _", API + PAGES)
def test_other_users_never_see_or_revoke_the_owners_token(client, people, owners_token, other, method, path, _):
    client.force_login(getattr(people, other))
    response = call(client, method, path, owners_token)
    if "{id}" in path:
        assert response.status_code == 404
    assert AuthToken.objects.filter(pk=owners_token.pk).exists()
    if path == "/api/v1/auth/tokens/":
        assert response.json()["results"] == []
    if path == "/accounts/tokens/":
        assert list(response.context["tokens"]) == []
