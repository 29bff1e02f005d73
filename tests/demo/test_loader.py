import datetime as dt

import pytest
from django.apps import apps

from demo.loader import load_demo
from hospitality.models import HospitalitySlot
from meetings.models import ItineraryItem
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.models import Program

pytestmark = pytest.mark.django_db


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin", "contenttypes"}
    }


def test_loading_the_demo_twice_changes_nothing():
    load_demo(today=dt.date(2027, 6, 19))
    first = _row_counts()
    first_items = sorted(ItineraryItem.objects.values_list("title", "starts_at", "status"))

    load_demo(today=dt.date(2027, 6, 25))

    assert _row_counts() == first
    assert sorted(ItineraryItem.objects.values_list("title", "starts_at", "status")) == first_items


def test_demo_tells_the_two_programs_of_the_domain():
    load_demo(today=dt.date(2027, 6, 19))

    san_antonio = Program.objects.get(sponsor_reference="E/VRC-2019-0618")
    st_louis = Program.objects.get(sponsor_reference="E/VRC-2019-0920")

    assert [s.city for s in san_antonio.stops.all()] == ["San Antonio", "Laredo"]
    assert san_antonio.participants.count() == 11
    # Stored as ISO codes: Argentina, Belize, Bolivia, Costa Rica, the Dominican Republic, El Salvador, Panama,
    # Peru and Uruguay.
    assert sorted(set(san_antonio.participants.values_list("country", flat=True))) == [
        "AR",
        "BO",
        "BZ",
        "CR",
        "DO",
        "PA",
        "PE",
        "SV",
        "UY",
    ]
    assert st_louis.participants.count() == 9
    assert st_louis.has_home_hospitality is True
    slot = HospitalitySlot.objects.get(program=st_louis)
    assert slot.accepted_hosts == 2
    assert slot.assignments.count() == 6
    assert san_antonio.council != st_louis.council
    links = Notification.objects.filter(kind=NotificationKind.PERSONAL_LINK, program=san_antonio)
    assert links.count() == 11
    assert links.filter(language="es").count() == 9


def test_the_san_antonio_program_is_under_way_on_the_given_day():
    load_demo(today=dt.date(2027, 6, 19))

    program = Program.objects.get(sponsor_reference="E/VRC-2019-0618")

    assert program.arrival_date == dt.date(2027, 6, 18)
    assert program.items.filter(starts_at__date=dt.date(2027, 6, 19)).count() == 5
