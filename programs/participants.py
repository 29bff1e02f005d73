"""Staff keep a program's delegation: add, edit and remove participants.

A participant is more than a row: they sit on the schedules of the items that name them, may hold flights, hotel
bookings and seats at home-hospitality dinners, have a personal link and may have messages waiting in the outbox.
Removing one therefore goes through ``remove_participant``: records that must outlive them (a relation declared
``PROTECT`` or ``RESTRICT``, however deep in the cascade) refuse the removal; otherwise their flights, hotel bookings
and dinner seats go with them, each item that named them records in its history that they no longer attend, and
their queued messages are cancelled.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import router, transaction
from django.db.models import Count
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import translation
from django.utils.translation import gettext as _

from meetings import services as item_services
from meetings.models import ItineraryItem
from notifications.enums import NotificationState, RecipientType
from notifications.models import Notification
from programs.models import Participant

# Outbox rows not sent yet that would still go out to a removed participant.
UNSENT = (NotificationState.QUEUED, NotificationState.FAILED)


class ParticipantIsProtected(Exception):
    """Records that must stay refer to the participant. ``blockers`` lists them as ``Blocker`` rows."""

    def __init__(self, blockers):
        super().__init__("participant is protected")
        self.blockers = blockers


@dataclass(frozen=True)
class Blocker:
    """Records of one kind that keep a participant from being removed."""

    kind: str  # the model's verbose name (plural), translated
    count: int
    examples: tuple  # up to three of them, as text


@dataclass
class Removal:
    """What removing a participant would take with it, and what (if anything) stops it."""

    participant: Participant
    items: list = field(default_factory=list)  # items that name them, with ``attendee_count``
    whole_group_items: int = 0
    flights: int = 0
    hotel_bookings: int = 0
    dinner_seats: int = 0
    unsent_messages: int = 0
    blockers: list = field(default_factory=list)

    @property
    def allowed(self):
        return not self.blockers


def _blockers(objects):
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    return [
        Blocker(
            kind=str(model._meta.verbose_name_plural),
            count=len(rows),
            examples=tuple(sorted(str(row) for row in rows)[:3]),
        )
        for model, rows in sorted(by_model.items(), key=lambda pair: pair[0]._meta.label)
    ]


def blockers_of(participant):
    """The records that must stay and would be lost with the participant (empty when removal is allowed)."""
    collector = Collector(using=router.db_for_write(Participant, instance=participant), origin=participant)
    try:
        collector.collect([participant])
    except ProtectedError as error:
        return _blockers(error.protected_objects)
    except RestrictedError as error:
        return _blockers(error.restricted_objects)
    return []


def _named_items(participant):
    """The items whose attendee list names the participant, with how many attend each (them included)."""
    return list(
        ItineraryItem.objects.filter(participants=participant)
        .select_related("stop")
        .annotate(attendee_count=Count("participants", distinct=True))
        .order_by("starts_at", "pk")
    )


def _unsent_messages(participant):
    return Notification.objects.filter(
        recipient_type=RecipientType.PARTICIPANT, recipient_id=participant.pk, state__in=UNSENT
    )


def removal_of(participant):
    """What the confirmation page shows before a participant is removed."""
    return Removal(
        participant=participant,
        items=_named_items(participant),
        whole_group_items=ItineraryItem.objects.filter(program_id=participant.program_id, whole_group=True).count(),
        flights=participant.flights.count(),
        hotel_bookings=participant.hotel_bookings.count(),
        dinner_seats=participant.hospitality_assignments.count(),
        unsent_messages=_unsent_messages(participant).count(),
        blockers=blockers_of(participant),
    )


def save_participant(*, program, form):
    """Save a valid ``ParticipantForm`` as a participant of ``program`` (a new one or changes to one)."""
    with transaction.atomic():
        participant = form.save(commit=False)
        participant.program = program
        participant.save()
    return participant


def remove_participant(*, participant, user=None):
    """Remove the participant from the delegation, or raise ``ParticipantIsProtected`` and change nothing.

    A locked copy is deleted: ``participant`` itself keeps its id, for the audit event. Returns a summary for the
    audit log: the items that named them, and how many flights, hotel bookings, dinner seats and unsent messages
    went with them. Raises ``Participant.DoesNotExist`` if someone removed them meanwhile.
    """
    with transaction.atomic():
        # Lock the participant first: a concurrent edit or removal waits for this one.
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        blockers = blockers_of(locked)
        if blockers:
            raise ParticipantIsProtected(blockers)
        summary = {
            "items": [],
            "flights": locked.flights.count(),
            "hotel_bookings": locked.hotel_bookings.count(),
            "dinner_seats": locked.hospitality_assignments.count(),
            "cancelled_messages": 0,
        }
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("%(name)s was removed from the delegation.") % {"name": locked.full_name}
        for item in ItineraryItem.objects.filter(participants=locked).order_by("pk"):
            # Through the item service, as an edit of the item: its history says who no longer attends, those it
            # concerns are told, and a form opened before this one merges with it.
            attendees = [p for p in item.participants.all() if p.pk != locked.pk]
            item_services.change_item(
                item=item, data={"participants": attendees}, actor=user, judge=False, not_judged_because=reason
            )
            summary["items"].append(item.pk)
        summary["cancelled_messages"] = _unsent_messages(locked).update(state=NotificationState.CANCELLED)
        try:
            # Cascades: item attendance, flights, hotel bookings, dinner seats. The deletion (a signal) moves the
            # council's data version, so no cached page shows them after the commit.
            locked.delete()
        except (ProtectedError, RestrictedError) as error:  # a protecting row written since the check
            objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
            raise ParticipantIsProtected(_blockers(objects)) from error
    return summary
