"""Who is asking: every staff view gets its council (and its objects) through these helpers."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def council_of(user):
    """The council a signed-in user works for, or None."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.council if membership else None


def staff_required(view):
    """Only signed-in staff of a council; the view gets ``request.council``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        council = council_of(request.user)
        if council is None:
            raise PermissionDenied
        request.council = council
        return view(request, *args, **kwargs)

    return wrapper


def council_admin_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.membership.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_for_council(queryset, council, council_lookup="council", **lookup):
    """The object if it belongs to ``council``; 404 otherwise (never 403: its existence is not revealed)."""
    return get_object_or_404(queryset, **{council_lookup: council}, **lookup)
