"""The demo's journey: one delegation through San Antonio, then St. Louis, run by an agency."""

import datetime as dt

import pytest
from django.urls import reverse

from demo.journey import AGENCY_REFERENCE, AGENCY_USERNAME
from demo.loader import DEMO_PASSWORD, SAN_ANTONIO_REFERENCE, load_demo
from journeys.enums import SegmentState
from journeys.models import HandOver, NationalProgram
from programs.models import Participant

pytestmark = pytest.mark.django_db


def test_the_demo_journey_links_one_delegation_through_both_councils(client):
    load_demo(today=dt.date(2027, 6, 19))

    national_program = NationalProgram.objects.get(agency_reference=AGENCY_REFERENCE)
    first, second = national_program.segments.order_by("order")
    assert (first.city, first.state, first.program.sponsor_reference) == (
        "San Antonio",
        SegmentState.ACCEPTED,
        SAN_ANTONIO_REFERENCE,
    )
    assert (second.city, second.state, second.starts_on) == ("St. Louis", SegmentState.ACCEPTED, first.ends_on)
    lucia = Participant.objects.get(program=first.program, first_name="Lucía", last_name="Fernández")
    assert list(lucia.traveller.participants.order_by("program__arrival_date").values_list("program", flat=True)) == [
        first.program_id,
        second.program_id,
    ]
    assert HandOver.objects.get(from_segment=first).is_sent
    signed_in = client.post(reverse("login"), {"username": AGENCY_USERNAME, "password": DEMO_PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0] == reverse("agency:home")
    page = client.get(reverse("agency:program", kwargs={"national_program_id": national_program.pk}))
    assert "Gateway Arch" in page.content.decode()
