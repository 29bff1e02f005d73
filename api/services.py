"""Issuing and revoking the council's API tokens, and finding the token a request presents."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from audit.services import record

# "exk_" then 8 characters shown to staff as the prefix, then the rest of the secret: 256 bits of randomness in all.
SECRET_START = "exk_"
PREFIX_LENGTH = len(SECRET_START) + 8


def digest_of(secret):
    """What is stored of a secret. SHA-256 suffices: the secret is random, not a password that could be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, council, name, scope, request):
    """A new token of ``council``; returns ``(token, secret)``. The secret exists only in this answer."""
    secret = SECRET_START + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            council=council,
            name=name,
            scope=scope,
            prefix=secret[:PREFIX_LENGTH],
            digest=digest_of(secret),
            created_by=request.user,
        )
        record(request=request, action="create API token", obj=token, details={"scope": scope, "prefix": token.prefix})
    return token, secret


def revoke_token(*, token, request):
    """Revoke ``token`` (once: a second click changes nothing and records nothing). Returns whether it was live."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            record(request=request, action="revoke API token", obj=token, details={"prefix": token.prefix})
    return bool(revoked)


def live_token(secret):
    """The live token whose secret this is, with its council and its creator's membership (one query), or None."""
    if not secret.startswith(SECRET_START):
        return None
    return (
        ApiToken.objects.select_related("council", "created_by__membership")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
