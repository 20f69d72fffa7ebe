"""Secrets at rest: a model field whose value is stored encrypted (Fernet) and read back in clear.

For credentials the portal must use again (a group robot's webhook address and signing secret), not for values
it must search: an encrypted column cannot be filtered on. Keys come from settings.FIELD_ENCRYPTION_KEYS (the
first encrypts, all decrypt, so an operator can rotate them); without them one is derived from SECRET_KEY (HKDF),
fine for development and the demo only. volunteers.pii keeps its own keyring for personal data.
"""
import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def derived_key(purpose: bytes) -> bytes:
    """A 32-byte key for ``purpose`` derived from SECRET_KEY (HKDF): for development and the demo only."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"league-portal " + purpose).derive(
        settings.SECRET_KEY.encode())


class Keyring:
    """Fernet keys from the setting ``setting`` (a list: the first encrypts, all decrypt, so an operator can rotate
    them), or one derived for ``purpose`` when it is empty; read once, again after ``forget()``."""

    def __init__(self, setting: str, purpose: bytes):
        self.setting, self.purpose, self._fernet = setting, purpose, None

    def fernet(self) -> MultiFernet:
        if self._fernet is None:
            keys = list(getattr(settings, self.setting, None) or []) or [base64.urlsafe_b64encode(derived_key(self.purpose))]
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        return self._fernet

    def forget(self) -> None:
        self._fernet = None

    def encrypt(self, text: str) -> str:
        return self.fernet().encrypt(text.encode()).decode() if text else ""

    def decrypt(self, token: str) -> str:
        """The clear text; empty for an empty token. A token no key opens raises InvalidToken."""
        return self.fernet().decrypt(token.encode()).decode() if token else ""


FIELD_KEYS = Keyring("FIELD_ENCRYPTION_KEYS", b"field encryption")
encrypt, decrypt, forget_keys = FIELD_KEYS.encrypt, FIELD_KEYS.decrypt, FIELD_KEYS.forget


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and in clear on the model instance."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""


__all__ = ["EncryptedTextField", "InvalidToken", "Keyring", "decrypt", "derived_key", "encrypt", "forget_keys"]
