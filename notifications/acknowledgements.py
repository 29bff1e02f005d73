"""Hosts say "still fine" (or propose another time) from the link in a change notice or calendar invitation.

A host contact or volunteer who is sent an item's details is *told* of its current calendar version (its
``sequence``): an ``Acknowledgement`` row records it (``told``), and the message's link names that row, signed —
no account, nothing secret stored, like the meeting-request answer links. From the link they:

- say it is still fine: recorded on the row, against the version they saw (``still_fine``);
- propose another time (start, end, a note): recorded on the row, and the program's coordinator is emailed
  (``propose``).

The link works while the person is still one of the item's hosts, until a day after the item ends. A link to an
older version than the item's current one (it moved again since) records nothing and shows the current details.
``acknowledgements_for`` tells the item page who acknowledged the current version and who has not yet.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from directory.models import Contact
from hospitality.enums import InvitationStatus
from hospitality.models import Invitation
from notifications.enums import AckAnswer, ItemRole, NotificationKind, RecipientType
from notifications.models import Acknowledgement, PendingChange
from notifications.services import queue_email

SALT = "exchange.acknowledgement"
VALID_AFTER_END = dt.timedelta(days=1)
HOST_TYPES = (RecipientType.CONTACT, RecipientType.VOLUNTEER)


class Outdated(Exception):
    """The item moved on to a newer version since the link was sent: nothing is recorded."""


# Telling and links


def told(item, *, recipient_type, recipient_id, now=None):
    """The row saying this host was told of the item's current version (written once per version)."""
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        item=item,
        recipient_type=recipient_type,
        recipient_id=recipient_id,
        sequence=item.sequence,
        defaults={"item_version": item.version, "told_at": now or timezone.now()},
    )
    return acknowledgement


def make_token(acknowledgement):
    return signing.dumps(["a", acknowledgement.pk], salt=SALT, compress=False)


def acknowledge_url(acknowledgement):
    return settings.SITE_URL + reverse("notifications:acknowledge", kwargs={"token": make_token(acknowledgement)})


def host_of(item, recipient_type, recipient_id):
    """The contact or volunteer, if they are still one of the item's hosts; else None."""
    if recipient_type == RecipientType.CONTACT:
        return item.contacts.filter(pk=recipient_id).select_related("organization").first()
    if recipient_type == RecipientType.VOLUNTEER:
        invitation = (
            Invitation.objects.filter(item_id=item.pk, volunteer_id=recipient_id, status=InvitationStatus.ACCEPTED)
            .select_related("volunteer")
            .first()
        )
        return invitation.volunteer if invitation else None
    return None


def resolve_token(token, *, now=None):
    """(acknowledgement, host) a link grants, or None if it is forged, expired, or its holder is no longer a host."""
    try:
        code, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if code != "a":
        return None
    acknowledgement = (
        Acknowledgement.objects.select_related(
            "item__program__council", "item__stop", "item__venue", "item__interpreter", "item__host_organization"
        )
        .filter(pk=pk)
        .first()
    )
    if acknowledgement is None:
        return None
    item = acknowledgement.item
    if (now or timezone.now()) > item.ends_at + VALID_AFTER_END:
        return None
    host = host_of(item, acknowledgement.recipient_type, acknowledgement.recipient_id)
    if host is None:
        return None
    return acknowledgement, host


def is_current(acknowledgement):
    return acknowledgement.sequence == acknowledgement.item.sequence


# Answers


def _locked(acknowledgement):
    """The row, locked, with its item's current sequence; ``Outdated`` if the item moved on since it was told."""
    row = Acknowledgement.objects.select_for_update(of=("self",)).select_related("item").get(pk=acknowledgement.pk)
    if row.sequence != row.item.sequence:
        raise Outdated
    return row


def still_fine(acknowledgement, *, now=None):
    """The host says the version they saw is still fine."""
    with transaction.atomic():
        row = _locked(acknowledgement)
        row.answer = AckAnswer.STILL_FINE
        row.at = now or timezone.now()
        row.proposed_starts_at = row.proposed_ends_at = None
        row.save(update_fields=["answer", "at", "proposed_starts_at", "proposed_ends_at"])
    return row


def propose(acknowledgement, *, host, starts_at, ends_at, note="", now=None):
    """The host proposes another time: recorded, and the program's coordinator is told by email."""
    with transaction.atomic():
        row = _locked(acknowledgement)
        row.answer = AckAnswer.OTHER_TIME
        row.at = now or timezone.now()
        row.proposed_starts_at, row.proposed_ends_at, row.note = starts_at, ends_at, note
        row.save(update_fields=["answer", "at", "proposed_starts_at", "proposed_ends_at", "note"])
        _queue_proposal_to_staff(acknowledgement.item, row, host)
    return row


