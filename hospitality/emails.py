"""The messages of home hospitality: one small function per kind, each queued in the caller's transaction."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from sesame.utils import get_parameters

from hospitality.enums import MEAL_IN_SENTENCE
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email


def sign_in_url(volunteer, *, next_path):
    """A passwordless link that signs the volunteer in (django-sesame) and opens ``next_path``."""
    query = urlencode({**get_parameters(volunteer.user), "next": next_path})
    return f"{settings.SITE_URL}{reverse('hospitality:sign_in')}?{query}"


def _meal(slot):
    """The slot's meal as a sentence names it ("la cena" in Spanish), for the messages' sentences."""
    return MEAL_IN_SENTENCE.get(slot.meal, slot.get_meal_display())


def _to_volunteer(invitation, *, kind, template, dedupe_key):
    volunteer = invitation.volunteer
    slot = invitation.slot
    link = sign_in_url(volunteer, next_path=reverse("hospitality:portal_invitation", args=[invitation.pk]))
    return queue_email(
        council=volunteer.council,
        program=slot.program,
        kind=kind,
        recipient_type=RecipientType.VOLUNTEER,
        recipient_id=volunteer.pk,
        recipient_name=volunteer.contact_name,
        recipient_email=volunteer.email,
        language=volunteer.preferred_language,
        template=template,
        context={"invitation": invitation, "slot": slot, "volunteer": volunteer, "link": link, "meal": _meal(slot)},
        dedupe_key=dedupe_key,
    )


def _news_to_volunteer(invitation, *, template, dedupe_key):
    """News about an invitation that asks nothing more of them (the slot was full, or is off): no sign-in link."""
    volunteer = invitation.volunteer
    slot = invitation.slot
    return queue_email(
        council=volunteer.council,
        program=slot.program,
        kind=NotificationKind.INVITATION,
        recipient_type=RecipientType.VOLUNTEER,
        recipient_id=volunteer.pk,
        recipient_name=volunteer.contact_name,
        recipient_email=volunteer.email,
        language=volunteer.preferred_language,
        template=template,
        context={"invitation": invitation, "slot": slot, "volunteer": volunteer, "meal": _meal(slot)},
        dedupe_key=dedupe_key,
    )


def queue_invitation(invitation):
    return _to_volunteer(
        invitation,
        kind=NotificationKind.INVITATION,
        template="hospitality/email/invitation",
        dedupe_key=f"hospitality:invitation:{invitation.pk}",
    )


def queue_reminder(invitation, *, day):
    """At most one reminder per invitation per day, however often staff click."""
    return _to_volunteer(
        invitation,
        kind=NotificationKind.VOLUNTEER_REMINDER,
        template="hospitality/email/reminder",
        dedupe_key=f"hospitality:reminder:{invitation.pk}:{day.isoformat()}",
    )


def queue_filled_notice(invitation):
    """Thank a volunteer who said yes to a slot that already had all its hosts."""
    return _news_to_volunteer(
        invitation, template="hospitality/email/filled", dedupe_key=f"hospitality:filled:{invitation.pk}"
    )


def queue_cancellation(invitation):
    """Tell an accepted host that staff cancelled the dinner."""
    return _news_to_volunteer(
        invitation, template="hospitality/email/cancelled", dedupe_key=f"hospitality:cancelled:{invitation.pk}"
    )


def queue_invitation_withdrawn(invitation):
    """Tell a volunteer who had not answered yet that staff cancelled the dinner: nothing to answer any more."""
    return _news_to_volunteer(
        invitation,
        template="hospitality/email/invitation_withdrawn",
        dedupe_key=f"hospitality:invitation-withdrawn:{invitation.pk}",
    )


def queue_withdrawal_notice(invitation):
    """Tell the program coordinator (or the council's address) that a host withdrew."""
    program = invitation.slot.program
    coordinator = program.coordinator
    if coordinator is not None and coordinator.email:
        name, email = coordinator.get_full_name() or coordinator.username, coordinator.email
    elif program.council.email:
        name, email = program.council.name, program.council.email
    else:
        return None
    return queue_email(
        council=program.council,
        program=program,
        kind=NotificationKind.OTHER,
        recipient_type=RecipientType.STAFF,
        recipient_id=coordinator.pk if coordinator else None,
        recipient_name=name,
        recipient_email=email,
        language=settings.LANGUAGE_CODE,
        template="hospitality/email/withdrawn",
        context={
            "invitation": invitation,
            "slot": invitation.slot,
            "volunteer": invitation.volunteer,
            "meal": _meal(invitation.slot),
        },
        dedupe_key=f"hospitality:withdrawn:{invitation.pk}",
    )
