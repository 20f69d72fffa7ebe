"""Personal data at rest (PIPL): ID numbers and mobiles encrypted, with a keyed hash to find them.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) encrypts; a list of keys lets an operator
rotate them (the first encrypts, all decrypt). The lookup hash is an HMAC-SHA256 under a key of its own,
so equal numbers can be found and kept unique without being stored in clear and without a table of
hashes of every possible number being of any use to someone who has the database but not the key.
Keys come from settings.VOLUNTEER_PII_KEYS / VOLUNTEER_LOOKUP_KEY; without them they are derived from
SECRET_KEY (HKDF), which is fine for development and the demo only.
"""
import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derived(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"league-portal " + purpose).derive(
        settings.SECRET_KEY.encode())


@cache
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "VOLUNTEER_PII_KEYS", None) or [])
    if not keys:
        keys = [base64.urlsafe_b64encode(_derived(b"pii encryption"))]
    return MultiFernet([Fernet(k) for k in keys])


@cache
def _lookup_key() -> bytes:
    key = getattr(settings, "VOLUNTEER_LOOKUP_KEY", "")
    return key.encode() if key else _derived(b"pii lookup")


def forget_keys() -> None:
    """Read the keys again (after settings changed, in tests)."""
    _fernet.cache_clear()
    _lookup_key.cache_clear()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The clear text; empty for an empty token. A token no key opens raises InvalidToken."""
    return _fernet().decrypt(token.encode()).decode() if token else ""


def lookup_hash(kind: str, text: str) -> str:
    """The keyed hash that finds a normalised value of ``kind`` ("id", "mobile") without storing it."""
    return hmac.new(_lookup_key(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "decrypt", "encrypt", "forget_keys", "lookup_hash"]
