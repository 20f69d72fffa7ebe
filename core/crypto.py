"""Secrets at rest: a model field whose value is stored encrypted (Fernet) and read back in clear.

For credentials the portal must use again (a group robot's webhook address and signing secret), not for values
it must search: an encrypted column cannot be filtered on. Keys come from settings.FIELD_ENCRYPTION_KEYS (the
first encrypts, all decrypt, so an operator can rotate them); without them one is derived from SECRET_KEY (HKDF),
fine for development and the demo only. volunteers.pii keeps its own keys for personal data.
"""
import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    if not keys:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"league-portal field encryption").derive(settings.SECRET_KEY.encode())
        keys = [base64.urlsafe_b64encode(derived)]
    return MultiFernet([Fernet(k) for k in keys])


def forget_keys() -> None:
    """Read the keys again (after settings changed, in tests)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The clear text; empty for an empty token. A token no key opens raises InvalidToken."""
    return _fernet().decrypt(token.encode()).decode() if token else ""


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and in clear on the model instance."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""


__all__ = ["EncryptedTextField", "InvalidToken", "decrypt", "encrypt", "forget_keys"]