def host_name(host):
    return host.name if isinstance(host, Contact) else host.contact_name


def _queue_proposal_to_staff(item, row, host):
    """The program's coordinator (else the council's address) hears of a proposal, in the site's language."""
    program = item.program
    council = program.council
    coordinator = program.coordinator
    if coordinator is not None and coordinator.email:
        name, email, staff_id = coordinator.get_full_name() or coordinator.username, coordinator.email, coordinator.pk
    elif council.email:
        name, email, staff_id = council.name, council.email, None
    else:
        return None
    return queue_email(
        council=council,
        program=program,
        kind=NotificationKind.REQUEST_ANSWER,
        recipient_type=RecipientType.STAFF,
        recipient_id=staff_id,
        recipient_name=name,
        recipient_email=email,
        language=settings.LANGUAGE_CODE,
        template="notifications/email/time_proposal",
        context={
            "item": item,
            "program": program,
            "stop": item.stop,
            "host_name": host_name(host),
            "acknowledgement": row,
            "item_url": settings.SITE_URL + reverse("meetings:item", kwargs={"item_id": item.pk}),
        },
        dedupe_key=f"acknowledgement:{row.pk}:proposal:{row.at:%Y%m%dT%H%M%S.%f}",
    )


# What the item page shows


@dataclass
class Entry:
    role: str
    name: str
    told_at: dt.datetime
    answer: str = ""
    at: dt.datetime | None = None
    outdated: bool = False  # told of an older version only; the newer one is on its way (merge window)
    proposed_starts_at: dt.datetime | None = None
    proposed_ends_at: dt.datetime | None = None
    note: str = ""


@dataclass
class Acknowledgements:
    sequence: int
    time_zone: str
    acknowledged: list = field(default_factory=list)
    proposed: list = field(default_factory=list)
    waiting: list = field(default_factory=list)

    @property
    def told(self):
        return self.acknowledged + self.proposed + self.waiting


def _hosts(item):
    """[(recipient type, id, role label, name)] of the item's current hosts: its contacts, a dinner's volunteer."""
    hosts = [
        (RecipientType.CONTACT, contact.pk, str(ItemRole.CONTACT.label), contact.name)
        for contact in item.contacts.order_by("name", "pk")
    ]
    invitations = Invitation.objects.filter(item_id=item.pk, status=InvitationStatus.ACCEPTED).select_related(
        "volunteer"
    )
    hosts += [
        (
            RecipientType.VOLUNTEER,
            invitation.volunteer_id,
            str(ItemRole.VOLUNTEER.label),
            invitation.volunteer.contact_name,
        )
        for invitation in invitations
    ]
    return hosts


def acknowledgements_for(item):
    """Who, among the item's hosts who were told of it, said the version they were last told of is still fine,
    who proposed another time, and who has not answered yet. That is the current version (SEQUENCE), unless a
    change is waiting for its merge window: then those told only of an earlier one are waiting (``outdated``)."""
    latest = {}
    for row in Acknowledgement.objects.filter(item_id=item.pk).order_by("sequence", "pk"):
        latest[(row.recipient_type, row.recipient_id)] = row
    # A newer version that nobody will be told of (the host was thanked after the program) leaves the answers as
    # they are; one waiting for its merge window to close is news on its way.
    news_on_its_way = PendingChange.objects.filter(item_id=item.pk).exists()
    result = Acknowledgements(sequence=item.sequence, time_zone=item.stop.time_zone)
    for recipient_type, recipient_id, role, name in _hosts(item):
        row = latest.get((recipient_type, recipient_id))
        if row is None:
            continue
        entry = Entry(role=role, name=name, told_at=row.told_at)
        if row.sequence != item.sequence and news_on_its_way:
            entry.outdated = True
            result.waiting.append(entry)
            continue
        entry.answer, entry.at = row.answer, row.at
        if row.answer == AckAnswer.STILL_FINE:
            result.acknowledged.append(entry)
        elif row.answer == AckAnswer.OTHER_TIME:
            entry.proposed_starts_at, entry.proposed_ends_at, entry.note = (
                row.proposed_starts_at,
                row.proposed_ends_at,
                row.note,
            )
            result.proposed.append(entry)
        else:
            result.waiting.append(entry)
    return result
