"""Who is asking on the visitor pages: the holder of a valid personal link, and nobody else."""

from functools import wraps

from django.conf import settings
from django.utils import translation
from django.views.decorators.cache import never_cache

from exchange.dead_links import DeadLink, friendly_dead_links
from journeys.visitor_journey import resolve_traveller_token, traveller_language_named_by
from programs.links import language_named_by, resolve_token

# The language a visitor picked with the switcher; otherwise the holder's preferred language is used.
LANGUAGE_COOKIE = "visitor_language"


def chosen_language(request):
    code = request.COOKIES.get(LANGUAGE_COOKIE, "")
    return code if code in dict(settings.LANGUAGES) else None


def personal_link(view):
    """The view gets ``request.holder`` (a participant, program staff member or traveller) and runs in the
    holder's language; a forged, stale, revoked or expired link gets the friendly 404 page (also under DEBUG), in
    the language the visitor chose or the one of the person the link was made for. Responses are private and
    never stored by the browser's HTTP cache (the service worker keeps its own copy for offline reading)."""

    @never_cache
    @wraps(view)
    @friendly_dead_links
    def wrapper(request, token, *args, **kwargs):
        # A participant's or program staff member's link, or a traveller's (their journey across councils).
        holder = resolve_token(token) or resolve_traveller_token(token)
        if holder is None:
            named = language_named_by(token) or traveller_language_named_by(token)
            raise DeadLink(language=chosen_language(request) or named)
        request.holder = holder
        language = chosen_language(request) or holder.preferred_language
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, token, *args, **kwargs)
        response.headers["Content-Language"] = language
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper
