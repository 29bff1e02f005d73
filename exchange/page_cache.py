"""Costly pages kept in the cache under the council's data version (``councils.changes``).

A key names everything a page is built from: the council's data version (which moves after every committed change
to the council's data), the person asking and whatever else the page depends on (the language, the day, the
minute...). A page is therefore never served after a change, and nothing has to be read to tell whether it is
still right. ``PAGE_CACHE_SECONDS`` bounds how long an unread copy stays.
"""

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse


def _store():
    return caches["pages"]


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def page_key(name, *parts):
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"page:{name}:{digest}"


def cached_content(key, build):
    """``build()`` (bytes or text), kept under ``key``."""
    if not enabled():
        return build()
    content = _store().get(key)
    if content is None:
        content = build()
        _store().set(key, content, timeout=settings.PAGE_CACHE_SECONDS)
    return content


def cached_page(request, key, render):
    """The response of ``render()``, an HTML page with the site's chrome, kept under ``key`` plus the browser's
    CSRF secret (the page's forms carry a token made from it).

    Rendered afresh, and not kept, when the browser has no CSRF cookie yet (the response sets one), when the view
    changed that cookie, or when messages wait to be shown (rendering shows them once)."""
    secret = request.META.get("CSRF_COOKIE")
    if not enabled() or not secret or len(get_messages(request)):
        return render()
    key = f"{key}:{hashlib.sha256(secret.encode()).hexdigest()[:16]}"
    stored = _store().get(key)
    if stored is not None:
        content, content_type = stored
        return HttpResponse(content, content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.streaming and request.META.get("CSRF_COOKIE") == secret:
        _store().set(key, (response.content, response["Content-Type"]), timeout=settings.PAGE_CACHE_SECONDS)
    return response
