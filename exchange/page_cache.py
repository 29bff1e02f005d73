"""Costly content kept in the cache under the council's data version (``councils.changes``).

Only content is kept, never a decision about who may see it: every request first reads who is asking from the
database (the staff member with their council, or the link holder with their program and council), and that same
read gives the council's data version. A key names everything the content is built from: the version, the person
asking and whatever else the content depends on (the language, the day, the minute...). A copy is therefore never
served after a change, and nothing has to be read to tell whether it is still right. ``PAGE_CACHE_SECONDS`` bounds
how long an unread copy stays.

Content built inside a transaction that has not committed is never kept: it may show writes that are rolled back,
under a version that a later change will take again.
"""

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import get_conditional_response


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def _uncommitted():
    """Whether this request is inside a transaction of its own (the test suite's wrapping one does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def page_key(name, *parts):
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"page:{name}:{digest}"


def etag_of(key):
    """A strong validator for what is kept under ``key``: the key names everything the content is built from."""
    return f'"{key.rsplit(":", 1)[1][:32]}"'


def kept(key, build, *, timeout):
    """``build()`` (anything picklable), kept under ``key`` for ``timeout`` seconds."""
    content = cache.get(key)
    if content is None:
        content = build()
        if not _uncommitted():
            cache.set(key, content, timeout=timeout)
    return content


def cached_content(key, build):
    """``build()`` (bytes or text), kept under ``key`` while the page cache is on."""
    return kept(key, build, timeout=settings.PAGE_CACHE_SECONDS) if enabled() else build()


def conditional_content(request, key, build, *, content_type):
    """A response with ``build()`` kept under ``key`` and an ETag naming it; a browser or calendar that already
    holds this version gets 304 Not Modified, and nothing is built or read from the cache."""
    etag = etag_of(key)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(cached_content(key, build), content_type=content_type)
    response.headers["ETag"] = etag
    return response


def cached_page(request, key, render):
    """The response of ``render()``, an HTML page with the site's chrome, kept under ``key`` plus the browser's
    CSRF secret (the page's forms carry a token made from it).

    Rendered afresh, and not kept, when the browser has no CSRF cookie yet (the response sets one), when the view
    changed that cookie, or when messages wait to be shown (rendering shows them once)."""
    secret = request.META.get("CSRF_COOKIE")
    if not enabled() or not secret or len(get_messages(request)):
        return render()
    key = f"{key}:{hashlib.sha256(secret.encode()).hexdigest()[:16]}"
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        return HttpResponse(content, content_type=content_type)
    response = render()
    if (
        response.status_code == 200
        and not response.streaming
        and request.META.get("CSRF_COOKIE") == secret
        and not _uncommitted()
    ):
        cache.set(key, (response.content, response["Content-Type"]), timeout=settings.PAGE_CACHE_SECONDS)
    return response
