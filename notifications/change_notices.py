"""Change notices: when a confirmed item moves, changes in place or people, or is cancelled, everyone it concerns
hears — once, in their language.

The item service calls ``note_item_change`` inside the transaction that saves the item, with a snapshot of the
item taken before the change (``snapshot_item``: its visitor-facing fields and who it involves).

1. The first edit of a confirmed item (or the edit that confirms it) opens a merge window: a ``PendingChange``
   keeps the item's state before that edit. Later edits inside the window leave it as it is.
2. Once the window has passed (``NOTIFICATION_CHANGE_WINDOW_MINUTES``), ``flush_due`` compares that original
   state with the item as it is now. Equal (the edit was undone): nothing is sent. Otherwise each person
   concerned gets one notice, in their language (``concerned``): the attending participants, the program staff,
   the item's host contacts, its interpreter, its transport vendor and, for a home-hospitality dinner, the
   volunteer hosting it. A person who qualifies twice (the interpreter is program staff) hears once: people are
   told apart by email address.
   - Someone still concerned hears what changed that matters to them, old → new, times in the stop's zone.
   - Someone added (a new host contact, a participant put on the item) hears of it as new; someone removed hears
     they are no longer expected.
   - A cancellation reaches everyone who was concerned.
   - An item that became confirmed sends its hosts (contacts, volunteer) the calendar invitation; visitors see it
     on their schedule.
   Host contacts and volunteers get a calendar invitation attached (``notifications.ics``: REQUEST, or CANCEL when
   it is off for them) and a link to say it is still fine or propose another time (``acknowledgements``). When a
   reminder (``reminders``) already told them the old time or place, the notice says it corrects it.
3. The pending change is deleted in the transaction that queues the notices, so a retried flush sends nothing twice.

``who_will_be_told`` lists, for the item form, who a change to a confirmed item would reach.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _

from directory.models import Contact, HostOrganization, Venue
from hospitality.enums import InvitationStatus
from hospitality.models import Invitation
from logistics.models import TransportVendor
from meetings.enums import ItemKind, ItemStatus
from notifications import acknowledgements, ics, reminders
from notifications.enums import ItemRole as Role
from notifications.enums import NotificationKind, NotificationState, RecipientType
from notifications.models import Notification, PendingChange
from notifications.services import queue_email
from programs.links import personal_link_url
from programs.models import Participant, ProgramStaffMember, Stop
from visitors.labels import ITEM_KINDS

TEMPLATE = "notifications/email/change_notice"

VISITOR_FIELDS = (
    "title",
    "status",
    "starts_at",
    "ends_at",
    "stop_id",
    "venue_id",
    "pickup_at",
    "pickup_location",
    "dress_code",
    "what_to_bring",
    "visitor_notes",
)
# What else a calendar event of the item shows (``notifications.ics.CALENDAR_FIELDS``).
DESCRIBED_FIELDS = ("kind", "host_organization_id")
# Who the item involves, kept in the snapshot so that the people taken off an item can be told.
PEOPLE_FIELDS = ("whole_group", "participant_ids", "contact_ids", "interpreter_id", "transport_vendor_id")
# What is compared when a window closes; ``attendee_ids`` is worked out from ``whole_group`` and ``participant_ids``.
COMPARED_FIELDS = (
    *VISITOR_FIELDS,
    *DESCRIBED_FIELDS,
    "contact_ids",
    "interpreter_id",
    "transport_vendor_id",
    "attendee_ids",
)
# What a participant hears about (their own schedule and calendar show these); the others hear of every change.
PARTICIPANT_FIELDS = (*VISITOR_FIELDS, *DESCRIBED_FIELDS, "contact_ids", "interpreter_id")
# A change to these makes a reminder already sent wrong.
_WHEN_AND_WHERE = {"starts_at", "ends_at", "stop_id", "venue_id", "pickup_at", "pickup_location"}

FIELD_LABELS = {
    "title": _("Title"),
    "status": _("Status"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "stop_id": _("City"),
    "venue_id": _("Place"),
    "pickup_at": _("Pick-up time"),
    "pickup_location": _("Pick-up place"),
    "dress_code": _("Dress code"),
    "what_to_bring": _("What to bring"),
    "visitor_notes": _("Notes"),
    "kind": _("Kind"),
    "host_organization_id": _("Host organization"),
    "contact_ids": _("Host contacts"),
    "interpreter_id": _("Interpreter"),
    "transport_vendor_id": _("Transport"),
    "attendee_ids": _("Visitors attending"),
}
_TIME_FIELDS = {"starts_at", "ends_at", "pickup_at"}


class Mode:
    """What a notice tells its reader."""

    CHANGED = "changed"
    CANCELLED = "cancelled"
    ADDED = "added"
    REMOVED = "removed"
    CONFIRMED = "confirmed"


HOST_ROLES = {Role.CONTACT, Role.VOLUNTEER}


# Snapshots


def snapshot_item(item):
    """The state of an item to compare before and after a change: its visitor-facing fields and who it involves.

    Take it before the change is applied (the many-to-many fields are read from the database).
    """
    snapshot = {field: getattr(item, field) for field in (*VISITOR_FIELDS, *DESCRIBED_FIELDS)}
    snapshot["whole_group"] = item.whole_group
    snapshot["interpreter_id"] = item.interpreter_id
    snapshot["transport_vendor_id"] = item.transport_vendor_id
    if item.pk is None:
        snapshot["contact_ids"], snapshot["participant_ids"] = [], []
    else:
        snapshot["contact_ids"] = sorted(contact.pk for contact in item.contacts.all())
        snapshot["participant_ids"] = sorted(participant.pk for participant in item.participants.all())
    return snapshot


def _stored(snapshot):
    """A snapshot as JSON values; instants in UTC, so that the same moment always compares equal."""
    return {
        field: value.astimezone(dt.UTC).isoformat() if isinstance(value, dt.datetime) else value
        for field, value in snapshot.items()
    }


def note_item_change(*, item, before, actor=None):
    """Record that ``item`` changed from ``before`` (``snapshot_item``; None for an item just created); notices are
    queued, merged per window, by this module.

    An item that was confirmed when its window opened concerns everyone; one that becomes confirmed concerns its
    hosts (they are sent the calendar invitation). The first snapshot of a window is kept, later ones are ignored.
    """
    before = _stored(before) if before is not None else {"status": None}
    confirming = before.get("status") != ItemStatus.CONFIRMED and item.status == ItemStatus.CONFIRMED
    if before.get("status") != ItemStatus.CONFIRMED and not confirming:
        return PendingChange.objects.filter(item_id=item.pk).first()
    pending, _created = PendingChange.objects.get_or_create(
        item_id=item.pk,
        defaults={"before": before, "actor": actor if getattr(actor, "is_authenticated", False) else None},
    )
    return pending


# Comparing


def _attendee_ids(item, state):
    if state.get("whole_group", True):
        return sorted(item.program.participants.values_list("pk", flat=True))
    return sorted(state.get("participant_ids") or [])


def _comparable(item, state):
    """``state`` with ``attendee_ids`` worked out. Thanking a host after the program changes nothing anyone needs
    to hear: thanked compares as confirmed."""
    values = {**state, "attendee_ids": _attendee_ids(item, state)}
    if values.get("status") == ItemStatus.THANKED:
        values["status"] = ItemStatus.CONFIRMED
    return values


def changed_fields(before, after):
    return [field for field in COMPARED_FIELDS if field in after and before.get(field) != after.get(field)]


# Who an item concerns


@dataclass
class Person:
    """One person to tell, however many roles they have on the item (told apart by email address)."""

    recipient_type: str
    obj: object
    roles: list = field(default_factory=list)

    @property
    def email(self):
        return self.obj.email

    @property
    def name(self):
        if self.recipient_type == RecipientType.PARTICIPANT:
            return self.obj.full_name
        if self.recipient_type == RecipientType.VOLUNTEER:
            return self.obj.contact_name
        if self.recipient_type == RecipientType.TRANSPORT_VENDOR:
            return self.obj.contact_name or self.obj.name
        return self.obj.name

    @property
    def greeting(self):
        return self.obj.first_name if self.recipient_type == RecipientType.PARTICIPANT else self.name

    @property
    def language(self):
        """The person's language; a transport vendor has none on record and is written to in the site's."""
        return language_of(getattr(self.obj, "preferred_language", None))

    @property
    def is_host(self):
        return bool(HOST_ROLES & set(self.roles))

    @property
    def role_label(self):
        return Role(self.roles[0]).label

    @property
    def has_personal_link(self):
        return self.recipient_type in (RecipientType.PARTICIPANT, RecipientType.PROGRAM_STAFF)


def language_of(code):
    """One of the site's languages: ``code`` itself, its base language (``es`` for ``es-MX``), or the site's."""
    languages = dict(settings.LANGUAGES)
    code = (code or "").lower()
    if code in languages:
        return code
    if code.split("-", 1)[0] in languages:
        return code.split("-", 1)[0]
    return settings.LANGUAGE_CODE


def _volunteer_host(item):
    if item.kind != ItemKind.HOME_HOSPITALITY or item.pk is None:
        return None
    invitation = (
        Invitation.objects.filter(item_id=item.pk, status=InvitationStatus.ACCEPTED).select_related("volunteer").first()
    )
    return invitation.volunteer if invitation else None


def concerned(item, state=None):
    """The people ``item`` concerns, by email address (lower case), in the order they are listed: host contacts,
    the volunteer hosting a dinner, the interpreter, the transport vendor, program staff, participants.

    ``state`` (a stored snapshot) names who the item involved then; by default, who it involves now. Only people
    with an email address are listed: nobody else can be told.
    """
    program = item.program
    if state is None:
        state = _stored(snapshot_item(item))
    contacts = Contact.objects.filter(pk__in=state.get("contact_ids") or []).order_by("name", "pk")
    interpreter = ProgramStaffMember.objects.filter(pk=state.get("interpreter_id"), program_id=program.pk).first()
    vendor = TransportVendor.objects.filter(pk=state.get("transport_vendor_id")).first()
    if state.get("whole_group", True):
        participants = program.participants.all()
    else:
        participants = Participant.objects.filter(program_id=program.pk, pk__in=state.get("participant_ids") or [])
    candidates = [(RecipientType.CONTACT, Role.CONTACT, contact) for contact in contacts]
    volunteer = _volunteer_host(item)
    if volunteer is not None:
        candidates.append((RecipientType.VOLUNTEER, Role.VOLUNTEER, volunteer))
    if interpreter is not None:
        candidates.append((RecipientType.PROGRAM_STAFF, Role.INTERPRETER, interpreter))
    if vendor is not None:
        candidates.append((RecipientType.TRANSPORT_VENDOR, Role.VENDOR, vendor))
    candidates += [
        (RecipientType.PROGRAM_STAFF, Role.PROGRAM_STAFF, member) for member in program.program_staff.order_by("pk")
    ]
    candidates += [
        (RecipientType.PARTICIPANT, Role.PARTICIPANT, person) for person in participants.order_by("last_name", "pk")
    ]
    people = {}
    for recipient_type, role, obj in candidates:
        email = (obj.email or "").strip().lower()
        if not email:
            continue
        person = people.setdefault(email, Person(recipient_type, obj))
        if role not in person.roles:
            person.roles.append(role)
    return people


def recipients(item):
    """[(recipient type, person)] of everyone a change to ``item`` reaches, each once."""
    return [(person.recipient_type, person.obj) for person in concerned(item).values()]


def who_will_be_told(item):
    """[(role label, name)] of the people a change to this confirmed item would reach, each once, in the active
    language; empty when the item is not confirmed (nobody is told of changes to it)."""
    if item.status != ItemStatus.CONFIRMED:
        return []
    return [(str(person.role_label), person.name) for person in concerned(item).values()]


# Describing


def _display(field, value, *, stops, venues, names):
    """One field's value as a reader reads it, in the active language; times in the stop's zone, labelled."""
    if field == "attendee_ids":
        return str(len(value or []))
    if value in (None, "", []):
        return "—"
    if field in _TIME_FIELDS:
        moment, zone = value
        return dateformat.format(dt.datetime.fromisoformat(moment).astimezone(zone), "D j M, H:i T")
    if field == "status":
        return str(ItemStatus(value).label)
    if field == "kind":
        return str(ITEM_KINDS.get(value, value))
    if field == "host_organization_id":
        return names["organizations"].get(value, "—")
    if field == "stop_id":
        return stops[value].city if value in stops else "—"
    if field == "venue_id":
        venue = venues.get(value)
        if venue is None:
            return "—"
        return venue.name + (f", {venue.address}" if venue.address else "")
    if field == "contact_ids":
        return ", ".join(names["contacts"].get(pk, "—") for pk in value)
    if field == "interpreter_id":
        return names["interpreters"].get(value, "—")
    if field == "transport_vendor_id":
        return names["vendors"].get(value, "—")
    return str(value)


class Describer:
    """Renders changes and an item's when and where, in any language, loading what they name once."""

    def __init__(self, before, after):
        self.before, self.after = before, after
        snapshots = (before, after)
        self.stops = Stop.objects.in_bulk([pk for pk in {s.get("stop_id") for s in snapshots} if pk])
        self.venues = Venue.objects.in_bulk([pk for pk in {s.get("venue_id") for s in snapshots} if pk])
        contact_ids = {pk for s in snapshots for pk in (s.get("contact_ids") or [])}
        self.names = {
            "contacts": dict(Contact.objects.filter(pk__in=contact_ids).values_list("pk", "name")),
            "interpreters": dict(
                ProgramStaffMember.objects.filter(
                    pk__in=[s.get("interpreter_id") for s in snapshots if s.get("interpreter_id")]
                ).values_list("pk", "name")
            ),
            "organizations": dict(
                HostOrganization.objects.filter(
                    pk__in=[s.get("host_organization_id") for s in snapshots if s.get("host_organization_id")]
                ).values_list("pk", "name")
            ),
            "vendors": dict(
                TransportVendor.objects.filter(
                    pk__in=[s.get("transport_vendor_id") for s in snapshots if s.get("transport_vendor_id")]
                ).values_list("pk", "name")
            ),
        }
        self._cache = {}

    def _zone(self, snapshot):
        stop = self.stops.get(snapshot.get("stop_id"))
        return zoneinfo.ZoneInfo(stop.time_zone if stop else settings.DEFAULT_LOCAL_TIME_ZONE)

    def _value(self, snapshot, field):
        raw = snapshot.get(field)
        if field in _TIME_FIELDS and raw:
            return raw, self._zone(snapshot)
        return raw

    def _show(self, snapshot, field):
        return _display(field, self._value(snapshot, field), stops=self.stops, venues=self.venues, names=self.names)

    def changes(self, fields, *, language):
        """[(label, old, new)] for ``fields``, rendered in ``language``."""
        key = (tuple(fields), language)
        if key not in self._cache:
            with translation.override(language):
                self._cache[key] = [
                    (str(FIELD_LABELS[field]), self._show(self.before, field), self._show(self.after, field))
                    for field in fields
                ]
        return self._cache[key]

    def details(self, snapshot, *, language):
        """{"title", "when", "where"} of the item as ``snapshot`` has it, in ``language``."""
        with translation.override(language):
            zone = self._zone(snapshot)
            starts = dt.datetime.fromisoformat(snapshot["starts_at"]).astimezone(zone)
            ends = dt.datetime.fromisoformat(snapshot["ends_at"]).astimezone(zone)
            end_format = "H:i T" if starts.date() == ends.date() else "D j M, H:i T"
            when = f"{dateformat.format(starts, 'D j M, H:i')}–{dateformat.format(ends, end_format)}"
            where = self._show(snapshot, "venue_id")
            stop = self.stops.get(snapshot.get("stop_id"))
            if stop is not None:
                where = f"{where} ({stop.city})" if where != "—" else stop.city
            return {"title": snapshot.get("title") or "", "when": when, "where": where}


