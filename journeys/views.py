"""A council's pages of a journey: the invitation to answer, and the journey with the other cities read-only."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import staff_required
from journeys import services
from journeys.access import national_program_for_council, segment_for_council
from journeys.enums import SegmentState
from journeys.forms import DeclineForm, HandOverForm, SegmentStateForm
from journeys.models import HandOver, Segment
from journeys.queries import journey as journey_of
from journeys.sharing import shared_segment


@staff_required
def journey(request, national_program_id):
    national_program = national_program_for_council(request.council, national_program_id)
    seen = journey_of(national_program, council=request.council)
    hand_over_form = None
    if seen.own is not None and seen.following is not None and seen.own.program_id:
        hand_over_form = HandOverForm(instance=seen.own_note or HandOver(from_segment=seen.own))
    context = {
        "journey": seen,
        "national_program": national_program,
        "hand_over_form": hand_over_form,
        "state_form": SegmentStateForm(initial={"state": seen.own.state}) if seen.own else None,
    }
    return render(request, "journeys/journey.html", context)


@staff_required
def answer(request, segment_id):
    """GET: the agency's request (the route, the city asked of us); POST: accept or decline it."""
    segment = segment_for_council(request.council, segment_id)
    decline_form = DeclineForm(request.POST if request.POST.get("answer") == "decline" else None)
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                answered = services.accept_segment(
                    segment_id=segment.pk, council=request.council, user=request.user, request=request
                )
                messages.success(
                    request, _("You accepted %(city)s: its program is ready to build.") % {"city": segment.city}
                )
                return redirect("programs:program", program_id=answered.program_id)
            if decline_form.is_valid():
                services.decline_segment(
                    segment_id=segment.pk,
                    council=request.council,
                    user=request.user,
                    reason=decline_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(
                    request, _("You declined %(city)s; the agency is told on its page.") % {"city": segment.city}
                )
                return redirect("programs:home")
        except services.SegmentNotOpen:
            messages.error(request, _("This invitation was already answered."))
            return redirect("journeys:answer", segment_id=segment.pk)
    route = Segment.objects.filter(national_program=segment.national_program).select_related("council", "program")
    context = {
        "segment": segment,
        "national_program": segment.national_program,
        "route": [shared_segment(s, items=[]) for s in route.order_by("order")],
        "traveller_count": segment.national_program.travellers.count(),
        "decline_form": decline_form,
    }
    return render(request, "journeys/answer.html", context)


@require_POST
@staff_required
def hand_over(request, segment_id):
    """The note to the next council, from the council of ``segment_id`` (its own segment only)."""
    segment = segment_for_council(request.council, segment_id)
    if segment.program_id is None or services.next_segment(segment) is None:
        raise Http404
    note = HandOver.objects.filter(from_segment=segment).first() or HandOver(from_segment=segment)
    form = HandOverForm(request.POST, instance=note)
    if form.is_valid():
        try:
            services.save_hand_over(
                segment=segment,
                form=form,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                request=request,
            )
        except services.StaleEdit:
            messages.error(
                request,
                _("Someone sent a newer note meanwhile; nothing was overwritten. Read it and write yours again."),
            )
        else:
            messages.success(request, _("The hand-over note is sent."))
        return redirect("journeys:journey", national_program_id=segment.national_program_id)
    national_program = segment.national_program
    seen = journey_of(national_program, council=request.council)
    context = {
        "journey": seen,
        "national_program": national_program,
        "hand_over_form": form,
        "state_form": SegmentStateForm(initial={"state": segment.state}),
    }
    return render(request, "journeys/journey.html", context, status=400)


@require_POST
@staff_required
def hand_over_read(request, segment_id):
    """The council of ``segment_id`` has read the note of the city before it."""
    segment = segment_for_council(request.council, segment_id)
    previous = (
        Segment.objects.filter(national_program_id=segment.national_program_id, order__lt=segment.order)
        .order_by("-order")
        .first()
    )
    note = (
        HandOver.objects.filter(from_segment=previous, sent_at__isnull=False).select_related("receiving_task").first()
    )
    if note is None or note.receiving_task is None or note.receiving_task.program_id != segment.program_id:
        messages.info(request, _("No hand-over note waits for us to read."))
    else:
        with transaction.atomic():
            services.mark_hand_over_read(hand_over=note, user=request.user)
            record(request=request, action="read hand-over note", obj=note, details={"segment": segment.pk})
        messages.success(request, _("Marked as read."))
    return redirect("journeys:journey", national_program_id=segment.national_program_id)


@require_POST
@staff_required
def segment_state(request, segment_id):
    segment = segment_for_council(request.council, segment_id)
    form = SegmentStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where the segment stands."))
        return redirect("journeys:journey", national_program_id=segment.national_program_id)
    try:
        with transaction.atomic():
            services.set_segment_state(segment=segment, state=SegmentState(form.cleaned_data["state"]))
            record(request=request, action="set segment state", obj=segment, details={"state": segment.state})
    except services.SegmentNotOpen:
        messages.error(request, _("Accept the invitation first."))
    else:
        messages.success(
            request, _("The agency sees the segment as “%(state)s”.") % {"state": segment.get_state_display()}
        )
    return redirect("journeys:journey", national_program_id=segment.national_program_id)
