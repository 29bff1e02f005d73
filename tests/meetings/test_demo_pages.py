"""The builder's pages read the demo programs (several stops, real host organisations) without surprises."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.loader import SAN_ANTONIO_REFERENCE, load_demo
from programs.models import Program

pytestmark = pytest.mark.django_db


def test_the_demo_program_shows_on_every_page_of_the_builder(client):
    load_demo()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    program = Program.objects.get(sponsor_reference=SAN_ANTONIO_REFERENCE)  # the council's program under way
    laredo = program.stops.get(city="Laredo")

    dashboard = client.get(reverse("programs:home")).content.decode()
    overview = client.get(reverse("programs:program", args=[program.pk])).content.decode()
    events = client.get(reverse("meetings:calendar_events", args=[program.pk]), {"stop": laredo.pk}).json()
    agenda = client.get(reverse("meetings:agenda", args=[program.pk])).content.decode()
    item = program.items.filter(stop=laredo).first()
    edit = client.get(reverse("meetings:item_edit", args=[item.pk]))

    assert program.title in dashboard
    assert "Laredo" in overview
    assert {event["title"] for event in events} == set(
        program.items.filter(stop=laredo).values_list("title", flat=True)
    )
    assert item.title in agenda
    assert edit.context["form"]["version"].value() == item.version
