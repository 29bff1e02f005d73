"""Signed links for people without an account: the program officer's review link and the feedback form link.

Nothing secret is stored: a link signs the ids it grants. A review link names one itinerary version and stops
working when staff revoke that version; a feedback link names a program and a host contact or volunteer, and
expires some weeks after the program.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from directory.models import Contact
from hospitality.models import Volunteer
from lifecycle.enums import RespondentType
from lifecycle.models import ItineraryVersion
from programs.models import Program

REVIEW_SALT = "exchange.sponsor-review"
FEEDBACK_SALT = "exchange.feedback"
FEEDBACK_OPEN_AFTER_DEPARTURE = dt.timedelta(days=60)


def review_url(version):
    token = signing.dumps([version.program_id, version.pk], salt=REVIEW_SALT, compress=False)
    return settings.SITE_URL + reverse("lifecycle:sponsor_review", kwargs={"token": token})


def resolve_review_token(token):
    """The itinerary version a review link grants, or None if the link is forged or revoked."""
    try:
        program_id, version_id = signing.loads(token, salt=REVIEW_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    version = (
        ItineraryVersion.objects.select_related("program", "program__council", "program__sponsor")
        .filter(pk=version_id, program_id=program_id)
        .first()
    )
    if version is None or version.revoked_at is not None:
        return None
    return version


def feedback_url(program, respondent):
    code = RespondentType.CONTACT if isinstance(respondent, Contact) else RespondentType.VOLUNTEER
    token = signing.dumps([program.pk, code.value, respondent.pk], salt=FEEDBACK_SALT, compress=False)
    return settings.SITE_URL + reverse("lifecycle:feedback_form", kwargs={"token": token})


def resolve_feedback_token(token, *, now=None):
    """(program, respondent type, respondent) a feedback link grants, or None if forged, stale or expired."""
    try:
        program_id, code, respondent_id = signing.loads(token, salt=FEEDBACK_SALT)
        respondent_type = RespondentType(code)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    program = Program.objects.select_related("council").filter(pk=program_id).first()
    if program is None:
        return None
    closes = dt.datetime.combine(program.departure_date + FEEDBACK_OPEN_AFTER_DEPARTURE, dt.time.max, tzinfo=dt.UTC)
    if (now or timezone.now()) > closes:
        return None
    if respondent_type == RespondentType.CONTACT:
        respondent = Contact.objects.filter(pk=respondent_id, organization__council_id=program.council_id).first()
    else:
        respondent = Volunteer.objects.filter(pk=respondent_id, council_id=program.council_id).first()
    if respondent is None:
        return None
    return program, respondent_type, respondent
