"""The API tokens page: one's own tokens, a new key shown once, revoke one or all."""
import re

from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from .conftest import with_key

ME = "/api/v1/me/"
KEY = re.compile(r'data-new-key="([0-9a-f]{64})"')


def test_the_tokens_page_lists_ones_own_tokens_and_no_keys(client, people, key_of):
    mine = key_of("leader_a")
    key_of("staff_a")
    client.force_login(people.leader)
    response = client.get(reverse("accounts:token_list"))
    assert response.status_code == 200
    assert len(response.context["tokens"]) == 1
    content = response.content.decode()
    assert mine not in content and mine[:15] not in content
    assert "API 令牌" in content


def test_the_user_menu_links_to_the_tokens_page(client, people):
    client.force_login(people.reporter)
    assert reverse("accounts:token_list") in client.get("/").content.decode()


def test_creating_a_token_on_the_page_shows_its_key_once(client, people):
    client.force_login(people.reporter)
    response = client.post(reverse("accounts:token_create"))
    assert response.status_code == 200
    key = KEY.search(response.content.decode()).group(1)
    assert Client().get(ME, **with_key(key)).json()["username"] == "reporter_a1a"
    assert key not in client.get(reverse("accounts:token_list")).content.decode()


def test_revoking_a_token_on_the_page(client, people, key_of):
    key = key_of("leader_a")
    token = AuthToken.objects.get(user=people.leader)
    client.force_login(people.leader)
    response = client.post(reverse("accounts:token_revoke", args=[token.digest[:16]]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:token_list")
    assert "已撤销" in response.content.decode()
    assert Client().get(ME, **with_key(key)).status_code == 401


def test_revoking_every_token_on_the_page(client, people, key_of):
    keys = [key_of("leader_a"), key_of("leader_a")]
    others = key_of("staff_a")
    client.force_login(people.leader)
    assert client.post(reverse("accounts:token_revoke_all")).status_code == 302
    assert all(Client().get(ME, **with_key(key)).status_code == 401 for key in keys)
    assert Client().get(ME, **with_key(others)).status_code == 200


def test_revoking_needs_a_post(client, people, key_of):
    key_of("leader_a")
    token = AuthToken.objects.get(user=people.leader)
    client.force_login(people.leader)
    assert client.get(reverse("accounts:token_revoke", args=[token.digest[:16]])).status_code == 405
    assert client.get(reverse("accounts:token_create")).status_code == 405
    assert AuthToken.objects.count() == 1
