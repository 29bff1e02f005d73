"""The pages the benchmark measures, as (label, path, needs a staff session)."""

from django.urls import reverse

from programs.links import make_token


def page_paths(world):
    program = world["big_program"]
    token = make_token(world["big_participant"])
    return [
        ("staff dashboard", reverse("programs:home"), True),
        ("calendar data endpoint", reverse("meetings:calendar_events", args=[program.pk]), True),
        ("participant's Today page", reverse("visitors:today", kwargs={"token": token}), False),
        ("participant's ICS feed", reverse("visitors:calendar", kwargs={"token": token}), False),
    ]
