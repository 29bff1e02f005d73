"""The visitor pages: Today, the whole program, the people, the calendar feed; the language switcher and the
service worker that keeps the last loaded pages readable offline."""

import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_POST

from visitors.access import LANGUAGE_COOKIE, personal_link
from visitors.forms import LanguageForm
from visitors.ics import FEED_FIELDS, build_calendar, feed_fingerprint
from visitors.queries import (
    group_participants,
    group_staff,
    schedule_items,
    schedule_values,
    sees_group_view,
    stops_of,
)
from visitors.schedule import by_day, find_today, mark_changes, plan_day, utc_window
from visitors.services import holder_name, record_visit

LANGUAGE_COOKIE_AGE = int(dt.timedelta(days=365).total_seconds())
# Phones poll a subscribed feed every hour; a feed nobody asked for in a day leaves the cache.
FEED_CACHE_SECONDS = int(dt.timedelta(days=1).total_seconds())


def _visitor_root():
    """The path every visitor page lives under (/v/): the worker's scope and the language cookie's path."""
    return reverse("visitors:service_worker").rsplit("/", 1)[0] + "/"


def _page(request, token, page, *, today, now, **context):
    holder = request.holder
    calendar_path = reverse("visitors:calendar", kwargs={"token": token})
    return {
        "holder": holder,
        "holder_name": holder_name(holder),
        "program": holder.program,
        "token": token,
        "page": page,
        "group_view": sees_group_view(holder),
        "today": today,
        "now": now,
        "language_form": LanguageForm(initial={"language": request.LANGUAGE_CODE, "page": page}),
        "calendar_path": calendar_path,
        # webcal:// asks the phone to subscribe (and follow changes) rather than import a copy once.
        "calendar_subscription": "webcal://" + request.build_absolute_uri(calendar_path).split("://", 1)[1],
        **context,
    }


@personal_link
def today(request, token):
    holder = request.holder
    now = timezone.now()
    day = find_today(holder.program, stops_of(holder.program), now=now)
    start, end = utc_window(day)
    items = list(schedule_items(holder).filter(starts_at__gte=start, starts_at__lt=end))
    mark_changes(items, last_seen_at=record_visit(holder=holder, now=now))
    plan = plan_day(items, day, now=now)
    return render(request, "visitors/today.html", _page(request, token, "today", today=day, now=now, plan=plan))


@personal_link
def program(request, token):
    holder = request.holder
    now = timezone.now()
    day = find_today(holder.program, stops_of(holder.program), now=now)
    items = list(schedule_items(holder))
    mark_changes(items, last_seen_at=record_visit(holder=holder, now=now))
    context = _page(request, token, "program", today=day, now=now, days=by_day(items))
    return render(request, "visitors/program.html", context)


@personal_link
def people(request, token):
    holder = request.holder
    now = timezone.now()
    day = find_today(holder.program, stops_of(holder.program), now=now)
    context = _page(
        request,
        token,
        "people",
        today=day,
        now=now,
        participants=group_participants(holder.program),
        program_staff=group_staff(holder.program),
    )
    return render(request, "visitors/people.html", context)


@personal_link
def calendar(request, token):
    """The calendar feed. Building it is costly and phones ask for it every hour while it rarely changes, so it is
    kept in the cache under a digest of everything it is built from (read in two narrow queries), which is also its
    ETag: a change to an item, its place, host or contacts gives a new digest, hence a new feed, at once."""
    holder = request.holder
    schedule_url = request.build_absolute_uri(reverse("visitors:program", kwargs={"token": token}))
    rows, contacts = schedule_values(holder, FEED_FIELDS)
    digest = feed_fingerprint(
        program=holder.program, rows=rows, contacts=contacts, schedule_url=schedule_url, language=request.LANGUAGE_CODE
    )
    etag = f'"{digest}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    key = f"visitor-feed:{digest}"
    body = cache.get(key)
    if body is None:
        body = build_calendar(program=holder.program, items=schedule_items(holder), schedule_url=schedule_url)
        cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response.headers["ETag"] = etag
    return response


@require_POST
@personal_link
def language(request, token):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect("visitors:today", token=token)
    response = redirect(f"visitors:{form.cleaned_data['page']}", token=token)
    response.set_cookie(
        LANGUAGE_COOKIE,
        form.cleaned_data["language"],
        max_age=LANGUAGE_COOKIE_AGE,
        path=_visitor_root(),
        samesite="Lax",
        httponly=True,
    )
    return response


def service_worker(request):
    """The worker script, served under /v/ so that its scope covers every visitor page."""
    assets = [static("visitors/visitors.css"), static("visitors/visitors.js")]
    # A new cache whenever the assets change (hashed names in production), so old copies are dropped.
    cache_version = hashlib.sha256("|".join(assets).encode()).hexdigest()[:12]
    context = {"cache_version": cache_version, "assets_json": json.dumps(assets)}
    script = render_to_string("visitors/sw.js", context, request=request)
    response = HttpResponse(script, content_type="text/javascript")
    response.headers["Service-Worker-Allowed"] = _visitor_root()
    response.headers["Cache-Control"] = "no-cache"
    return response
