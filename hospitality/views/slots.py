"""Staff pages of a program's hospitality: the board, slots, suggestions, invitations and seating."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.forms import AssignGuestsForm, InviteForm, SlotForm
from hospitality.models import HospitalitySlot, Invitation
from hospitality.queries import invitations_of_slot, slots_for_board
from hospitality.suggestions import suggest_split, suggest_volunteers
from programs.models import Program

_SLOTS = HospitalitySlot.objects.select_related("program", "program__council", "stop")
_INVITATIONS = Invitation.objects.select_related("slot", "slot__program", "volunteer")


def _get_invitation(request, invitation_id):
    return get_for_council(_INVITATIONS, request.council, council_lookup="slot__program__council", pk=invitation_id)


def _get_slot(request, slot_id):
    return get_for_council(_SLOTS, request.council, council_lookup="program__council", pk=slot_id)


@staff_required
def index(request):
    programs = (
        Program.objects.filter(council=request.council)
        .filter(Q(has_home_hospitality=True) | Q(hospitality_slots__isnull=False))
        .annotate(slot_count=Count("hospitality_slots", distinct=True))
        .order_by("-arrival_date", "title")
    )
    return render(request, "hospitality/index.html", {"programs": programs})


@staff_required
def board(request, program_id):
    program = get_for_council(Program.objects, request.council, pk=program_id)
    return render(request, "hospitality/board.html", {"program": program, "slots": slots_for_board(program)})


@staff_required
def slot_create(request, program_id):
    program = get_for_council(Program.objects, request.council, pk=program_id)
    form = SlotForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            slot = services.save_slot(form=form)
            record(request=request, action="create hospitality slot", obj=slot, details={"program": program.pk})
        return redirect("hospitality:slot", slot_id=slot.pk)
    return render(request, "hospitality/slot_form.html", {"form": form, "program": program})


@staff_required
def slot_edit(request, slot_id):
    slot = _get_slot(request, slot_id)
    if slot.is_cancelled:
        messages.info(request, _("This slot is cancelled."))
        return redirect("hospitality:slot", slot_id=slot.pk)
    form = SlotForm(request.POST or None, program=slot.program, instance=slot)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.save_slot(form=form)
                record(
                    request=request,
                    action="edit hospitality slot",
                    obj=slot,
                    details={"program": slot.program_id, "fields": form.changed_data},
                )
        except IntegrityError:
            # A volunteer accepted between the form's check and the save: the counter constraint refused it.
            form.add_error("hosts_needed", _("More hosts have accepted meanwhile; reload and try again."))
        else:
            messages.success(request, _("Saved."))
            return redirect("hospitality:slot", slot_id=slot.pk)
    return render(request, "hospitality/slot_form.html", {"form": form, "program": slot.program, "slot": slot})


def _slot_page_context(slot, *, invite_form=None):
    guests = list(slot.program.participants.order_by("first_name", "last_name"))
    suggestions = suggest_volunteers(slot, guests)
    invite_form = invite_form or InviteForm(slot=slot)
    invitations = list(invitations_of_slot(slot))
    hosts = [invitation for invitation in invitations if invitation.status == InvitationStatus.ACCEPTED]
    seated = {}
    for host in hosts:
        seated[host.pk] = len(host.assignments.all())
    seated_ids = {assignment.participant_id for host in hosts for assignment in host.assignments.all()}
    unseated = [guest for guest in guests if guest.pk not in seated_ids]
    by_pk = {host.pk: host for host in hosts}
    split = suggest_split(slot, hosts=hosts, guests=unseated, seated=seated)
    assign_forms = [
        (
            host,
            AssignGuestsForm(
                prefix=f"host-{host.pk}",
                participants=guests,
                initial={"guests": [a.participant_id for a in host.assignments.all()]},
            ),
        )
        for host in hosts
    ]
    return {
        "slot": slot,
        "program": slot.program,
        "guests": guests,
        "unseated": unseated,
        "invitations": invitations,
        "assign_forms": assign_forms,
        "split": [(by_pk[pk], seated_guests) for pk, seated_guests in split.items()],
        "suggestions": suggestions,
        # Staff may still invite someone the suggestions leave out (not vetted yet, not usually free that day).
        "others": invite_form.fields["volunteers"].queryset.exclude(pk__in=[s.volunteer.pk for s in suggestions]),
        "invite_form": invite_form,
    }


@staff_required
def slot_detail(request, slot_id):
    slot = _get_slot(request, slot_id)
    return render(request, "hospitality/slot.html", _slot_page_context(slot))


@staff_required
@require_POST
def invite(request, slot_id):
    slot = _get_slot(request, slot_id)
    form = InviteForm(request.POST, slot=slot)
    if not form.is_valid():
        return render(request, "hospitality/slot.html", _slot_page_context(slot, invite_form=form), status=400)
    try:
        with transaction.atomic():
            invited = services.invite(slot=slot, volunteers=form.cleaned_data["volunteers"])
            record(
                request=request,
                action="invite volunteers",
                obj=slot,
                details={"program": slot.program_id, "volunteers": [i.volunteer_id for i in invited]},
            )
    except services.HospitalityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s volunteers invited.") % {"count": len(invited)})
    return redirect("hospitality:slot", slot_id=slot.pk)


@staff_required
def slot_cancel(request, slot_id):
    """A confirmation page (what cancelling will do); its POST cancels the slot."""
    slot = _get_slot(request, slot_id)
    if slot.is_cancelled:
        messages.info(request, _("This slot is already cancelled."))
        return redirect("hospitality:slot", slot_id=slot.pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.cancel_slot(slot=slot)
                record(
                    request=request, action="cancel hospitality slot", obj=slot, details={"program": slot.program_id}
                )
        except services.HospitalityError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The slot is cancelled; its hosts and the volunteers still invited are being told by email.")
            )
        return redirect("hospitality:slot", slot_id=slot.pk)
    invitations = list(invitations_of_slot(slot))
    return render(
        request,
        "hospitality/slot_cancel.html",
        {
            "slot": slot,
            "program": slot.program,
            "hosts": [i for i in invitations if i.status == InvitationStatus.ACCEPTED],
            "pending_count": sum(1 for i in invitations if i.status == InvitationStatus.PENDING),
        },
    )


@staff_required
@require_POST
def assign(request, invitation_id):
    invitation = get_for_council(
        _INVITATIONS, request.council, council_lookup="slot__program__council", pk=invitation_id
    )
    participants = invitation.slot.program.participants.order_by("first_name", "last_name")
    form = AssignGuestsForm(request.POST, prefix=f"host-{invitation.pk}", participants=participants)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.assign_guests(invitation=invitation, participants=form.cleaned_data["guests"])
                record(
                    request=request,
                    action="seat guests",
                    obj=invitation,
                    details={
                        "slot": invitation.slot_id,
                        "volunteer": invitation.volunteer_id,
                        "guests": [p.pk for p in form.cleaned_data["guests"]],
                    },
                )
        except services.HospitalityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Guests of %(household)s saved.") % {"household": invitation.volunteer})
    else:
        messages.error(request, _("Choose guests of this program."))
    return redirect("hospitality:slot", slot_id=invitation.slot_id)


@staff_required
@require_POST
def assign_suggested(request, slot_id):
    slot = _get_slot(request, slot_id)
    try:
        with transaction.atomic():
            count = services.apply_suggested_split(slot=slot)
            record(request=request, action="seat guests as suggested", obj=slot, details={"seated": count})
    except services.HospitalityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s guests seated as suggested.") % {"count": count})
    return redirect("hospitality:slot", slot_id=slot.pk)


@staff_required
@require_POST
def remind(request, invitation_id):
    invitation = get_for_council(
        _INVITATIONS, request.council, council_lookup="slot__program__council", pk=invitation_id
    )
    try:
        with transaction.atomic():
            services.remind(invitation=invitation)
            record(
                request=request,
                action="remind volunteer",
                obj=invitation,
                details={"slot": invitation.slot_id, "volunteer": invitation.volunteer_id},
            )
    except services.HospitalityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reminder queued for %(household)s.") % {"household": invitation.volunteer})
    return redirect("hospitality:board", program_id=invitation.slot.program_id)
