"""The daily schedule: the evening before each day of a program under way, every participant and program staff
member gets that day's items, places and pick-up times, with the day as a calendar file and their personal link.

The send moment is the council's ``daily_schedule_time`` on the evening before, as a wall-clock time in the zone of
the stop the group wakes up in on that day; it is computed per day, so it stays 19:00 local across a change of
daylight saving time. A beat task runs every few minutes and queues what has come due; the dedupe key (person and
day) makes each schedule a single row however often it runs.
"""

import datetime as dt
import time
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings.enums import ItemStatus
from meetings.queries import items_for_participant, items_for_program
from notifications import ics
from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from notifications.services import queue_email, render_message
from programs.enums import ProgramStatus
from programs.links import make_token, personal_link_url
from programs.models import Participant, Program, ProgramStaffMember

TEMPLATE = "notifications/email/daily_schedule"
UNDER_WAY = (ProgramStatus.CONFIRMED, ProgramStatus.IN_PROGRESS)
# What visitors see of a day: confirmed items (a cancellation reaches them as a change notice).
SHOWN = (ItemStatus.CONFIRMED, ItemStatus.THANKED)


def stop_of_day(stops, day):
    """The stop the group wakes up in on ``day`` (on a travel day, the one they leave)."""
    covering = [stop for stop in stops if stop.covers(day)]
    return min(covering, key=lambda stop: stop.start_date) if covering else None


def send_moment(*, council, day, time_zone):
    """When the schedule of ``day`` goes out: the council's send time on the evening before, local to the stop."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return dt.datetime.combine(day - dt.timedelta(days=1), council.daily_schedule_time, tzinfo=zone).astimezone(dt.UTC)


def days_due(program, stops, *, now):
    """The (day, stop) pairs of ``program`` whose schedule is due at ``now`` and whose day has not yet begun.

    "Tomorrow" is local: for each zone the program visits, tomorrow is the day after today in that zone, and it
    counts only if the group wakes up in that zone tomorrow.
    """
    for time_zone in sorted({stop.time_zone for stop in stops}):
        day = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date() + dt.timedelta(days=1)
        if not program.arrival_date <= day <= program.departure_date:
            continue
        stop = stop_of_day(stops, day)
        if stop is None or stop.time_zone != time_zone:
            continue
        if send_moment(council=program.council, day=day, time_zone=time_zone) <= now:
            yield day, stop


def items_of_day(items, day):
    """Items that start on ``day`` in their own stop's zone (the queryset is narrowed to a UTC window first)."""
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    candidates = items.filter(status__in=SHOWN, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=3))
    return [
        item for item in candidates if item.starts_at.astimezone(zoneinfo.ZoneInfo(item.stop.time_zone)).date() == day
    ]


def _recipient_type(holder):
    return RecipientType.PARTICIPANT if isinstance(holder, Participant) else RecipientType.PROGRAM_STAFF


def _items(holder):
    if isinstance(holder, Participant):
        return items_for_participant(holder)
    return items_for_program(holder.program)


def _holder_items(holder, program_items):
    """``holder``'s share of the program's items (``items_for_program``, with participants prefetched): what
    ``_items`` would read, without a query per person."""
    if not isinstance(holder, Participant):
        return list(program_items)
    return [
        item
        for item in program_items
        if item.whole_group or any(person.pk == holder.pk for person in item.participants.all())
    ]


def dedupe_key(holder, day):
    return f"daily:{_recipient_type(holder)}:{holder.pk}:{day.isoformat()}"


def build(holder, day, *, stop, program_items=None):
    """Everything a daily-schedule message of ``holder`` for ``day`` is made of (for queuing and for previews).

    ``program_items``: the program's items of ``day`` when the caller has them (one query for a whole program).
    """
    is_participant = isinstance(holder, Participant)
    if program_items is None:
        items = items_of_day(_items(holder), day)
    else:
        items = _holder_items(holder, program_items)
    personal_link = personal_link_url(holder)
    # The same events as the holder's feed (one builder, the same link to their program), in their language.
    schedule_url = settings.SITE_URL + reverse("visitors:program", kwargs={"token": make_token(holder)})
    with override(holder.preferred_language):
        calendar_name = _("Schedule for %(date)s") % {"date": day.isoformat()}
        calendar = ics.items_calendar(items, name=calendar_name, schedule_url=schedule_url)
    return {
        "recipient_type": _recipient_type(holder),
        "recipient_name": holder.full_name if is_participant else holder.name,
        "items": items,
        "context": {
            "greeting_name": holder.first_name if is_participant else holder.name,
            "day": day,
            "stop": stop,
            "items": items,
            "program": holder.program,
            "personal_link": personal_link,
        },
        "attachments": [
            {
                "filename": f"schedule-{day.isoformat()}.ics",
                "mimetype": "text/calendar",
                "content": calendar,
            }
        ],
    }


