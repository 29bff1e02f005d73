"""Staff of one council never see nor pick another council's rows in the admin."""

import pytest
from django.urls import reverse

from tests.factories import ContactFactory, ItineraryItemFactory, ParticipantFactory, ProgramFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_another_councils_program_cannot_be_opened(other_staff_client, council):
    program = ProgramFactory(council=council, title="Secret delegation")

    response = other_staff_client.get(reverse("admin:programs_program_change", args=[program.pk]), follow=True)

    assert b"Secret delegation" not in response.content
    assert b"doesn\xe2\x80\x99t exist" in response.content


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (ParticipantFactory, "admin:programs_participant_change"),
        (ItineraryItemFactory, "admin:meetings_itineraryitem_change"),
        (ContactFactory, "admin:directory_contact_change"),
    ],
)
def test_another_councils_records_cannot_be_opened(other_staff_client, council, factory, url_name):
    obj = factory(
        **({"organization__council": council} if factory is ContactFactory else {"program__council": council})
    )

    response = other_staff_client.get(reverse(url_name, args=[obj.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_changelist_shows_only_the_councils_programs(staff_client, council, other_council):
    ProgramFactory(council=council, title="Our program")
    ProgramFactory(council=other_council, title="Their program")

    response = staff_client.get(reverse("admin:programs_program_changelist"))

    assert [p.title for p in response.context["cl"].result_list] == ["Our program"]


def test_item_form_offers_only_the_councils_venues(staff_client, council, other_council):
    item = ItineraryItemFactory(program__council=council)
    VenueFactory(council=council, name="Our venue")
    VenueFactory(council=other_council, name="Their venue")

    response = staff_client.get(reverse("admin:meetings_itineraryitem_change", args=[item.pk]))

    venues = [v.name for v in response.context["adminform"].form.fields["venue"].queryset]
    assert venues == ["Our venue"]


def test_staff_cannot_assign_an_item_to_another_councils_venue(staff_client, council, other_council):
    item = ItineraryItemFactory(program__council=council)
    theirs = VenueFactory(council=other_council)
    url = reverse("admin:meetings_itineraryitem_change", args=[item.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "venue": theirs.pk,
            "starts_at_0": "2027-03-02",
            "starts_at_1": "09:00",
            "ends_at_0": "2027-03-02",
            "ends_at_1": "10:00",
        }
    )

    response = staff_client.post(url, data)

    item.refresh_from_db()
    assert item.venue_id is None
    assert "venue" in response.context["adminform"].form.errors
