"""Who may open the exchange pages: the agency of the national program, and the council of the segment.

Both are read from the database with the user on every request (``councils.backends.StaffBackend``). Another
agency's program and another council's segment are 404: their existence is not revealed.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agency_exchange.models import AgencyEdit, ItineraryVersion
from councils.access import council_of
from journeys.access import agency_of
from journeys.models import Segment


def party_required(view):
    """Agency staff (``request.agency``) or council staff (``request.council``); anyone else is refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.agency, request.council = agency_of(request.user), council_of(request.user)
        if request.agency is None and request.council is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _scope(request, prefix=""):
    if request.agency is not None:
        return {f"{prefix}national_program__agency": request.agency}
    return {f"{prefix}council": request.council}


def segment_for(request, segment_id):
    segments = Segment.objects.select_related("national_program__agency", "program", "council")
    return get_object_or_404(segments, pk=segment_id, **_scope(request))


def version_for(request, version_id):
    versions = ItineraryVersion.objects.select_related("segment__national_program__agency", "segment__council")
    return get_object_or_404(versions, pk=version_id, **_scope(request, "segment__"))


def edit_for(request, edit_id):
    edits = AgencyEdit.objects.select_related("segment__national_program__agency", "segment__council", "based_on")
    return get_object_or_404(edits, pk=edit_id, **_scope(request, "segment__"))
