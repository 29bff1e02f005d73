"""Staff of another council find none of a program's lifecycle or logistics pages."""

import pytest
from django.urls import reverse

from lifecycle.models import ItineraryVersion
from logistics.models import TransportVendor
from tests.factories import ItineraryItemFactory, ProgramFactory, StopFactory
from tests.lifecycle.factories import ProgramTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(council):
    program = ProgramFactory(council=council)
    stop = StopFactory(program=program)
    vendor = TransportVendor.objects.create(council=council, name="Alamo Shuttle")
    ItineraryItemFactory(program=program, stop=stop, transport_vendor=vendor)
    return {
        "program_id": program.pk,
        "task_id": ProgramTaskFactory(program=program).pk,
        "version_id": ItineraryVersion.objects.create(program=program, number=1).pk,
        "stop_id": stop.pk,
        "vendor_id": vendor.pk,
    }


STAFF_URLS = [
    ("lifecycle:checklist", ["program_id"], "get"),
    ("lifecycle:checklist", ["program_id"], "post"),
    ("lifecycle:complete", ["task_id"], "post"),
    ("lifecycle:reopen", ["task_id"], "post"),
    ("lifecycle:versions", ["program_id"], "get"),
    ("lifecycle:versions", ["program_id"], "post"),
    ("lifecycle:weekly_update", ["program_id"], "post"),
    ("lifecycle:version_detail", ["version_id"], "get"),
    ("lifecycle:approve", ["version_id"], "post"),
    ("lifecycle:revoke", ["version_id"], "post"),
    ("lifecycle:feedback_list", ["program_id"], "get"),
    ("logistics:program", ["program_id"], "get"),
    ("logistics:stop_hotel", ["stop_id"], "get"),
    ("logistics:stop_hotel", ["stop_id"], "post"),
    ("logistics:vendor_sheet", ["program_id", "vendor_id"], "get"),
    ("logistics:vendor_sheet_pdf", ["program_id", "vendor_id"], "get"),
    ("logistics:publication_csv", ["program_id"], "get"),
]


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_URLS)
def test_another_councils_staff_get_not_found(other_staff_client, objects, name, kwargs, method):
    url = reverse(name, kwargs={key: objects[key] for key in kwargs})

    response = getattr(other_staff_client, method)(url)

    assert response.status_code == 404


@pytest.mark.parametrize("message", ["thank_you", "host_details", "sponsor_update"])
def test_another_councils_staff_get_no_prepared_message(other_staff_client, objects, message):
    url = reverse("lifecycle:prepared_message", kwargs={"program_id": objects["program_id"], "message": message})

    response = other_staff_client.post(url, {"note": "hello"})

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_URLS)
def test_own_council_staff_are_not_refused(staff_client, objects, name, kwargs, method):
    """The same requests from the program's own council get through (the 404s above are about the council)."""
    url = reverse(name, kwargs={key: objects[key] for key in kwargs})

    response = getattr(staff_client, method)(url)

    assert response.status_code in (200, 302)
