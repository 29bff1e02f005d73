"""The pages the benchmark measures, as (label, path, needs a staff session)."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from programs.links import make_token


def _first_week(stop):
    """What the calendar builder asks for when it opens a stop: its first seven days (it shows a week at most)."""
    start = stop.start_date
    end = min(stop.end_date + dt.timedelta(days=1), start + dt.timedelta(days=7))
    return {"stop": stop.pk, "start": f"{start.isoformat()}T00:00:00Z", "end": f"{end.isoformat()}T00:00:00Z"}


def page_paths(program, participant):
    """The staff dashboard (the whole council), the program's calendar data, and the participant's Today page,
    program page and calendar feed."""
    token = make_token(participant)
    calendar_query = urlencode(_first_week(program.stops.order_by("start_date").first()))
    return [
        ("staff dashboard", reverse("programs:home"), True),
        ("calendar data endpoint", f"{reverse('meetings:calendar_events', args=[program.pk])}?{calendar_query}", True),
        ("participant's Today page", reverse("visitors:today", kwargs={"token": token}), False),
        ("participant's program page", reverse("visitors:program", kwargs={"token": token}), False),
        ("participant's ICS feed", reverse("visitors:calendar", kwargs={"token": token}), False),
    ]
