"""A dead link (forged, revoked, replaced or expired) shows the project's own "not found" page, in the language of
the person it was sent to, also under DEBUG.

Under DEBUG, Django answers an ``Http404`` that reaches it with its technical page, which lists every URL pattern
of the project: not what a visitor who opens an old link from their phone should see while the demo runs with
``make run``. The views behind personal, volunteer and host links raise ``DeadLink`` instead, and
``friendly_dead_links`` renders ``404.html`` for it in the view itself, whatever DEBUG says.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation


class DeadLink(Http404):
    """The link in the URL grants nothing (any more). ``language``: the one to answer in, when it is known."""

    def __init__(self, language=None):
        super().__init__("This link is not valid any more.")
        self.language = language


def dead_link_response(request, language=None):
    """The project's 404 page, with status 404, in ``language`` (else the browser's, else the site's)."""
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language_from_request(request)
    with translation.override(language):
        response = render(request, "404.html", status=404)
    response.headers["Content-Language"] = language
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def friendly_dead_links(view):
    """Answer a ``DeadLink`` raised by ``view`` with the friendly page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DeadLink as dead:
            return dead_link_response(request, dead.language)

    return wrapper
