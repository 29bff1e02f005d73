"""Who is asking on the volunteer portal: a user signed in from a volunteer's link, and only that volunteer."""

from functools import wraps

from django.shortcuts import render
from django.utils import translation

from hospitality.models import Volunteer


def volunteer_of(user):
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("council").filter(user=user, active=True).first()


def volunteer_required(view):
    """The view gets ``request.volunteer``; anyone else is asked to use the link from their email."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        volunteer = volunteer_of(request.user)
        if volunteer is None:
            return render(request, "hospitality/portal/signed_out.html", status=403)
        request.volunteer = volunteer
        # The portal speaks the volunteer's language, whatever the browser says.
        with translation.override(volunteer.preferred_language):
            request.LANGUAGE_CODE = volunteer.preferred_language
            return view(request, *args, **kwargs)

    return wrapper
