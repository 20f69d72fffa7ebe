"""Writes to API tokens (django-rest-knox): issue, revoke one, revoke all, purge the expired.

Knox stores only a hash of each key, so a key exists exactly once: in the answer to the request
that issued it. Signals in ``signals.py`` revoke a user's tokens when the password changes or
the account is deactivated.
"""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from . import audit


@transaction.atomic
def issue_token(*, by):
    """A new token for ``by`` with the configured lifetime (``REST_KNOX['TOKEN_TTL']``).

    Returns the row and the key; show the key to the user now, it cannot be read back.
    """
    token, key = AuthToken.objects.create(user=by)
    audit.record(by, audit.TOKEN_ISSUE, token, changes={"expiry": [None, token.expiry]})
    return token, key


@transaction.atomic
def revoke_token(token, *, by) -> None:
    """End one token; users revoke only their own."""
    if token.user_id != by.pk:
        raise PermissionDenied
    audit.record(by, audit.TOKEN_REVOKE, token)
    token.delete()


@transaction.atomic
def revoke_all_tokens(*, by) -> int:
    """End every token of ``by`` (log out of every API client); returns how many."""
    count = revoke_tokens_of(by)
    if count:
        audit.record(by, audit.TOKEN_REVOKE, by, changes={"tokens": [count, 0]})
    return count


def revoke_tokens_of(user) -> int:
    """End every token of ``user``: the consequence of a new password or a deactivation, which
    whoever made that change was already allowed to make."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def purge_expired_tokens() -> int:
    """Delete the rows of expired tokens (they already fail authentication); returns how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
