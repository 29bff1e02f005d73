"""Personal links: a participant or program staff member opens their schedule without a password.

A link carries a signature over (kind, id, link_version); nothing secret is stored. Re-issuing bumps the version
so every older link stops working; revoking cuts access until staff re-issue. A link also expires some days after
the program ends.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from councils.changes import note_change
from programs.models import Participant, ProgramStaffMember

SALT = "exchange.personal-link"
VALID_AFTER_DEPARTURE = dt.timedelta(days=30)
_KINDS = {"p": Participant, "s": ProgramStaffMember}
_CODES = {model: code for code, model in _KINDS.items()}


def _signer():
    # No timestamp in the signature: expiry follows the program's dates, and the same holder and version always
    # give the same link, so a QR code printed in the program book stays right until staff re-issue it.
    return signing.Signer(salt=SALT)


def make_token(holder):
    return _signer().sign_object([_CODES[type(holder)], holder.pk, holder.link_version])


def personal_link_path(holder):
    return reverse("visitors:today", kwargs={"token": make_token(holder)})


def personal_link_url(holder):
    return settings.SITE_URL + personal_link_path(holder)


def personal_calendar_url(holder):
    """The holder's calendar feed (ICS), for subscribing in a phone calendar."""
    return settings.SITE_URL + reverse("visitors:calendar", kwargs={"token": make_token(holder)})


def resolve_token(token, *, now=None):
    """The participant or program staff member a token grants, or None if it is forged, stale, revoked or expired."""
    try:
        code, pk, version = _signer().unsign_object(token)
        model = _KINDS[code]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    # Read from the database on every request, with the program and council the link leads to (one indexed query).
    holder = model.objects.select_related("program__council").filter(pk=pk).first()
    if holder is None or holder.link_version != version or holder.link_revoked_at is not None:
        return None
    now = now or timezone.now()
    expires = dt.datetime.combine(holder.program.departure_date + VALID_AFTER_DEPARTURE, dt.time.max, tzinfo=dt.UTC)
    if now > expires:
        return None
    return holder


def language_named_by(token):
    """The preferred language of the person a genuine token was made for, even if it no longer grants anything
    (revoked, replaced or expired): their "not found" page speaks it. None for a forged token."""
    try:
        code, pk, _version = _signer().unsign_object(token)
        model = _KINDS[code]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    return model.objects.filter(pk=pk).values_list("preferred_language", flat=True).first()


def revoke_link(holder):
    """Cut the holder's access until staff re-issue the link. Every visitor request reads the holder's row
    (``resolve_token``), so this works at once whatever pages are cached; the council's data version moves all the
    same, as for any other change to the holder."""
    type(holder).objects.filter(pk=holder.pk).update(link_revoked_at=timezone.now())
    note_change(holder.program.council_id)
    holder.refresh_from_db(fields=["link_revoked_at"])


def reissue_link(holder):
    """A new link; every earlier link of this person stops working."""
    type(holder).objects.filter(pk=holder.pk).update(link_version=F("link_version") + 1, link_revoked_at=None)
    note_change(holder.program.council_id)
    holder.refresh_from_db(fields=["link_version", "link_revoked_at"])
    return personal_link_url(holder)
