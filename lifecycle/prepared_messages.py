"""The messages behind checklist tasks: visitor details to home-hospitality hosts, the sponsor update and the
thank-yous. Each kind is built as drafts (one per recipient) that staff preview, then queue in one transaction."""

import dataclasses
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, Invitation
from lifecycle.enums import TaskMessage
from lifecycle.links import feedback_url
from lifecycle.services import complete_message_tasks
from lifecycle.sponsor_review import published_items, review_url
from meetings import services as item_services
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email, render_message


@dataclasses.dataclass
class Draft:
    recipient_type: str
    recipient_id: int | None
    recipient_name: str
    recipient_email: str
    language: str
    template: str
    context: dict
    dedupe_key: str
    kind: str = NotificationKind.OTHER

    def render(self):
        """(subject, text body) as the recipient will read them."""
        subject, body_text, _html = render_message(template=self.template, context=self.context, language=self.language)
        return subject, body_text


def _accepted_invitations(program):
    return (
        Invitation.objects.filter(slot__program=program, status=InvitationStatus.ACCEPTED)
        .select_related("volunteer", "slot", "slot__stop")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=GuestAssignment.objects.select_related("participant").order_by(
                    "participant__last_name", "participant__first_name"
                ),
            )
        )
        .order_by("slot__starts_at", "pk")
    )


def _to_volunteer(volunteer, *, template, context, dedupe_key):
    """A draft to a volunteer household, in its language."""
    return Draft(
        recipient_type=RecipientType.VOLUNTEER,
        recipient_id=volunteer.pk,
        recipient_name=volunteer.contact_name,
        recipient_email=volunteer.email,
        language=volunteer.preferred_language,
        template=template,
        context=context,
        dedupe_key=dedupe_key,
    )


def host_details_drafts(program, note=""):
    drafts = []
    for invitation in _accepted_invitations(program):
        guests = [assignment.participant for assignment in invitation.assignments.all()]
        if not guests:
            continue
        # A new draft (and message) when the guests change; the same guests are not sent twice.
        guest_key = hashlib.sha256(",".join(str(g.pk) for g in guests).encode()).hexdigest()[:12]
        volunteer = invitation.volunteer
        drafts.append(
            _to_volunteer(
                volunteer,
                template="lifecycle/email/host_details",
                context={
                    "program": program,
                    "volunteer": volunteer,
                    "slot": invitation.slot,
                    "guests": guests,
                    "note": note,
                },
                dedupe_key=f"lifecycle:host-details:{invitation.pk}:{guest_key}",
            )
        )
    return drafts


def sponsor_update_drafts(program, note="", now=None):
    if not program.program_officer_email:
        return []
    latest = program.itinerary_versions.filter(revoked_at__isnull=True).order_by("-number").first()
    now = now or timezone.now()
    return [
        Draft(
            recipient_type=RecipientType.OTHER,
            recipient_id=None,
            recipient_name=program.program_officer_name or program.program_officer_email,
            recipient_email=program.program_officer_email,
            language="en",
            template="lifecycle/email/sponsor_update",
            context={
                "program": program,
                "items": list(published_items(program)),
                "latest": latest,
                "review_url": review_url(latest) if latest else "",
                "note": note,
            },
            dedupe_key=f"lifecycle:sponsor-update:{program.pk}:{now:%Y%m%dT%H%M%S}",
        )
    ]


def _hosted_items(program, now):
    """Confirmed items of the program that are over, with their contacts."""
    return (
        ItineraryItem.objects.filter(program=program, status=ItemStatus.CONFIRMED, ends_at__lte=now)
        .select_related("host_organization", "stop")
        .prefetch_related("contacts")
        .order_by("starts_at", "pk")
    )


@dataclasses.dataclass
class ThankYouPlan:
    drafts: list
    item_ids: list


