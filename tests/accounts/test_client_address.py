"""The client's address behind a reverse proxy: from X-Forwarded-For only when the proxy is trusted.

Axes locks a user name from one address after AXES_FAILURE_LIMIT failures; behind a proxy every request came from
the proxy's address, so anyone's failures locked the account for everybody.
"""
import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from league_portal.middleware import client_address

PASSWORD = "a-Long-test-passw0rd"
PROXY = "10.0.0.2"


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def log_in(client, password, remote=PROXY, forwarded=None, username="leader_a"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, settings, **where):
    answers = [log_in(client, "wrong", **where).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[0] == 200 and answers[-1] in (403, 429)  # the form with its error, then locked


def test_failures_of_one_client_behind_the_proxy_do_not_lock_another(client, people, settings, behind_a_proxy):
    fail(client, settings, forwarded="198.51.100.7")
    assert log_in(client, PASSWORD, forwarded="198.51.100.7").status_code in (403, 429)  # that client is locked
    response = log_in(client, PASSWORD, forwarded="198.51.100.8")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_without_trusted_proxies_the_proxy_is_the_client(client, people, settings):
    """What the operator saw: every client behind an undeclared proxy shares its address (and its lockout)."""
    settings.TRUSTED_PROXIES = []
    fail(client, settings, forwarded="198.51.100.7")
    assert log_in(client, PASSWORD, forwarded="198.51.100.8").status_code in (403, 429)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, people, settings, behind_a_proxy):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", remote="203.0.113.9", forwarded=f"198.51.100.{n}")
    assert log_in(client, PASSWORD, remote="203.0.113.9", forwarded="198.51.100.200").status_code in (403, 429)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_https_is_believed_only_from_a_trusted_proxy(client, db, settings, behind_a_proxy):
    settings.SECURE_SSL_REDIRECT = True
    login = reverse("login")
    assert client.get(login, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get(login, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https").status_code == 301


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not a proxy: its header is the client's own words
    (PROXY, "198.51.100.7", "198.51.100.7"),
    (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client wrote 1.2.3.4 itself
    (PROXY, "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two trusted proxies in a row
    (PROXY, "10.0.0.3, 10.0.0.4", "10.0.0.3"),  # only proxies: the first of them
    (PROXY, "", PROXY),
    (PROXY, "198.51.100.7, not-an-address", PROXY),  # garbage after the last trusted hop: stop there
    ("2001:db8::1", "198.51.100.7", "2001:db8::1"),
])
def test_the_client_is_the_last_untrusted_hop(remote, forwarded, client):
    assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}, ["10.0.0.0/24"]) == client


def test_a_trusted_ipv6_proxy(settings):
    assert client_address({"REMOTE_ADDR": "fd00::2", "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, ["fd00::/64"]) == \
        "2001:db8::7"
