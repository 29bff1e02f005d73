"""Querysets the outbox pages read; each owns its joins so that a page's query count is decided here."""

from notifications.models import Notification
from programs.models import Participant, Program


def outbox_rows(council):
    """A council's messages, newest first, without their (large) bodies; the program is joined for the list, with
    its stops (a message's times are shown on the clock of the stop the group is in)."""
    return (
        Notification.objects.filter(council=council)
        .select_related("program")
        .prefetch_related("program__stops")
        .defer("body_text", "body_html", "attachments")
    )


def council_programs(council):
    return Program.objects.filter(council=council).order_by("-arrival_date", "title")


def council_participants(council):
    """Participants whose daily schedule staff may preview (program joined for the choice labels)."""
    return (
        Participant.objects.filter(program__council=council)
        .select_related("program")
        .order_by("program__title", "last_name", "first_name")
    )
