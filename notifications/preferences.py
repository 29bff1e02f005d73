"""What a recipient asked for: their opt-out of non-essential mail, and the quiet hours it respects.

The unsubscribe link carries a signature over (kind, id) of a participant or program staff member; nothing secret
is stored, and the link keeps working after the program (a person may unsubscribe from an old message).
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from councils.changes import note_change
from notifications.enums import NotificationState, RecipientType
from notifications.models import Notification
from programs.models import Participant, ProgramStaffMember

SALT = "exchange.unsubscribe"
_MODELS = {RecipientType.PARTICIPANT: Participant, RecipientType.PROGRAM_STAFF: ProgramStaffMember}


def can_opt_out(recipient_type):
    return recipient_type in _MODELS


def has_opted_out(*, recipient_type, recipient_id):
    model = _MODELS.get(recipient_type)
    if model is None or recipient_id is None:
        return False
    return model.objects.filter(pk=recipient_id, notifications_opt_out=True).exists()


def unsubscribe_token(*, recipient_type, recipient_id):
    return signing.dumps([str(recipient_type), recipient_id], salt=SALT, compress=False)


def unsubscribe_url(*, recipient_type, recipient_id):
    token = unsubscribe_token(recipient_type=recipient_type, recipient_id=recipient_id)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


def resolve_unsubscribe_token(token):
    """The participant or program staff member the token names, or None if it is forged or they are gone."""
    try:
        recipient_type, recipient_id = signing.loads(token, salt=SALT)
        model = _MODELS[recipient_type]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    return model.objects.filter(pk=recipient_id).first()


@transaction.atomic
def opt_out(person):
    """No more non-essential mail for ``person``, including what is already queued for later (quiet hours)."""
    type(person).objects.filter(pk=person.pk).update(notifications_opt_out=True)
    note_change(person.program.council_id)
    person.notifications_opt_out = True
    recipient_type = next(kind for kind, model in _MODELS.items() if isinstance(person, model))
    Notification.objects.filter(
        recipient_type=recipient_type, recipient_id=person.pk, essential=False, state=NotificationState.QUEUED
    ).update(state=NotificationState.CANCELLED)


def end_of_quiet_hours(moment, *, start, end, time_zone):
    """``moment`` if it is outside quiet hours [start, end) in ``time_zone``, else the moment they end.

    Quiet hours may wrap midnight (21:00–07:00). The end is a wall-clock time, so it stays 07:00 local on a day
    on which daylight saving time changes.
    """
    if start == end:
        return moment
    zone = zoneinfo.ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    clock = local.time()
    if start < end:
        quiet, end_day = start <= clock < end, local.date()
    elif clock >= start:
        quiet, end_day = True, local.date() + dt.timedelta(days=1)
    else:
        quiet, end_day = clock < end, local.date()
    if not quiet:
        return moment
    # Through UTC and back: a wall-clock time that does not exist on a spring-forward day is normalised.
    return dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(dt.UTC)