def preview(holder, day):
    """What the daily schedule of ``day`` will say to ``holder``, rendered without queuing anything."""
    program = holder.program
    stop = stop_of_day(list(program.stops.all()), day)
    message = build(holder, day, stop=stop)
    subject, body_text, body_html = render_message(
        template=TEMPLATE, context=message["context"], language=holder.preferred_language
    )
    return {"subject": subject, "body_text": body_text, "body_html": body_html, **message}


def queue_for(holder, day, *, stop, program_items=None):
    """Queue one person's schedule of ``day``; None when they have nothing that day (or opted out)."""
    message = build(holder, day, stop=stop, program_items=program_items)
    if not message["items"]:
        return None
    return queue_email(
        council=holder.program.council,
        program=holder.program,
        kind=NotificationKind.DAILY_SCHEDULE,
        recipient_type=message["recipient_type"],
        recipient_id=holder.pk,
        recipient_name=message["recipient_name"],
        recipient_email=holder.email,
        template=TEMPLATE,
        context=message["context"],
        dedupe_key=dedupe_key(holder, day),
        language=holder.preferred_language,
        essential=False,
        attachments=message["attachments"],
        time_zone=stop.time_zone,
    )


def programs_under_way(*, now):
    """The programs that may have a day due around ``now`` (``days_due`` tells which, per zone)."""
    today = now.date()
    return (
        Program.objects.filter(
            status__in=UNDER_WAY,
            arrival_date__lte=today + dt.timedelta(days=2),
            departure_date__gte=today - dt.timedelta(days=1),
        )
        .select_related("council")
        .prefetch_related("stops")
    )


def programs_due(*, now=None):
    """Ids of the programs with a daily schedule due at ``now`` (queued already or not)."""
    now = now or timezone.now()
    return [
        program.pk
        for program in programs_under_way(now=now)
        if any(days_due(program, list(program.stops.all()), now=now))
    ]


def queue_due(*, now=None, program_ids=None, until=None):
    """Queue every daily schedule that has come due (of ``program_ids`` only, when given); returns how many rows
    were written. Safe to run any time; with ``until`` (a ``time.monotonic()`` moment) it stops there, and the next
    run queues the rest."""
    now = now or timezone.now()
    programs = programs_under_way(now=now)
    if program_ids is not None:
        programs = programs.filter(pk__in=program_ids)
    queued = 0
    for program in programs:
        for day, stop in days_due(program, list(program.stops.all()), now=now):
            queued += _queue_program_day(program, day, stop=stop, until=until)
    return queued


def _queue_program_day(program, day, *, stop, until=None):
    people = [
        *Participant.objects.filter(program=program, notifications_opt_out=False).exclude(email=""),
        *ProgramStaffMember.objects.filter(program=program, notifications_opt_out=False).exclude(email=""),
    ]
    for person in people:
        person.program = program  # already loaded with its council and stops
    done = set(
        Notification.objects.filter(dedupe_key__in=[dedupe_key(person, day) for person in people]).values_list(
            "dedupe_key", flat=True
        )
    )
    waiting = [person for person in people if dedupe_key(person, day) not in done]
    if not waiting:
        return 0
    # The program's items of the day, read once for everybody (a query per person cost more than the rest of the
    # message together: the evening's burst of schedules is read, rendered and sent in minutes).
    program_items = items_of_day(items_for_program(program), day)
    queued = 0
    for index, person in enumerate(waiting):
        if index and until is not None and time.monotonic() >= until:
            break  # after one person at least: every run moves on
        # One transaction per person: a failure to render one message does not hold back the others.
        with transaction.atomic():
            queued += queue_for(person, day, stop=stop, program_items=program_items) is not None
    return queued
