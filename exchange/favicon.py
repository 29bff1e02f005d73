"""``/favicon.ico``: what browsers ask for on pages that name no icon (the admin, PDFs, JSON) and by habit."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def favicon(request):
    # A temporary redirect to the static file (its name is hashed in production): a new icon reaches browsers the
    # next day, where a permanent redirect would keep the old one for ever.
    return HttpResponseRedirect(static("favicon.ico"))
