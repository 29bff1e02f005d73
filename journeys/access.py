"""Who is asking, on the agency's pages and on a council's journey pages.

Agency staff have an agency membership and no council membership: ``councils.access.staff_required`` refuses them
on every council page, and ``agency_required`` refuses council staff here. Both memberships are read with the user
in one query (``councils.backends.StaffBackend``).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from journeys.enums import BUILT_STATES
from journeys.models import NationalProgram, Segment


def agency_of(user):
    """The agency a signed-in user works for, or None."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "agency_membership", None)
    return membership.agency if membership else None


def agency_required(view):
    """Only signed-in agency staff; the view gets ``request.agency``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agency = agency_of(request.user)
        if agency is None:
            raise PermissionDenied
        request.agency = agency
        return view(request, *args, **kwargs)

    return wrapper


def national_program_for_agency(agency, national_program_id):
    """The agency's own national program; 404 for another agency's."""
    return get_object_or_404(NationalProgram.objects.select_related("agency"), agency=agency, pk=national_program_id)


def national_program_for_council(council, national_program_id):
    """A national program the council builds a segment of; 404 for any other. A council only invited sees the route
    on its invitation (without the itineraries), one that declined sees nothing more of it."""
    building = NationalProgram.objects.filter(segments__council=council, segments__state__in=BUILT_STATES)
    return get_object_or_404(building.select_related("agency").distinct(), pk=national_program_id)


def segment_for_council(council, segment_id, *, for_update=False):
    """The council's own segment; 404 for another council's (its existence is not revealed)."""
    segments = Segment.objects.select_related("national_program__agency", "program", "council")
    if for_update:
        segments = segments.select_for_update(of=("self",))
    return get_object_or_404(segments, council=council, pk=segment_id)


def agency_staff_to_their_home(view):
    """The council dashboard sends agency staff to theirs (where signing in lands everyone); every other council
    page refuses them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if agency_of(request.user) is not None:
            return redirect("agency:home")
        return view(request, *args, **kwargs)

    return wrapper