def thank_you_plan(program, note="", now=None):
    """Who gets thanked and which items become thanked.

    Every contact of a confirmed item that is over gets one message for the program (listing what they hosted);
    every volunteer who accepted a slot that is over gets one. Their items are then marked thanked.
    """
    now = now or timezone.now()
    survey_url = program.council.survey_url
    contacts, hosted, item_ids = {}, {}, []
    for item in _hosted_items(program, now):
        item_contacts = [contact for contact in item.contacts.all() if contact.email]
        if not item_contacts:
            continue
        item_ids.append(item.pk)
        for contact in item_contacts:
            contacts.setdefault(contact.pk, contact)
            hosted.setdefault(contact.pk, []).append(item)
    drafts = [
        Draft(
            recipient_type=RecipientType.CONTACT,
            recipient_id=contact.pk,
            recipient_name=contact.name,
            recipient_email=contact.email,
            language=contact.preferred_language,
            template="lifecycle/email/thank_you_host",
            context={
                "program": program,
                "name": contact.name,
                "items": hosted[contact.pk],
                "survey_url": survey_url,
                "feedback_url": feedback_url(program, contact),
                "note": note,
            },
            dedupe_key=f"lifecycle:thanks:{program.pk}:contact:{contact.pk}",
        )
        for contact in contacts.values()
    ]
    for invitation in _accepted_invitations(program).filter(slot__ends_at__lte=now):
        volunteer = invitation.volunteer
        if invitation.item_id:
            item_ids.append(invitation.item_id)
        drafts.append(
            _to_volunteer(
                volunteer,
                template="lifecycle/email/thank_you_volunteer",
                context={
                    "program": program,
                    "name": volunteer.contact_name,
                    "slot": invitation.slot,
                    "guests": [assignment.participant for assignment in invitation.assignments.all()],
                    "survey_url": survey_url,
                    "feedback_url": feedback_url(program, volunteer),
                    "note": note,
                },
                dedupe_key=f"lifecycle:thanks:{program.pk}:volunteer:{volunteer.pk}",
            )
        )
    return ThankYouPlan(drafts=drafts, item_ids=item_ids)


def mark_thanked(*, program, item_ids, user=None):
    """Confirmed → thanked, through the item service (version, history, calendars), item by item: an item that
    changed meanwhile (cancelled, or thanked by a concurrent run) stays as it is, and only the run that changed it
    records the change. Returns how many items were thanked."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Thanked after it took place.")
    thanked = 0
    for item in ItineraryItem.objects.filter(pk__in=sorted(set(item_ids)), program=program).order_by("pk"):
        outcome = item_services.change_item(
            item=item,
            data={"status": ItemStatus.THANKED},
            actor=user,
            only_if={"status": ItemStatus.CONFIRMED},
            judge=False,
            not_judged_because=reason,
        )
        thanked += bool(outcome.changes)
    return thanked


def drafts_for(program, message, note="", now=None):
    if message == TaskMessage.HOST_DETAILS:
        return host_details_drafts(program, note)
    if message == TaskMessage.SPONSOR_UPDATE:
        return sponsor_update_drafts(program, note, now)
    return thank_you_plan(program, note, now).drafts


def _queue(program, drafts):
    return [
        queue_email(
            council=program.council,
            program=program,
            kind=draft.kind,
            recipient_type=draft.recipient_type,
            recipient_id=draft.recipient_id,
            recipient_name=draft.recipient_name,
            recipient_email=draft.recipient_email,
            language=draft.language,
            template=draft.template,
            context=draft.context,
            dedupe_key=draft.dedupe_key,
        )
        for draft in drafts
    ]


@transaction.atomic
def send_prepared_message(*, program, message, user, note="", now=None):
    """Queue the prepared message of ``message`` kind to all its recipients and tick off the tasks behind it."""
    if message == TaskMessage.THANK_YOU:
        return send_thank_yous(program=program, user=user, note=note, now=now)
    notifications = _queue(program, drafts_for(program, message, note, now))
    complete_message_tasks(program=program, message=message, user=user)
    return len(notifications)


@transaction.atomic
def send_thank_yous(*, program, user=None, note="", now=None):
    """Thank every host contact and volunteer of the program once, and mark their items thanked."""
    plan = thank_you_plan(program, note, now)
    notifications = _queue(program, plan.drafts)
    mark_thanked(program=program, item_ids=plan.item_ids, user=user)
    complete_message_tasks(program=program, message=TaskMessage.THANK_YOU, user=user)
    return len(notifications)
