"""What the staff page of personal links reads."""

from django.db.models import Max

from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from programs.models import Participant, ProgramStaffMember


def link_holders(program):
    """Participants and program staff of a program, each with ``last_emailed_at`` (when their link was last
    queued to them): three queries whatever the number of people."""
    participants = list(Participant.objects.filter(program=program).order_by("last_name", "first_name", "pk"))
    program_staff = list(ProgramStaffMember.objects.filter(program=program).order_by("role", "name", "pk"))
    emailed = {
        (row["recipient_type"], row["recipient_id"]): row["last"]
        for row in Notification.objects.filter(program=program, kind=NotificationKind.PERSONAL_LINK)
        .values("recipient_type", "recipient_id")
        .annotate(last=Max("created_at"))
    }
    for person in participants:
        person.last_emailed_at = emailed.get((RecipientType.PARTICIPANT, person.pk))
    for person in program_staff:
        person.last_emailed_at = emailed.get((RecipientType.PROGRAM_STAFF, person.pk))
    return participants, program_staff
