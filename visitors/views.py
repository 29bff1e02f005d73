"""The visitor pages: Today, the whole program, the people, the calendar feed; the language switcher and the
service worker that keeps the last loaded pages readable offline."""

import datetime as dt
import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from exchange.page_cache import cached_page, conditional_content, page_key
from visitors.access import LANGUAGE_COOKIE, personal_link
from visitors.forms import LanguageForm
from visitors.ics import build_calendar
from visitors.queries import sees_group_view
from visitors.schedule import by_day, find_today, mark_changes, plan_day, utc_window
from visitors.scope import scope_of
from visitors.services import holder_name, record_visit

LANGUAGE_COOKIE_AGE = int(dt.timedelta(days=365).total_seconds())


def _visitor_root():
    """The path every visitor page lives under (/v/): the worker's scope and the language cookie's path."""
    return reverse("visitors:service_worker").rsplit("/", 1)[0] + "/"


def _page(request, token, page, *, scope, today, now, **context):
    holder = request.holder
    calendar_path = reverse("visitors:calendar", kwargs={"token": token})
    return {
        "holder": holder,
        "holder_name": holder_name(holder),
        "program": scope.program,
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


def _holder_key(request, token, page, scope, *parts):
    """What a visitor page is built from: the link (and the person and version it grants), the data version of
    the council (of every council of a journey), the language and the address the page's own links are made
    from."""
    holder = request.holder
    return page_key(
        f"visitor-{page}",
        token,
        holder._meta.label,
        holder.pk,
        holder.link_version,
        holder_name(holder),
        *scope.version_parts(),
        request.LANGUAGE_CODE,
        request.get_host(),
        *parts,
    )


@personal_link
def today(request, token):
    holder = request.holder
    scope = scope_of(holder)
    now = timezone.now()
    last_seen_at = record_visit(holder=holder, now=now)
    # What runs now and what comes next are read to the minute (items start and end on whole minutes); what
    # changed is marked against the previous visit.
    key = _holder_key(request, token, "today", scope, now.replace(second=0, microsecond=0), last_seen_at)

    def render_page():
        day = find_today(scope.program, scope.stops(), now=now)
        start, end = utc_window(day)
        items = scope.prepare(scope.items().filter(starts_at__gte=start, starts_at__lt=end))
        plan = plan_day(mark_changes(items, last_seen_at=last_seen_at), day, now=now)
        context = _page(
            request, token, "today", scope=scope, today=day, now=now, plan=plan, passages=scope.passages_on(day.day)
        )
        return render(request, "visitors/today.html", context)

    return cached_page(request, key, render_page)


@personal_link
def program(request, token):
    holder = request.holder
    scope = scope_of(holder)
    now = timezone.now()
    last_seen_at = record_visit(holder=holder, now=now)
    # Like Today: read to the minute, with what changed marked against the previous visit.
    key = _holder_key(request, token, "program", scope, now.replace(second=0, microsecond=0), last_seen_at)

    def render_page():
        day = find_today(scope.program, scope.stops(), now=now)
        items = mark_changes(scope.prepare(scope.items()), last_seen_at=last_seen_at)
        context = _page(request, token, "program", scope=scope, today=day, now=now, days=by_day(items))
        return render(request, "visitors/program.html", context)

    return cached_page(request, key, render_page)


@personal_link
def people(request, token):
    scope = scope_of(request.holder)
    now = timezone.now()
    stops = scope.stops()
    day = find_today(scope.program, stops, now=now)
    context = _page(request, token, "people", scope=scope, today=day, now=now, **scope.people(day, stops))
    return render(request, "visitors/people.html", context)


@personal_link
def calendar(request, token):
    """The calendar feed. Phones ask for it every hour while it rarely changes: it is kept in the cache under what
    it is built from, whose digest is also its ETag, so an unchanged feed costs a 304."""
    scope = scope_of(request.holder)
    key = _holder_key(request, token, "feed", scope)

    def build():
        schedule_url = request.build_absolute_uri(reverse("visitors:program", kwargs={"token": token}))
        return build_calendar(program=scope.program, items=scope.prepare(scope.items()), schedule_url=schedule_url)

    response = conditional_content(request, key, build, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="schedule.ics"'
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
