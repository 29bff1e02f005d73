from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from meetings import requests
from meetings.models import ItineraryItem, MeetingRequest
from meetings.request_forms import AcceptProposalForm, AnswerForm, MeetingRequestForm, default_deadline
from meetings.request_queries import delegation_for_host, items_with_requests
from meetings.services import ConflictsNeedOverride
from programs.models import Program


@staff_required
def request_list(request, program_id):
    program = get_for_council(Program.objects, request.council, pk=program_id)
    items = items_with_requests(program)
    return render(request, "meetings/requests/list.html", {"program": program, "items": items})


@staff_required
def new(request, item_id):
    item = get_for_council(
        ItineraryItem.objects.select_related("program", "stop"), request.council, "program__council", pk=item_id
    )
    initial = {"deadline": default_deadline(item), "contact": item.contacts.exclude(email="").first()}
    form = MeetingRequestForm(request.POST or None, item=item, initial=initial)
    if form.is_valid():
        try:
            with transaction.atomic():
                meeting_request = requests.send_request(
                    item=item,
                    contact=form.cleaned_data["contact"],
                    deadline=form.cleaned_data["deadline"],
                    message=form.cleaned_data["message"],
                    user=request.user,
                )
                record(
                    request=request,
                    action="send meeting request",
                    obj=meeting_request,
                    details={"item": item.pk, "contact": meeting_request.contact_id},
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The request is on its way to %(name)s.") % {"name": form.cleaned_data["contact"].name}
            )
            return redirect("meeting_requests:list", program_id=item.program_id)
    with timezone.override(item.stop.time_zone):
        return render(request, "meetings/requests/new.html", {"item": item, "program": item.program, "form": form})


def _staff_request(request, request_id):
    return get_for_council(
        MeetingRequest.objects.select_related("item__stop", "contact"),
        request.council,
        "item__program__council",
        pk=request_id,
    )


@staff_required
@require_POST
def accept_proposal(request, request_id):
    """One click from the list; when the proposed time conflicts, staff see why and may accept with a reason."""
    meeting_request = _staff_request(request, request_id)
    form = AcceptProposalForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                requests.accept_proposal(
                    meeting_request=meeting_request,
                    user=request.user,
                    override_reason=form.cleaned_data["override_reason"],
                )
                record(
                    request=request,
                    action="accept proposed time",
                    obj=meeting_request,
                    details={"item": meeting_request.item_id, "contact": meeting_request.contact_id},
                )
        except requests.RequestClosed:
            messages.error(request, _("This request has no open proposal any more."))
        except ConflictsNeedOverride as error:
            item = meeting_request.item
            context = {"meeting_request": meeting_request, "item": item, "conflicts": error.conflicts, "form": form}
            with timezone.override(item.stop.time_zone):
                return render(request, "meetings/requests/accept_proposal.html", context)
        else:
            messages.success(request, _("The item moved to the proposed time and is confirmed."))
    return redirect("meeting_requests:list", program_id=meeting_request.item.program_id)


@staff_required
@require_POST
def withdraw(request, request_id):
    meeting_request = _staff_request(request, request_id)
    try:
        with transaction.atomic():
            requests.withdraw_request(meeting_request=meeting_request, user=request.user)
            record(
                request=request,
                action="withdraw meeting request",
                obj=meeting_request,
                details={"item": meeting_request.item_id, "contact": meeting_request.contact_id},
            )
    except requests.RequestClosed:
        messages.error(request, _("This request is already closed."))
    else:
        messages.success(request, _("The request is withdrawn; its link no longer works."))
    return redirect("meeting_requests:list", program_id=meeting_request.item.program_id)


@never_cache
def respond(request, token):
    """The host contact's page, reached from the emailed link; no account, the token grants this one request.

    It speaks the contact's preferred language, like the email that brought them here.
    """
    meeting_request = requests.resolve_token(token)
    if meeting_request is None:
        return render(request, "meetings/requests/link_invalid.html", status=404)
    with translation.override(meeting_request.contact.preferred_language):
        return _respond(request, meeting_request)


def _respond(request, meeting_request):
    item = meeting_request.item
    form = AnswerForm(request.POST or None, meeting_request=meeting_request)
    if form.is_valid():
        try:
            meeting_request = requests.answer_request(
                meeting_request=meeting_request,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                proposed_starts_at=form.cleaned_data["proposed_starts_at"],
                proposed_ends_at=form.cleaned_data["proposed_ends_at"],
            )
        except requests.RequestClosed:
            return render(request, "meetings/requests/link_invalid.html", status=404)
        with timezone.override(item.stop.time_zone):
            return render(request, "meetings/requests/thanks.html", {"meeting_request": meeting_request, "item": item})
    context = {
        "meeting_request": meeting_request,
        "item": item,
        "program": item.program,
        "delegation": delegation_for_host(item),
        "form": form,
    }
    with timezone.override(item.stop.time_zone):
        return render(request, "meetings/requests/respond.html", context)
