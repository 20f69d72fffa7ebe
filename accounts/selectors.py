"""Reads of a user's own API tokens. Tokens are personal: nobody, a superuser included, reads
another user's through these functions."""
import re

from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from knox.models import AuthToken

# Pages and the API name a token by the start of its SHA-512 digest: unique enough within one
# user's tokens and, unlike knox's token_key (the key's first characters), nothing of the key.
ID_LENGTH = 16
ID_PATTERN = f"[0-9a-f]{{{ID_LENGTH}}}"


def own_tokens(user):
    """The user's tokens that still work, newest first, each with its ``public_id``."""
    alive = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return (AuthToken.objects.filter(alive, user=user).annotate(public_id=Substr("digest", 1, ID_LENGTH))
            .order_by("-created"))


def own_token(user, token_id: str):
    """One of the user's working tokens by its public id; 404 for anything else.

    The id must have its full length: a shorter prefix would match any token that begins so.
    """
    if not re.fullmatch(ID_PATTERN, token_id or ""):
        raise Http404
    token = own_tokens(user).filter(digest__startswith=token_id).first()
    if token is None:
        raise Http404
    return token
