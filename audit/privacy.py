"""Personal data on request: export everything held about a participant, a volunteer or a host contact, or erase
them.

Erasure removes the person from every page and from future notifications while the itinerary stays consistent:
items stay, the person is no longer among their attendees; a volunteer's future dinners are cancelled and their
places given back to the slot. A host contact's row stays (the meeting requests sent to them refer to it), emptied
of everything that identifies them.
"""

import json

from django.db import transaction
from django.db.models import F, Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django_countries.fields import Country
from phonenumber_field.phonenumber import PhoneNumber

from councils.changes import note_change
from exchange import phones
from hospitality.enums import InvitationStatus
from hospitality.models import HospitalitySlot
from lifecycle.enums import RespondentType
from lifecycle.models import Feedback
from meetings import services as item_services
from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem, MeetingRequest
from notifications.enums import NotificationState, RecipientType
from notifications.models import Acknowledgement, Notification

ERASED_EMAIL = "erased@example.invalid"
ERASED_TEXT = "[erased on request]"


def _plain(instance, exclude=()):
    data = model_to_dict(instance, exclude=exclude)
    return {key: _plain_value(value) for key, value in data.items()}


def _plain_value(value):
    """A field's value as JSON: dates in ISO 8601, a country as its ISO code, a phone number in E.164."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Country):
        return value.code
    if isinstance(value, PhoneNumber):
        return value.as_e164 if phones.is_dialable(value) else str(value)
    return value


def _messages(recipient_type, recipient_id):
    rows = Notification.objects.filter(recipient_type=recipient_type, recipient_id=recipient_id).order_by("created_at")
    return [
        {
            "kind": n.kind,
            "subject": n.subject,
            "state": n.state,
            "queued": n.created_at.isoformat(),
            "sent": n.sent_at.isoformat() if n.sent_at else None,
        }
        for n in rows
    ]


def export_participant(participant):
    from meetings.queries import items_for_participant

    return {
        "participant": _plain(participant, exclude=["link_version"]),
        "program": participant.program.title,
        "items": [
            {
                "title": item.title,
                "starts_at": item.starts_at.isoformat(),
                "ends_at": item.ends_at.isoformat(),
                "status": item.status,
            }
            for item in items_for_participant(participant)
        ],
        "flights": [_plain(f, exclude=["participant"]) for f in participant.flights.all()],
        "hotel_bookings": [
            {"stop": str(b.stop), "confirmation_number": b.confirmation_number}
            for b in participant.hotel_bookings.select_related("stop")
        ],
        "hospitality": [
            str(a.invitation.volunteer)
            for a in participant.hospitality_assignments.select_related("invitation__volunteer")
        ],
        "messages": _messages(RecipientType.PARTICIPANT, participant.pk),
    }


def export_volunteer(volunteer):
    return {
        "volunteer": _plain(volunteer, exclude=["user"]),
        "available_dates": [a.date.isoformat() for a in volunteer.available_dates.all()],
        "invitations": [
            {
                "slot": inv.slot.starts_at.isoformat(),
                "program": inv.slot.program.title,
                "status": inv.status,
                "note": inv.note,
            }
            for inv in volunteer.invitations.select_related("slot__program")
        ],
        "messages": _messages(RecipientType.VOLUNTEER, volunteer.pk),
    }


def export_contact(contact):
    items = ItineraryItem.objects.filter(Q(contacts=contact) | Q(requests__contact=contact)).distinct()
    return {
        "contact": _plain(contact),
        "organization": contact.organization.name,
        "items": [
            {"title": item.title, "starts_at": item.starts_at.isoformat(), "status": item.status}
            for item in items.order_by("starts_at", "pk")
        ],
        "meeting_requests": [
            {
                "item": meeting_request.item.title,
                "sent": meeting_request.created_at.isoformat(),
                "status": meeting_request.status,
                "note": meeting_request.response_note,
            }
            for meeting_request in MeetingRequest.objects.filter(contact=contact).select_related("item").order_by("pk")
        ],
        "feedback": [
            {"program": feedback.program.title, "rating": feedback.rating, "comments": feedback.comments}
            for feedback in Feedback.objects.filter(
                respondent_type=RespondentType.CONTACT, respondent_id=contact.pk
            ).select_related("program")
        ],
        "messages": _messages(RecipientType.CONTACT, contact.pk),
    }


def _scrub_messages(recipient_type, recipient_id):
    rows = Notification.objects.filter(recipient_type=recipient_type, recipient_id=recipient_id)
    rows.filter(state__in=[NotificationState.QUEUED, NotificationState.FAILED]).update(
        state=NotificationState.CANCELLED
    )
    rows.update(
        recipient_name=ERASED_TEXT, recipient_email=ERASED_EMAIL, body_text=ERASED_TEXT, body_html="", attachments=[]
    )


def _scrub_history(item, names):
    """Replace ``names`` wherever the item's history recorded them."""
    for change in ItemChange.objects.filter(item=item):
        text = json.dumps(change.changes, ensure_ascii=False)
        scrubbed = text
        for name in names:
            scrubbed = scrubbed.replace(json.dumps(name, ensure_ascii=False)[1:-1], ERASED_TEXT)
        if scrubbed != text:
            change.changes = json.loads(scrubbed)
            change.save(update_fields=["changes"])


