"""What happens to personal links: a visit is recorded; staff email, revoke or re-issue a link."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email
from programs import links
from programs.models import ProgramStaffMember
from visitors.queries import sees_group_view

# Visits closer together than this count as one look: the time is not written again (a write on every page view
# is the most expensive thing a visitor page does), so what changed in between is still marked on the next view.
VISIT_RESOLUTION = dt.timedelta(minutes=1)


def record_visit(*, holder, now=None):
    """Remember when the holder last looked; returns the previous time (None on a first visit)."""
    previous = holder.last_seen_at
    now = now or timezone.now()
    if previous is None or now - previous >= VISIT_RESOLUTION:
        holder.last_seen_at = now
        holder.save(update_fields=["last_seen_at"])
    return previous


def holder_name(holder):
    # Participants and travellers have a full name; program staff a name.
    return holder.name if isinstance(holder, ProgramStaffMember) else holder.full_name


class LinkNotSendable(Exception):
    """Why a personal link cannot be emailed; the message is for staff."""


def email_personal_link(*, holder, now=None):
    """Queue the personal link to the holder, in their language; at most one message per link version and day."""
    if not holder.email:
        raise LinkNotSendable(_("%(name)s has no email address.") % {"name": holder_name(holder)})
    if holder.link_revoked_at is not None:
        raise LinkNotSendable(_("The link of %(name)s is revoked; re-issue it first.") % {"name": holder_name(holder)})
    now = now or timezone.now()
    program = holder.program
    kind_code = "s" if sees_group_view(holder) else "p"
    with transaction.atomic():
        return queue_email(
            council=program.council,
            program=program,
            kind=NotificationKind.PERSONAL_LINK,
            recipient_type=RecipientType.PROGRAM_STAFF if sees_group_view(holder) else RecipientType.PARTICIPANT,
            recipient_id=holder.pk,
            recipient_name=holder_name(holder),
            recipient_email=holder.email,
            language=holder.preferred_language,
            template="visitors/email/personal_link",
            context={
                "name": holder_name(holder),
                "program": program,
                "link": links.personal_link_url(holder),
                "calendar_link": links.personal_calendar_url(holder),
                "group_view": sees_group_view(holder),
            },
            dedupe_key=f"personal-link:{kind_code}:{holder.pk}:v{holder.link_version}:{now:%Y-%m-%d}",
        )


def revoke_personal_link(*, holder):
    with transaction.atomic():
        links.revoke_link(holder)


def reissue_personal_link(*, holder):
    """A new link for the holder; every earlier link stops working."""
    with transaction.atomic():
        return links.reissue_link(holder)
