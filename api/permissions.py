from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken


class TokenScope(BasePermission):
    """Any live token reads; only a read-and-write token changes anything."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return False
        return request.method in SAFE_METHODS or request.auth.can_write
