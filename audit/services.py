"""Record what staff did. Call ``record`` inside the transaction of the action, so the event and the action commit
together."""

from audit.models import AuditEvent
from councils.access import council_of
from exchange.lockout import client_address  # the address the sign-in lockout counts: proxies as configured


def record(*, request, action, obj, details=None, council=None):
    """Write one audit event for ``request.user`` doing ``action`` to ``obj`` (a model instance)."""
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        council=council or council_of(request.user),
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        details=details or {},
        ip_address=client_address(request),
    )
