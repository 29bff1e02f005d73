"""Who is asking the API: the council token in ``Authorization: Bearer <secret>``, read from the database on every
request (nothing about access is cached: a revoked token is refused by the next request)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.services import live_token

# The last use is written at most this often: a busy integration should not write a row on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be “Bearer” and the token."))
        try:
            secret = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked.")) from None
        token = live_token(secret)
        if token is None or not self._creator_is_staff(token):
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        self._note_use(token)
        return token.created_by, token

    def authenticate_header(self, request):
        # A 401 (not a 403) for a request without a token, telling the client which scheme to use.
        return f'{self.keyword} realm="api"'

    @staticmethod
    def _creator_is_staff(token):
        """The token acts for the admin who created it: it dies with their place in the council."""
        user = token.created_by
        membership = getattr(user, "membership", None) if user is not None else None
        return bool(user and user.is_active and membership and membership.council_id == token.council_id)

    @staticmethod
    def _note_use(token):
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
