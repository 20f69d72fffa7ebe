"""Encryption at rest and keyed lookup hashes of volunteers' personal data."""
import pytest
from cryptography.fernet import Fernet, InvalidToken

from volunteers import pii


@pytest.fixture(autouse=True)
def fresh_keys():
    pii.forget_keys()
    yield
    pii.forget_keys()


def test_a_value_round_trips_and_is_not_stored_in_clear():
    token = pii.encrypt("440305200005171234")
    assert "440305" not in token and pii.decrypt(token) == "440305200005171234"
    assert pii.encrypt("x") != pii.encrypt("x")  # a fresh nonce each time: equal values do not look equal
    assert pii.encrypt("") == "" and pii.decrypt("") == ""


def test_the_lookup_hash_is_keyed_and_stable(settings):
    first = pii.lookup_hash("id", "440305200005171234")
    assert first == pii.lookup_hash("id", "440305200005171234") != pii.lookup_hash("mobile", "440305200005171234")
    settings.VOLUNTEER_LOOKUP_KEY = "another key"
    pii.forget_keys()
    assert pii.lookup_hash("id", "440305200005171234") != first


def test_keys_rotate_the_old_one_still_decrypts(settings):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    settings.VOLUNTEER_PII_KEYS = [old]
    pii.forget_keys()
    token = pii.encrypt("13812345678")
    settings.VOLUNTEER_PII_KEYS = [new, old]
    pii.forget_keys()
    assert pii.decrypt(token) == "13812345678"
    settings.VOLUNTEER_PII_KEYS = [new]
    pii.forget_keys()
    with pytest.raises(InvalidToken):
        pii.decrypt(token)
