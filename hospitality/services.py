"""Home-hospitality workflows: invitations, answers, seating guests and withdrawals.

Capacity is guarded by the database: a host is counted with a conditional update of the slot's counter (which
the ``slot_never_overfilled`` check backs up), and a guest sits at one table per slot (a unique constraint).
Row locks are always taken in the same order: invitation first, then the slot's counter.
"""

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils.changes import note_change
from hospitality import emails
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation, VolunteerAvailability
from hospitality.suggestions import suggest_split, table_size
from meetings import services as item_services
from meetings.enums import ItemKind, ItemStatus
from webhooks import events as webhook_events


class HospitalityError(Exception):
    """A request the rules refuse; the message is meant for the person who asked."""


# Volunteers


def set_available_dates(*, volunteer, dates):
    """Replace the specific dates a volunteer offered."""
    with transaction.atomic():
        VolunteerAvailability.objects.filter(volunteer=volunteer).exclude(date__in=dates).delete()
        existing = set(VolunteerAvailability.objects.filter(volunteer=volunteer).values_list("date", flat=True))
        if VolunteerAvailability.objects.bulk_create(
            [VolunteerAvailability(volunteer=volunteer, date=day) for day in sorted(set(dates) - existing)]
        ):
            note_change(volunteer.council_id)


def save_volunteer(*, form):
    """Save a volunteer from the registry or household form, with their dates; their sign-in user keeps their email.

    The sign-in user's email is where password-less links and the account's own mail go, so it follows the
    volunteer's in the same transaction.
    """
    with transaction.atomic():
        volunteer = form.save()
        set_available_dates(volunteer=volunteer, dates=form.cleaned_data["available_dates"])
        sync_user_email(volunteer=volunteer)
    return volunteer


def sync_user_email(*, volunteer):
    """Give the volunteer's sign-in user (if any) the volunteer's email; call it in the transaction that saves it."""
    if volunteer.user_id is not None:
        get_user_model().objects.filter(pk=volunteer.user_id).exclude(email=volunteer.email).update(
            email=volunteer.email
        )


def ensure_user(volunteer):
    """The volunteer's sign-in account: no usable password, never staff. Created on the first invitation."""
    if volunteer.user_id is not None:
        return volunteer.user
    user = get_user_model()(username=f"volunteer-{volunteer.pk}", email=volunteer.email, is_staff=False)
    user.set_unusable_password()
    user.save()
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    return user


def revoke_links(*, volunteer):
    """Every sign-in link sent to this volunteer stops working, and their open sessions end.

    Tokens are bound to the user's password hash (``SESAME_INVALIDATE_ON_PASSWORD_CHANGE``); a new unusable
    password changes it. A later invitation or reminder carries a fresh, working link.
    """
    if volunteer.user_id is None:
        return False
    user = volunteer.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return True


# Slots


def save_slot(*, form):
    """Save a slot from its form; open invitations follow its deadline, seated dinners its time and place."""
    with transaction.atomic():
        slot = form.save()
        Invitation.objects.filter(slot=slot, status=InvitationStatus.PENDING).update(
            expires_at=slot.invitation_deadline or slot.starts_at
        )
        note_change(slot.program.council_id)
        seated = Invitation.objects.filter(slot=slot, item__isnull=False).select_related(
            "slot__program", "slot__stop", "volunteer", "item"
        )
        for invitation in seated:
            guests = [assignment.participant for assignment in invitation.assignments.select_related("participant")]
            _sync_item(invitation, guests)
    return slot


def keep_local_times(*, stop, old_time_zone):
    """The stop's time zone changed and staff kept what the clocks say: its slots (and their answer-by deadlines)
    move in UTC so that they read the same local times on the new clock; open invitations follow the deadline. The
    slots' dinners are items of the stop and move with the stop's items (``meetings.services.keep_local_times``)."""
    old_zone, new_zone = zoneinfo.ZoneInfo(old_time_zone), zoneinfo.ZoneInfo(stop.time_zone)

    def restated(value):
        return value.astimezone(old_zone).replace(tzinfo=new_zone) if value is not None else None

    with transaction.atomic():
        for slot in HospitalitySlot.objects.select_for_update().filter(stop=stop).order_by("pk"):
            slot.starts_at, slot.ends_at = restated(slot.starts_at), restated(slot.ends_at)
            slot.invitation_deadline = restated(slot.invitation_deadline)
            slot.save(update_fields=["starts_at", "ends_at", "invitation_deadline"])
            Invitation.objects.filter(slot=slot, status=InvitationStatus.PENDING).update(
                expires_at=slot.invitation_deadline or slot.starts_at
            )
        note_change(stop.program.council_id)


