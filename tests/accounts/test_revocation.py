"""A new password or a deactivated account ends every API token, whichever path changed it; a
password change on the page also ends the user's other sessions."""
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from orgs import services
from tests.factories import PASSWORD

from .conftest import log_in, with_key

ME = "/api/v1/me/"
NEW = "brand-new-Pw-42"


def works(client, key):
    return client.get(ME, **with_key(key)).status_code == 200


def test_changing_ones_password_on_the_page_revokes_every_token(client, people, key_of):
    keys = [key_of("leader_a"), key_of("leader_a")]
    client.force_login(people.leader)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert not any(works(Client(), key) for key in keys)
    assert client.get("/").status_code == 200  # the session that changed it stays


def test_changing_ones_password_on_the_page_ends_the_other_sessions(people):
    here, elsewhere = Client(), Client()
    here.force_login(people.leader)
    elsewhere.force_login(people.leader)
    assert elsewhere.get("/").status_code == 200
    here.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert here.get("/").status_code == 200
    response = elsewhere.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_password_changed_page_says_tokens_and_sessions_ended(client, people):
    client.force_login(people.leader)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "API 令牌" in response.content.decode()


def test_an_admin_setting_a_password_revokes_the_accounts_tokens(client, people, key_of):
    key, others = key_of("reporter_a1a"), key_of("staff_a")
    services.update_user(people.reporter, by=people.admin, password=NEW)
    assert not works(client, key) and works(client, others)


def test_an_admin_setting_a_password_on_the_user_page_revokes_tokens(client, people, key_of):
    key = key_of("reporter_a1a")
    client.force_login(people.admin)
    response = client.post(reverse("orgs:user_detail", args=[people.reporter.pk]), {
        "save_account": "1", "first_name": "", "email": "", "is_active": "on", "new_password": NEW})
    assert response.status_code == 302
    assert not works(Client(), key)


def test_an_admin_saving_an_account_without_a_new_password_keeps_its_tokens(client, people, key_of):
    key = key_of("reporter_a1a")
    services.update_user(people.reporter, by=people.admin, first_name="新名字", email="r@example.org")
    assert works(client, key)


def test_set_password_anywhere_revokes_tokens(client, people, key_of):
    key = key_of("leader_a")
    user = get_user_model().objects.get(pk=people.leader.pk)
    user.set_password(NEW)
    user.save()
    assert not works(client, key)
    assert log_in(client, "leader_a", NEW).status_code == 200


def test_an_unusable_password_revokes_tokens(client, people, key_of):
    key = key_of("leader_a")
    people.leader.set_unusable_password()
    people.leader.save(update_fields=["password"])
    assert not works(client, key)


def test_the_changepassword_command_and_django_admin_revoke_tokens(client, people, key_of, monkeypatch):
    key = key_of("leader_a")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    call_command("changepassword", "leader_a", stdout=open("/dev/null", "w"))
    assert not works(client, key)

    key = key_of("staff_a")
    admin_client = Client()
    admin_client.force_login(people.root)
    response = admin_client.post(f"/admin/auth/user/{people.staff.pk}/password/", {
        "usable_password": "true", "password1": NEW, "password2": NEW})
    assert response.status_code == 302, response.content
    assert not works(client, key)


def test_deactivating_an_account_revokes_its_tokens_for_good(client, people, key_of):
    key = key_of("reporter_a1a")
    services.update_user(people.reporter, by=people.admin, is_active=False)
    assert not AuthToken.objects.filter(user=people.reporter).exists()
    services.update_user(people.reporter, by=people.admin, is_active=True)
    assert not works(client, key)


def test_logging_in_again_keeps_the_other_tokens(client, people, key_of):
    key = key_of("leader_a")
    client.post(reverse("login"), {"username": "leader_a", "password": PASSWORD})
    key_of("leader_a")
    assert works(Client(), key)
