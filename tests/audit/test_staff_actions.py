"""Staff actions on programs, people and links leave an audit event: who, what, when, from where."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from lifecycle.models import ItineraryVersion
from tests.factories import ProgramFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def _events():
    return [(e.username, e.action, e.object_type, e.ip_address) for e in AuditEvent.objects.order_by("pk")]


def test_creating_and_editing_a_program_is_audited(staff_client, staff):
    form = {
        "title": "Combating Trafficking in Persons",
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": "2027-03-01",
        "departure_date": "2027-03-07",
        "stops-TOTAL_FORMS": "0",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
    }

    staff_client.post(reverse("programs:program_new"), form)
    program = staff.membership.council.programs.get()
    staff_client.post(reverse("programs:program_edit", args=[program.pk]), {**form, "status": "confirmed"})

    assert _events() == [
        (staff.username, "create program", "programs.Program", "127.0.0.1"),
        (staff.username, "edit program", "programs.Program", "127.0.0.1"),
    ]


def test_revoking_a_volunteers_links_is_audited(staff_client, staff, council):
    volunteer = VolunteerFactory(council=council)
    volunteer.user = get_user_model().objects.create_user(f"volunteer-{volunteer.pk}")
    volunteer.save(update_fields=["user"])

    staff_client.post(reverse("hospitality:volunteer_revoke_link", args=[volunteer.pk]))

    assert _events() == [(staff.username, "revoke volunteer links", "hospitality.Volunteer", "127.0.0.1")]


def test_revoking_a_sponsor_review_link_is_audited(staff_client, staff, council):
    version = ItineraryVersion.objects.create(program=ProgramFactory(council=council), number=1, snapshot=[])

    staff_client.post(reverse("lifecycle:revoke", args=[version.pk]))

    assert _events() == [(staff.username, "revoke sponsor review link", "lifecycle.ItineraryVersion", "127.0.0.1")]