def cancel_slot(*, slot, now=None):
    """Staff cancel a slot: nobody can answer it any more, every volunteer still counted on is told, the guests'
    dinners are cancelled.

    1. Lock the slot's invitations (in primary-key order), then the slot: the same order as ``accept``, so an
       acceptance in flight either finishes first (and its host is told) or waits and finds the slot cancelled.
    2. Open invitations become ``cancelled``; accepted ones too, their guests are unseated and each dinner's
       itinerary item is cancelled, so visitors see it cancelled on their schedule.
    3. Each accepted host, and each volunteer who had not answered yet, gets an email in their language; the slot
       counts no host and takes no more answers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitations = list(
            Invitation.objects.select_for_update(of=("self",))
            .filter(slot_id=slot.pk)
            .select_related("slot__program__council", "slot__stop", "volunteer__council", "item")
            .order_by("pk")
        )
        slot = HospitalitySlot.objects.select_for_update(of=("self",)).select_related("program", "stop").get(pk=slot.pk)
        if slot.is_cancelled:
            raise HospitalityError(_("This slot is already cancelled."))
        if slot.starts_at <= now:
            raise HospitalityError(_("This dinner has already started."))
        slot.cancelled_at = now
        slot.accepted_hosts = 0
        slot.save(update_fields=["cancelled_at", "accepted_hosts"])
        for invitation in invitations:
            was_accepted = invitation.status == InvitationStatus.ACCEPTED
            if invitation.status not in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED):
                continue
            invitation.slot = slot
            if invitation.item_id is not None:
                _cancel_item(invitation.item)
            GuestAssignment.objects.filter(invitation=invitation).delete()
            invitation.status = InvitationStatus.CANCELLED
            invitation.item = None
            invitation.save(update_fields=["status", "item"])
            if was_accepted:
                emails.queue_cancellation(invitation)
            else:
                emails.queue_invitation_withdrawn(invitation)
    return slot


# Invitations


def invite(*, slot, volunteers):
    """Invite volunteers to a slot and email each a sign-in link. Returns the new invitations."""
    if slot.is_cancelled:
        raise HospitalityError(_("This slot is cancelled; nobody can be invited to it."))
    created = []
    with transaction.atomic():
        already = set(Invitation.objects.filter(slot=slot).values_list("volunteer_id", flat=True))
        for volunteer in volunteers:
            if volunteer.pk in already or volunteer.council_id != slot.program.council_id:
                continue
            ensure_user(volunteer)
            invitation = Invitation.objects.create(
                slot=slot, volunteer=volunteer, expires_at=slot.invitation_deadline or slot.starts_at
            )
            emails.queue_invitation(invitation)
            created.append(invitation)
    return created


def _lock_invitation(invitation_id):
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__program", "slot__program__council", "slot__stop", "volunteer")
        .get(pk=invitation_id)
    )


def _require_pending(invitation, now):
    """True if the invitation can still be answered, False if its time has passed; refuses answered ones."""
    if invitation.status == InvitationStatus.CANCELLED or invitation.slot.is_cancelled:
        raise HospitalityError(
            _("Thank you for thinking of our visitors! This dinner has been cancelled, so it needs no hosts any more.")
        )
    if invitation.status == InvitationStatus.EXPIRED:
        return False
    if invitation.status != InvitationStatus.PENDING:
        raise HospitalityError(_("This invitation has already been answered."))
    return invitation.expires_at > now


def accept(*, invitation, note="", now=None):
    """The volunteer says yes. The first acceptances fill the slot; later ones become ``filled`` (and are thanked
    by email, as the page may be closed before they read it).

    Returns the invitation in its new status: accepted, filled, or expired (the deadline had passed). Refuses an
    invitation of a cancelled slot.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_invitation(invitation.pk)
        if not _require_pending(invitation, now):
            status = InvitationStatus.EXPIRED
        else:
            # The conditional update is the gate: concurrent acceptances queue on the slot row and each
            # re-checks the counter, so at most hosts_needed of them get through.
            counted = HospitalitySlot.objects.filter(
                pk=invitation.slot_id, accepted_hosts__lt=F("hosts_needed")
            ).update(accepted_hosts=F("accepted_hosts") + 1)
            note_change(invitation.slot.program.council_id)
            status = InvitationStatus.ACCEPTED if counted else InvitationStatus.FILLED
        invitation.status = status
        invitation.note = note
        invitation.responded_at = now
        invitation.save(update_fields=["status", "note", "responded_at"])
        if status == InvitationStatus.FILLED:
            emails.queue_filled_notice(invitation)
        if status != InvitationStatus.EXPIRED:
            webhook_events.invitation_answered(invitation)
    return invitation


