"""Who a request comes from, for the sign-in lockout (django-axes) and the audit log alike.

**The client's address.** Without a proxy it is ``REMOTE_ADDR``. Behind ``AXES_TRUSTED_PROXY_COUNT`` reverse
proxies (``TRUSTED_PROXY_COUNT`` in the environment; ``BEHIND_TLS_PROXY`` alone means one), each of which appends
the address it was reached from to ``X-Forwarded-For``, it is the entry that many places from the right of that
header: what stands further left was written by the client and proves nothing. django-ipware (axes's ``[ipware]``
extra) reads the header; it counts only the proxies listed *after* the client, which is one fewer, since the
nearest proxy is ``REMOTE_ADDR`` and not in the header. It is asked not to be strict, so that a client who sends
its own ``X-Forwarded-For`` is still counted under its real address rather than under the proxy's, which would
lock everyone out.

**Why a failed sign-in always names an account and an address.** django-axes records failures in
``AccessAttempt`` with ``select_for_update().get_or_create(username, ip_address, user_agent)``. Only the unique
constraint axes puts on those three columns keeps concurrent failures from creating the same row twice: the
second insert waits for the first and fails, and ``get_or_create`` then locks and counts the row the first one
created. In SQL, NULLs are never equal, so the constraint does not hold for a row whose username or address is
NULL: a sign-in from a volunteer's link names no username, so simultaneous failed link sign-ins each inserted a
row, and every later ``get`` of that client found several and failed with a server error (and counted nothing).
Recording ``""`` for "no username" and ``0.0.0.0`` for "address unknown" keeps every row under the constraint;
nothing else about axes' handler needs to change, and it keeps its row lock and ``F()`` increment, so every
concurrent failure is counted.

**Lockout parameters.** Sign-ins with a username are locked out per account and, separately, per address. A
link sign-in has no account: all of them would share the one "no username" bucket, and five bad links from
anywhere would refuse every volunteer's link; they are counted per address only.
"""

from django.conf import settings
from ipware.ip import get_client_ip

UNKNOWN_ADDRESS = "0.0.0.0"  # "unspecified": what the lockout records for a request without an address


def client_address(request):
    """The client's address (see the module's docstring), or None if the request carries none."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.AXES_TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=("HTTP_X_FORWARDED_FOR",),
        strict=False,
    )
    # No header, or fewer entries than proxies: the request did not come through them all.
    return address or remote


def attempt_address(request):
    """``AXES_CLIENT_IP_CALLABLE``: the client's address; never None, which would escape axes' unique constraint."""
    return client_address(request) or UNKNOWN_ADDRESS


def attempt_username(request, credentials=None):
    """``AXES_USERNAME_CALLABLE``: the username a sign-in names, as axes reads it; "" when it names none."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username if username is not None else ""


def lockout_parameters(request_or_attempt, credentials=None):
    """``AXES_LOCKOUT_PARAMETERS``: per account and per address; a sign-in without a username per address only."""
    from axes.models import AccessBase  # here: the audit log imports this module while the apps still load

    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = attempt_username(request_or_attempt, credentials)
    return ["username", "ip_address"] if username else ["ip_address"]
