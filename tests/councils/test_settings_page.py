import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from councils.enums import StaffRole
from councils.models import Council
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("councils:settings")

VALID = {
    "name": "San Antonio Council for International Visitors",
    "city": "San Antonio",
    "country": "US",
    "time_zone": "America/Chicago",
    "email": "office@saciv.example.org",
    "phone": "+1 210 555 0100",
    "survey_url": "https://survey.example.org/saciv",
    "business_hours_start": "09:00",
    "business_hours_end": "17:30",
    "travel_buffer_minutes": "45",
    "host_reminder_hours": "72",
    "volunteer_reminder_hours": "24",
    "daily_schedule_time": "20:00",
    "quiet_hours_start": "22:00",
    "quiet_hours_end": "06:30",
}


@pytest.fixture
def admin_client(client, council):
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)
    return client


def _stored(council):
    council.refresh_from_db()
    return {field: getattr(council, field) for field in VALID}


def test_settings_admin_saves_every_field(admin_client, council):
    response = admin_client.post(URL, VALID)

    assert response.status_code == 302
    assert _stored(council) == {
        **VALID,
        "business_hours_start": dt.time(9, 0),
        "business_hours_end": dt.time(17, 30),
        "travel_buffer_minutes": 45,
        "host_reminder_hours": 72,
        "volunteer_reminder_hours": 24,
        "daily_schedule_time": dt.time(20, 0),
        "quiet_hours_start": dt.time(22, 0),
        "quiet_hours_end": dt.time(6, 30),
    }


def test_settings_page_shows_the_current_values(admin_client, council):
    response = admin_client.get(URL)

    content = response.content.decode()
    assert 'value="San Antonio CIV"' in content
    assert '<option value="America/Chicago" selected>America/Chicago</option>' in content


def test_settings_save_writes_an_audit_event(admin_client, council):
    admin_client.post(URL, VALID)

    event = AuditEvent.objects.get()
    assert (event.council, event.action, event.object_type, event.object_id) == (
        council,
        "edit council settings",
        "councils.Council",
        str(council.pk),
    )
    assert event.details == {"fields": ["name", "email", "phone", *list(VALID)[6:]]}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("business_hours_end", "08:00", "Business hours must end after they start."),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice. Mars/Olympus_Mons is not one of the available"),
        ("travel_buffer_minutes", "-5", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_settings_bad_input_is_shown_and_changes_nothing(admin_client, council, field, value, error):
    before = _stored(council)

    response = admin_client.post(URL, {**VALID, field: value})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert _stored(council) == before
    assert AuditEvent.objects.count() == 0


def test_settings_quiet_hours_may_run_past_midnight(admin_client, council):
    admin_client.post(URL, {**VALID, "quiet_hours_start": "23:00", "quiet_hours_end": "05:00"})

    stored = _stored(council)
    assert (stored["quiet_hours_start"], stored["quiet_hours_end"]) == (dt.time(23), dt.time(5))


def test_settings_refused_to_a_coordinator(staff_client, council):
    response = staff_client.post(URL, {**VALID, "name": "Renamed by a coordinator"})

    assert response.status_code == 403
    assert Council.objects.get(pk=council.pk).name == "San Antonio CIV"


def test_settings_admin_changes_only_their_own_council(admin_client, council, other_council):
    admin_client.post(URL, VALID)

    other_council.refresh_from_db()
    assert other_council.name == "St. Louis CIV"
    assert other_council.business_hours_end == dt.time(18, 0)


def test_settings_link_shown_to_admins_only(admin_client, staff, council, client_factory):
    coordinator = client_factory()
    coordinator.force_login(staff)

    assert URL in admin_client.get(reverse("programs:home")).content.decode()
    assert URL not in coordinator.get(reverse("programs:home")).content.decode()


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
