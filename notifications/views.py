import datetime as dt
import zoneinfo

from csp.decorators import csp
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange.dead_links import DeadLink, friendly_dead_links
from meetings.request_queries import delegation_for_host
from notifications import acknowledgements, daily_schedule, preferences, queries, services
from notifications.change_notices import language_of
from notifications.enums import AckAnswer
from notifications.forms import OutboxFilterForm, ProposalForm, SchedulePreviewForm, UnsubscribeForm
from notifications.models import Notification

# Rendered email HTML is shown inside a sandboxed iframe from this policy: no script, no network, only the
# message's own inline styles and embedded images; only our own pages may frame it.
EMAIL_HTML_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "frame-ancestors": ["'self'"],
    "sandbox": [""],
}


def _email_html_response(body_html):
    response = HttpResponse(body_html, content_type="text/html; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_required
def outbox(request):
    form = OutboxFilterForm(request.GET or None, council=request.council)
    notifications = queries.outbox_rows(request.council)
    if form.is_valid():
        notifications = form.filter(notifications)
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"form": form, "page": page})


@staff_required
def detail(request, notification_id):
    notification = get_for_council(Notification.objects.select_related("program"), request.council, pk=notification_id)
    return render(request, "notifications/detail.html", {"notification": notification})


@staff_required
@xframe_options_sameorigin
@csp(EMAIL_HTML_POLICY)
def detail_html(request, notification_id):
    notification = get_for_council(Notification.objects.only("body_html"), request.council, pk=notification_id)
    return _email_html_response(notification.body_html)


@staff_required
@require_POST
def resend(request, notification_id):
    notification = get_for_council(Notification.objects, request.council, pk=notification_id)
    with transaction.atomic():
        queued = services.resend(notification)
        if queued:
            record(
                request=request,
                action="resend message",
                obj=notification,
                details={"kind": notification.kind, "recipient_type": notification.recipient_type},
            )
    if queued:
        messages.success(request, _("The message is queued again."))
    else:
        messages.error(request, _("Only a failed message can be sent again."))
    return redirect("notifications:detail", notification_id=notification.pk)


def _tomorrow(council):
    return timezone.now().astimezone(zoneinfo.ZoneInfo(council.time_zone)).date() + dt.timedelta(days=1)


@staff_required
def preview(request):
    """What a participant's daily schedule for a day (tomorrow by default) will say; nothing is queued."""
    data = request.GET if "participant" in request.GET else None
    form = SchedulePreviewForm(data, initial={"day": _tomorrow(request.council)}, council=request.council)
    message = None
    if form.is_valid():
        message = daily_schedule.preview(form.cleaned_data["participant"], form.cleaned_data["day"])
    return render(request, "notifications/preview.html", {"form": form, "preview": message})


@staff_required
@xframe_options_sameorigin
@csp(EMAIL_HTML_POLICY)
def preview_html(request):
    form = SchedulePreviewForm(request.GET, council=request.council)
    if not form.is_valid():
        raise Http404
    message = daily_schedule.preview(form.cleaned_data["participant"], form.cleaned_data["day"])
    return _email_html_response(message["body_html"])


# The token is the authority here, not a session: mail clients post the one-click unsubscribe (RFC 8058) without
# a CSRF token, and a forged post could only do what the token's holder may do anyway.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@friendly_dead_links
def unsubscribe(request, token):
    person = preferences.resolve_unsubscribe_token(token)
    if person is None:
        raise DeadLink
    form = UnsubscribeForm(request.POST if request.method == "POST" else None)
    with translation.override(person.preferred_language):
        if request.method == "POST" and form.is_valid():
            preferences.opt_out(person)
        return render(request, "notifications/unsubscribe.html", {"person": person, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def acknowledge(request, token):
    """A host's page from the link in a change notice or calendar invitation; no account, the token names what the
    host was told. It speaks the host's language and shows times on the clock of the item's city.

    Opening it records nothing (mail scanners open links): "still fine" and a proposal are posted. A link to an
    older version of the item says it has changed since and shows the current details.
    """
    resolved = acknowledgements.resolve_token(token)
    if resolved is None:
        return render(request, "notifications/acknowledge_invalid.html", status=404)
    acknowledgement, host = resolved
    item = acknowledgement.item
    with translation.override(language_of(host.preferred_language)), timezone.override(item.stop.time_zone):
        return _acknowledge(request, acknowledgement, host)


def _acknowledge(request, acknowledgement, host):
    item = acknowledgement.item
    current = acknowledgements.is_current(acknowledgement)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ProposalForm(request.POST if action == "propose" else None, item=item)
    if current and action == "fine":
        try:
            acknowledgement = acknowledgements.still_fine(acknowledgement)
        except acknowledgements.Outdated:
            current = False
    elif current and action == "propose" and form.is_valid():
        try:
            acknowledgement = acknowledgements.propose(
                acknowledgement,
                host=host,
                starts_at=form.cleaned_data["proposed_starts_at"],
                ends_at=form.cleaned_data["proposed_ends_at"],
                note=form.cleaned_data["note"],
            )
        except acknowledgements.Outdated:
            current = False
        else:
            form = ProposalForm(item=item)
    if not current:
        item.refresh_from_db()
    context = {
        "item": item,
        "program": item.program,
        "host_name": acknowledgements.host_name(host),
        "acknowledgement": acknowledgement,
        "current": current,
        "still_fine": acknowledgement.answer == AckAnswer.STILL_FINE,
        "proposed": acknowledgement.answer == AckAnswer.OTHER_TIME,
        "form": form,
        "delegation": delegation_for_host(item) if current else None,
    }
    return render(request, "notifications/acknowledge.html", context)