def describe(before, after, *, language):
    """[(label, old, new)] for every changed field, rendered in ``language``."""
    return Describer(before, after).changes(changed_fields(before, after), language=language)


# Flushing


def flush_due(*, now=None, limit=200):
    """Turn pending changes whose window has passed into notices; returns how many notices were queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.NOTIFICATION_CHANGE_WINDOW_MINUTES)
    ids = list(PendingChange.objects.filter(first_at__lte=cutoff).values_list("pk", flat=True)[:limit])
    return sum(_flush(pk, now=now) for pk in ids)


def _flush(pending_id, *, now):
    with transaction.atomic():
        pending = (
            PendingChange.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "item__program__council", "item__stop", "item__venue", "item__interpreter", "item__transport_vendor"
            )
            .filter(pk=pending_id)
            .first()
        )
        if pending is None:  # another worker has it, or it is done
            return 0
        item = pending.item
        after = _stored(snapshot_item(item))
        # What the snapshot lacks (an item just created; a window opened before people were kept) is as it is now.
        before = {**after, **pending.before}
        describer = Describer(_comparable(item, before), _comparable(item, after))
        queued = sum(
            _queue(item, pending, before, after, describer, person=person, mode=mode, fields=fields, now=now)
            for person, mode, fields in plan(item, before, after)
        )
        pending.delete()
        return queued


def plan(item, before, after):
    """[(person, mode, changed fields)]: who hears what of the change from ``before`` to ``after`` (stored
    snapshots); empty when nothing anyone needs to hear changed."""
    before_values, after_values = _comparable(item, before), _comparable(item, after)
    if before.get("status") != ItemStatus.CONFIRMED:
        # The window was opened by the change that confirmed the item: its hosts get the calendar invitation.
        if after.get("status") != ItemStatus.CONFIRMED:
            return []
        return [(person, Mode.CONFIRMED, []) for person in concerned(item, after).values() if person.is_host]
    fields = changed_fields(before_values, after_values)
    if not fields:
        return []
    was = concerned(item, before_values)
    if after.get("status") == ItemStatus.CANCELLED:
        return [(person, Mode.CANCELLED, fields) for person in was.values()]
    now = concerned(item, after_values)
    planned = []
    for email, person in now.items():
        if email not in was:
            planned.append((person, Mode.ADDED, fields))
            continue
        if person.roles == [Role.PARTICIPANT]:
            relevant = [name for name in fields if name in PARTICIPANT_FIELDS]
        elif len(before_values["attendee_ids"]) == len(after_values["attendee_ids"]):
            # Hosts, staff and drivers are told how many visitors come, not who (those moved hear it themselves).
            relevant = [name for name in fields if name != "attendee_ids"]
        else:
            relevant = fields
        if relevant:
            planned.append((person, Mode.CHANGED, relevant))
    planned += [(person, Mode.REMOVED, []) for email, person in was.items() if email not in now]
    return planned


def _reminders_of(item, person):
    """The host or volunteer reminders of ``item`` written for ``person``, whatever time they gave."""
    if person.recipient_type == RecipientType.CONTACT:
        prefix = reminders.host_reminder_prefix(item.pk, person.obj.pk)
    elif person.recipient_type == RecipientType.VOLUNTEER:
        invitation = Invitation.objects.filter(item_id=item.pk, volunteer_id=person.obj.pk).first()
        if invitation is None:
            return Notification.objects.none()
        prefix = reminders.volunteer_reminder_prefix(invitation.pk)
    else:
        return Notification.objects.none()
    return Notification.objects.filter(dedupe_key__startswith=prefix)


def _corrects_a_reminder(item, person, mode, fields):
    """Whether this notice corrects a reminder the person already got; a reminder still waiting with the old
    time or place is cancelled (it would say what is no longer true)."""
    if not person.is_host or mode not in (Mode.CHANGED, Mode.CANCELLED, Mode.REMOVED):
        return False
    if mode == Mode.CHANGED and not _WHEN_AND_WHERE & set(fields):
        return False
    rows = _reminders_of(item, person)
    rows.filter(state=NotificationState.QUEUED).update(state=NotificationState.CANCELLED)
    return rows.filter(state__in=(NotificationState.SENT, NotificationState.SENDING)).exists()


def _queue(item, pending, before, after, describer, *, person, mode, fields, now):
    language = person.language
    correction = _corrects_a_reminder(item, person, mode, fields)
    called_off = mode in (Mode.CANCELLED, Mode.REMOVED) or ics.is_called_off(item)
    attachments, ack_url = [], ""
    if person.is_host:
        if not called_off:
            told = acknowledgements.told(
                item, recipient_type=person.recipient_type, recipient_id=person.obj.pk, now=now
            )
            ack_url = acknowledgements.acknowledge_url(told)
        with translation.override(language):
            description = ics.host_description(item, group_size=len(_comparable(item, after)["attendee_ids"]))
        attachments.append(
            ics.invitation_attachment(
                item,
                name=person.name,
                email=person.obj.email,
                method=ics.CANCEL if called_off else ics.REQUEST,
                description=description,
                url=ack_url or None,
                now=now,
            )
        )
    shown = before if mode == Mode.REMOVED else after
    context = {
        "greeting_name": person.greeting,
        "mode": mode,
        "cancelled": mode == Mode.CANCELLED,
        "correction": correction,
        "original_title": before.get("title") or item.title,
        "title": item.title,
        "changes": describer.changes(fields, language=language) if mode in (Mode.CHANGED, Mode.CANCELLED) else [],
        "details": describer.details(shown, language=language) if mode != Mode.CHANGED else None,
        "calendar": bool(attachments),
        "ack_url": ack_url,
        "personal_link": personal_link_url(person.obj) if person.has_personal_link else "",
        "council": item.program.council,
    }
    if correction:
        key = reminders.correction_prefix(item.pk, person.recipient_type, person.obj.pk, item.starts_at)
        key += str(pending.pk)
    else:
        key = f"change:{item.pk}:{pending.pk}:{person.recipient_type}:{person.obj.pk}"
    queue_email(
        council=item.program.council,
        program=item.program,
        kind=NotificationKind.CALENDAR_INVITATION if mode == Mode.CONFIRMED else NotificationKind.CHANGE_NOTICE,
        recipient_type=person.recipient_type,
        recipient_id=person.obj.pk,
        recipient_name=person.name,
        recipient_email=person.obj.email,
        template=TEMPLATE,
        context=context,
        dedupe_key=key,
        language=language,
        attachments=attachments,
    )
    return 1