@transaction.atomic
def erase_participant(*, participant):
    """Delete the participant and everything that names them; their items stay for the rest of the group."""
    _scrub_messages(RecipientType.PARTICIPANT, participant.pk)
    # Cascades: item attendance, hotel bookings, flights, guest assignments. The deletion (a signal, not a bulk
    # write) moves the council's data version, so no cached page shows them after the commit.
    participant.delete()


@transaction.atomic
def erase_volunteer(*, volunteer):
    """Delete the volunteer. Future dinners they accepted are cancelled and their places given back."""
    now = timezone.now()
    accepted = volunteer.invitations.filter(status=InvitationStatus.ACCEPTED).select_related("slot", "item")
    names = [name for name in (volunteer.household_name, volunteer.contact_name) if name]
    for invitation in accepted.order_by("slot_id"):
        if invitation.slot.starts_at > now:
            HospitalitySlot.objects.filter(pk=invitation.slot_id, accepted_hosts__gt=0).update(
                accepted_hosts=F("accepted_hosts") - 1
            )
            note_change(volunteer.council_id)
        if invitation.item:
            # Through the item service: a future dinner is cancelled (its guests are told), and the title that
            # named the household is replaced; then the history is cleared of the names.
            data = {"title": "Home hospitality dinner"}
            if invitation.slot.starts_at > now:
                data["status"] = ItemStatus.CANCELLED
            item_services.change_item(
                item=invitation.item, data=data, judge=False, not_judged_because="Volunteer's personal data erased."
            )
            _scrub_history(invitation.item, names)
    Acknowledgement.objects.filter(recipient_type=RecipientType.VOLUNTEER, recipient_id=volunteer.pk).delete()
    _scrub_messages(RecipientType.VOLUNTEER, volunteer.pk)
    user = volunteer.user
    volunteer.delete()  # cascades: invitations, guest assignments, availability
    if user is not None:
        user.delete()


@transaction.atomic
def erase_contact(*, contact):
    """Empty the contact of everything that identifies them; they stay, as erased and inactive, on the items and
    requests that refer to them, and are no longer offered for new items nor sent anything."""
    names = [contact.name] if contact.name else []
    for item in ItineraryItem.objects.filter(Q(contacts=contact) | Q(requests__contact=contact)).distinct():
        _scrub_history(item, names)
    MeetingRequest.objects.filter(contact=contact).update(response_note="")
    Feedback.objects.filter(respondent_type=RespondentType.CONTACT, respondent_id=contact.pk).update(
        respondent_name=ERASED_TEXT, comments=""
    )
    Acknowledgement.objects.filter(recipient_type=RecipientType.CONTACT, recipient_id=contact.pk).delete()
    _scrub_messages(RecipientType.CONTACT, contact.pk)
    contact.name = ERASED_TEXT
    contact.title = contact.email = contact.phone = contact.notes = ""
    contact.active = False
    contact.save()  # a signal, not a bulk write: the council's data version moves
