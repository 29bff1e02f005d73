"""What a council's admin adds, changes or deletes in the Django admin is in the council's audit log too, and a
host contact's page shows the edits of that contact."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from councils.enums import StaffRole
from directory.models import Contact
from tests.factories import ContactFactory, StaffMembershipFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_admin(council):
    return StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user


def _contact_form(contact, **changes):
    return {
        "organization": contact.organization_id,
        "name": contact.name,
        "title": contact.title,
        "email": contact.email,
        "phone": "",
        "preferred_language": contact.preferred_language,
        "notes": "",
        "active": "on",
        **changes,
    }


def test_changing_and_deleting_in_the_admin_is_audited(client, council, council_admin):
    client.force_login(council_admin)
    contact = ContactFactory(organization__council=council, name="Rebecca Torres")
    venue = VenueFactory(council=council)

    changed = client.post(
        reverse("admin:directory_contact_change", args=[contact.pk]), _contact_form(contact, title="Prosecutor")
    )
    deleted = client.post(reverse("admin:directory_venue_delete", args=[venue.pk]), {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (302, 302)
    assert Contact.objects.get(pk=contact.pk).title == "Prosecutor"
    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.action, e.object_type, e.council_id, e.username) for e in events] == [
        ("change contact in admin", "directory.Contact", council.pk, council_admin.username),
        ("delete venue in admin", "directory.Venue", council.pk, council_admin.username),
    ]
    assert "Title" in events[0].details["change"]

    page = client.get(reverse("audit:person", args=["contact", contact.pk]))
    assert "change contact in admin" in [entry.title for entry in page.context["entries"]]


def test_a_superusers_admin_edit_is_audited_in_the_owning_council(client, council):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "secret-password-1")
    client.force_login(superuser)
    contact = ContactFactory(organization__council=council)

    client.post(reverse("admin:directory_contact_change", args=[contact.pk]), _contact_form(contact, title="Chief"))

    event = AuditEvent.objects.get()
    assert (event.action, event.council_id, event.username) == ("change contact in admin", council.pk, "root")
