"""Helpers for the API-token tests: log in through the token endpoint and call with a key."""
import pytest

from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/token/"


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, content_type="application/json", **extra)


def with_key(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def key_of(client):
    """A fresh API key for a user name, obtained as an outside system would."""
    def issue(username):
        response = log_in(client, username)
        assert response.status_code == 200, response.content
        return response.json()["token"]
    return issue
