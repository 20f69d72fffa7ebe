"""Personal data at rest (PIPL): ID numbers and mobiles encrypted, with a keyed hash to find them.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) encrypts; a list of keys lets an operator
rotate them (the first encrypts, all decrypt). The lookup hash is an HMAC-SHA256 under a key of its own,
so equal numbers can be found and kept unique without being stored in clear and without a table of
hashes of every possible number being of any use to someone who has the database but not the key.
Keys come from settings.VOLUNTEER_PII_KEYS / VOLUNTEER_LOOKUP_KEY; without them they are derived from
SECRET_KEY (HKDF), which is fine for development and the demo only.
"""
import hashlib
import hmac
from functools import cache

from django.conf import settings

from core.crypto import InvalidToken, Keyring, derived_key

PII_KEYS = Keyring("VOLUNTEER_PII_KEYS", b"pii encryption")
encrypt, decrypt = PII_KEYS.encrypt, PII_KEYS.decrypt


@cache
def _lookup_key() -> bytes:
    key = getattr(settings, "VOLUNTEER_LOOKUP_KEY", "")
    return key.encode() if key else derived_key(b"pii lookup")


def forget_keys() -> None:
    """Read the keys again (after settings changed, in tests)."""
    PII_KEYS.forget()
    _lookup_key.cache_clear()


def lookup_hash(kind: str, text: str) -> str:
    """The keyed hash that finds a normalised value of ``kind`` ("id", "mobile") without storing it."""
    return hmac.new(_lookup_key(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "decrypt", "encrypt", "forget_keys", "lookup_hash"]