def decline(*, invitation, note="", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_invitation(invitation.pk)
        _require_pending(invitation, now)
        invitation.status = InvitationStatus.DECLINED
        invitation.note = note
        invitation.responded_at = now
        invitation.save(update_fields=["status", "note", "responded_at"])
        webhook_events.invitation_answered(invitation)
    return invitation


def withdraw(*, invitation, note="", now=None):
    """An accepted host withdraws: the place is freed, their guests lose the table and staff are told."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_invitation(invitation.pk)
        if invitation.status == InvitationStatus.CANCELLED:
            raise HospitalityError(_("This dinner has been cancelled; there is nothing to withdraw from."))
        if invitation.status != InvitationStatus.ACCEPTED:
            raise HospitalityError(_("Only an accepted invitation can be withdrawn."))
        if invitation.slot.starts_at <= now:
            raise HospitalityError(_("This dinner has already started."))
        HospitalitySlot.objects.filter(pk=invitation.slot_id, accepted_hosts__gt=0).update(
            accepted_hosts=F("accepted_hosts") - 1
        )
        note_change(invitation.slot.program.council_id)
        GuestAssignment.objects.filter(invitation=invitation).delete()
        if invitation.item_id is not None:
            _cancel_item(invitation.item)
        invitation.status = InvitationStatus.WITHDRAWN
        invitation.note = note
        invitation.responded_at = now
        invitation.item = None
        invitation.save(update_fields=["status", "note", "responded_at", "item"])
        emails.queue_withdrawal_notice(invitation)
    return invitation


def expire_pending(*, now=None, limit=500):
    """Mark pending invitations past their deadline as expired, a bounded batch at a time. Idempotent."""
    now = now or timezone.now()
    due = dict(
        Invitation.objects.filter(status=InvitationStatus.PENDING, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", "slot__program__council_id")[:limit]
    )
    expired = Invitation.objects.filter(pk__in=list(due), status=InvitationStatus.PENDING).update(
        status=InvitationStatus.EXPIRED
    )
    if expired:
        # The council of an invitation answered in between (so not expired) moves too: one needless page build.
        for council_id in set(due.values()):
            note_change(council_id)
    return expired


def remind(*, invitation, now=None):
    """Email a pending invitation's volunteer again (once a day at most). Returns the outbox row."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_invitation(invitation.pk)
        if invitation.status == InvitationStatus.CANCELLED:
            raise HospitalityError(_("This slot is cancelled."))
        if not _require_pending(invitation, now):
            raise HospitalityError(_("This invitation has expired."))
        ensure_user(invitation.volunteer)  # invitations made outside ``invite`` (the demo, the admin) have none
        notification = emails.queue_reminder(invitation, day=timezone.localdate(now))
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
    return notification


# Guests


def assign_guests(*, invitation, participants):
    """Seat exactly ``participants`` at this accepted host's table, and put the dinner on their schedules."""
    participants = list(participants)
    with transaction.atomic():
        invitation = _lock_invitation(invitation.pk)
        slot = invitation.slot
        if invitation.status != InvitationStatus.ACCEPTED:
            raise HospitalityError(_("Guests can only be seated with a host who accepted."))
        if any(participant.program_id != slot.program_id for participant in participants):
            raise HospitalityError(_("Only participants of this program can be guests."))
        size = table_size(slot, invitation.volunteer)
        if len(participants) > size:
            raise HospitalityError(
                _("%(household)s can seat %(count)s guests.")
                % {"household": invitation.volunteer.household_name, "count": size}
            )
        elsewhere = (
            GuestAssignment.objects.filter(slot=slot, participant__in=participants)
            .exclude(invitation=invitation)
            .select_related("participant")
        )
        if elsewhere:
            raise _already_seated([assignment.participant for assignment in elsewhere])
        GuestAssignment.objects.filter(invitation=invitation).exclude(participant__in=participants).delete()
        seated = set(GuestAssignment.objects.filter(invitation=invitation).values_list("participant_id", flat=True))
        for participant in participants:
            if participant.pk in seated:
                continue
            try:
                with transaction.atomic():
                    GuestAssignment.objects.create(slot=slot, invitation=invitation, participant=participant)
            except IntegrityError:
                # Another table took this guest in a concurrent transaction.
                raise _already_seated([participant]) from None
        _sync_item(invitation, participants)
    return invitation


def _already_seated(participants):
    names = ", ".join(participant.full_name for participant in participants)
    return HospitalityError(_("Already seated at another table of this slot: %(names)s.") % {"names": names})


def apply_suggested_split(*, slot):
    """Seat the guests who have no table yet as ``suggest_split`` proposes. Returns how many were seated."""
    hosts = list(
        Invitation.objects.filter(slot=slot, status=InvitationStatus.ACCEPTED)
        .select_related("volunteer")
        .order_by("pk")
    )
    seated = {}
    for invitation_id in GuestAssignment.objects.filter(slot=slot).values_list("invitation_id", flat=True):
        seated[invitation_id] = seated.get(invitation_id, 0) + 1
    unseated = slot.program.participants.exclude(hospitality_assignments__slot=slot).order_by("pk")
    split = suggest_split(slot, hosts=hosts, guests=list(unseated), seated=seated)
    by_pk = {host.pk: host for host in hosts}
    with transaction.atomic():
        for invitation_id, guests in split.items():
            invitation = by_pk[invitation_id]
            current = [assignment.participant for assignment in invitation.assignments.select_related("participant")]
            assign_guests(invitation=invitation, participants=current + guests)
    return sum(len(guests) for guests in split.values())


def _sync_item(invitation, participants):
    """The host's dinner as an itinerary item of exactly these guests (created, updated or removed)."""
    slot = invitation.slot
    item = invitation.item
    if not participants:
        if item is not None:
            invitation.item = None
            invitation.save(update_fields=["item"])
            item.delete()
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(meal)s with %(household)s") % {
            "meal": slot.get_meal_display(),
            "household": invitation.volunteer.household_name,
        }
    fields = {
        "program": slot.program,
        "stop": slot.stop,
        "kind": ItemKind.HOME_HOSPITALITY,
        "status": ItemStatus.CONFIRMED,
        "title": title[:200],
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "whole_group": False,
        "pickup_at": slot.starts_at if slot.meeting_point else None,
        "pickup_location": slot.meeting_point,
    }
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The dinner follows its hospitality slot and seating; conflicts show on the calendar.")
    if item is None:
        program = fields.pop("program")
        item, _found = item_services.create_item(
            program=program,
            data={**fields, "participants": participants},
            judge=False,
            not_judged_because=reason,
        )
        invitation.item = item
        invitation.save(update_fields=["item"])
    else:
        fields.pop("program")
        item_services.change_item(
            item=item, data={**fields, "participants": participants}, judge=False, not_judged_because=reason
        )


def _cancel_item(item):
    """Cancel a dinner's item through the item service: a new version (stale edit forms are refused), a new
    SEQUENCE (calendars update), history and change notices."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The hospitality slot was cancelled.")
    item_services.change_item(item=item, data={"status": ItemStatus.CANCELLED}, judge=False, not_judged_because=reason)
