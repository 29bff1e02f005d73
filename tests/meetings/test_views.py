import datetime as dt

import pytest
from django.urls import reverse

from logistics.models import TransportVendor
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItemChange, ItineraryItem
from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
    VenueFactory,
    local,
)
from tests.meetings.conftest import DAY

pytestmark = pytest.mark.django_db


def form_data(stop, **changes):
    data = {
        "title": "City manager's immigration liaison",
        "kind": ItemKind.MEETING,
        "status": ItemStatus.IDEA,
        "stop": stop.pk,
        "starts_at": "2027-03-02T14:00",
        "ends_at": "2027-03-02T15:00",
        "whole_group": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_create_an_item_in_the_stops_local_time(staff_client, program, stop, venue):
    response = staff_client.post(reverse("meetings:item_new", args=[program.pk]), form_data(stop, venue=venue.pk))

    item = ItineraryItem.objects.get()
    assert response.url == f"{reverse('meetings:calendar', args=[program.pk])}?stop={stop.pk}"
    assert item.starts_at == local(DAY, 14)
    assert (item.title, item.venue, item.status, item.version) == (
        "City manager's immigration liaison",
        venue,
        ItemStatus.IDEA,
        1,
    )


def test_the_form_reads_times_in_the_stops_own_zone(staff_client, program):
    laredo = StopFactory(program=program, city="Laredo", time_zone="America/New_York")

    staff_client.post(reverse("meetings:item_new", args=[program.pk]), form_data(laredo))

    assert ItineraryItem.objects.get().starts_at == dt.datetime(2027, 3, 2, 19, 0, tzinfo=dt.UTC)


def test_a_new_item_is_prefilled_from_the_selected_range(staff_client, program, stop):
    response = staff_client.get(
        reverse("meetings:item_new", args=[program.pk]),
        {"stop": stop.pk, "start": "2027-03-03T10:30:00", "end": "2027-03-03T11:30:00"},
    )

    body = response.content.decode()
    assert 'value="2027-03-03T10:30"' in body
    assert 'value="2027-03-03T11:30"' in body


def test_staff_create_a_venue_inline(staff_client, program, stop, council):
    staff_client.post(
        reverse("meetings:item_new", args=[program.pk]),
        form_data(stop, new_venue_name="Express-News", new_venue_address="200 Ave E"),
    )

    venue = ItineraryItem.objects.get().venue
    assert (venue.name, venue.address, venue.city, venue.council) == (
        "Express-News",
        "200 Ave E",
        "San Antonio",
        council,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2027-03-02T13:00"}, "ends_at", "The end must be after the start."),
        (
            {"starts_at": "2027-03-20T09:00", "ends_at": "2027-03-20T10:00"},
            "starts_at",
            "The item must fall within the program (03/01/2027 to 03/07/2027).",
        ),
        ({"status": "confirmed-by-magic"}, "status", "Select a valid choice. confirmed-by-magic is not one of"),
        ({"pickup_at": "2027-03-02T14:30"}, "pickup_at", "The pick-up must not be after the start."),
    ],
    ids=["end-before-start", "outside-the-program", "forged-status", "pick-up-after-start"],
)
def test_bad_input_redisplays_the_form_and_saves_nothing(staff_client, program, stop, changes, field, message):
    response = staff_client.post(reverse("meetings:item_new", args=[program.pk]), form_data(stop, **changes))

    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert message.split(".")[0] in response.content.decode().replace("&#x27;", "'")
    assert not ItineraryItem.objects.exists()


def test_a_contact_of_another_council_is_refused(staff_client, program, stop, other_council):
    stranger = ContactFactory(organization__council=other_council)

    response = staff_client.post(
        reverse("meetings:item_new", args=[program.pk]), form_data(stop, contacts=[stranger.pk])
    )

    assert response.context["form"].errors["contacts"] == [
        f"Select a valid choice. {stranger.pk} is not one of the available choices."
    ]
    assert not ItineraryItem.objects.exists()


@pytest.mark.parametrize("field", ["venue", "interpreter", "transport_vendor", "host_organization"])
def test_a_choice_from_another_council_or_program_is_refused(staff_client, program, stop, other_council, field):
    foreign = {
        "venue": lambda: VenueFactory(council=other_council),
        "interpreter": lambda: ProgramStaffMemberFactory(program__council=program.council),
        "transport_vendor": lambda: TransportVendor.objects.create(council=other_council, name="Other cabs"),
        "host_organization": lambda: HostOrganizationFactory(council=other_council),
    }[field]()

    response = staff_client.post(
        reverse("meetings:item_new", args=[program.pk]), form_data(stop, **{field: foreign.pk})
    )

    assert response.context["form"].errors[field] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not ItineraryItem.objects.exists()


def test_a_participant_of_another_program_is_refused(staff_client, program, stop):
    outsider = ParticipantFactory()

    response = staff_client.post(
        reverse("meetings:item_new", args=[program.pk]),
        form_data(stop, whole_group=None, participants=[outsider.pk]),
    )

    assert "participants" in response.context["form"].errors
    assert not ItineraryItem.objects.exists()


def test_a_stop_of_another_program_is_refused(staff_client, program, stop):
    foreign_stop = StopFactory(program__council=program.council)

    response = staff_client.post(reverse("meetings:item_new", args=[program.pk]), form_data(foreign_stop))

    assert "stop" in response.context["form"].errors
    assert not ItineraryItem.objects.exists()


def test_contacts_must_work_for_the_host_organization(staff_client, program, stop, council):
    organization = HostOrganizationFactory(council=council)
    contact = ContactFactory(organization__council=council)

    response = staff_client.post(
        reverse("meetings:item_new", args=[program.pk]),
        form_data(stop, host_organization=organization.pk, contacts=[contact.pk]),
    )

    assert response.context["form"].errors["contacts"] == ["Each contact must work for the host organization chosen."]


def test_a_hard_conflict_redisplays_the_form_until_overridden(staff_client, program, stop, venue):
    ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    url = reverse("meetings:item_new", args=[program.pk])

    blocked = staff_client.post(url, form_data(stop))
    missing_reason = staff_client.post(url, form_data(stop, override_conflicts="on"))
    saved = staff_client.post(url, form_data(stop, override_conflicts="on", override_reason="Optional outing"))

    assert "The whole group also at “River Walk” (03/02/2027 14:00–15:00)." in blocked.content.decode()
    assert missing_reason.context["form"].errors["override_reason"] == ["Say why the conflicts are acceptable."]
    assert saved.status_code == 302
    assert ItineraryItem.objects.get(title="City manager's immigration liaison").conflict_override_reason == (
        "Optional outing"
    )


def test_an_item_outside_its_stop_is_a_conflict_to_override(staff_client, program):
    StopFactory(program=program, city="San Antonio", start_date=program.arrival_date, end_date=DAY)
    laredo = StopFactory(program=program, city="Laredo", start_date=DAY, end_date=program.departure_date)
    late = form_data(laredo, starts_at="2027-03-01T14:00", ends_at="2027-03-01T15:00")

    blocked = staff_client.post(reverse("meetings:item_new", args=[program.pk]), late)

    assert "Outside the stop&#x27;s dates (03/02/2027 to 03/07/2027)." in blocked.content.decode()
    assert not ItineraryItem.objects.exists()


def test_staff_edit_an_item_and_see_its_history(staff_client, program, stop, staff):
    staff.first_name, staff.last_name = "Maria", "Coordinator"
    staff.save()
    item = ItineraryItemFactory(program=program, stop=stop, title="Briefing")

    staff_client.post(
        reverse("meetings:item_edit", args=[item.pk]), form_data(stop, title="Welcome briefing", version=1)
    )
    page = staff_client.get(reverse("meetings:item", args=[item.pk])).content.decode()

    item.refresh_from_db()
    assert (item.title, item.version) == ("Welcome briefing", 2)
    assert "Maria Coordinator" in page
    assert "Title: Briefing → Welcome briefing" in page


def test_the_item_page_shows_its_conflicts(staff_client, program, stop):
    ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 9, 30))
    item = ItineraryItemFactory(program=program, stop=stop, title="Newsroom")

    body = staff_client.get(reverse("meetings:item", args=[item.pk])).content.decode()

    assert "The whole group also at “River Walk” (03/02/2027 09:30–10:30)." in body
    assert "Tuesday, Mar 2, 09:00–10:00 CST (San Antonio)" in body


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(staff_client, program, stop, council):
    item = ItineraryItemFactory(program=program, stop=stop, title="Briefing")
    colleague = StaffMembershipFactory(council=council, user__first_name="Jo", user__last_name="Other").user
    from meetings import services

    services.update_item(item=item, data={"title": "Welcome briefing"}, expected_version=1, user=colleague)

    response = staff_client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        form_data(stop, title="My briefing", internal_notes="Bring badges", version=1),
    )

    body = response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.internal_notes, item.version) == ("Welcome briefing", "", 2)
    assert "Someone else saved this item while you were editing it." in body
    assert "Title: Briefing → Welcome briefing" in body
    assert "Jo Other" in body
    assert 'value="My briefing"' in body
    assert "Bring badges" in body
    # The form now carries the version this person has seen: saving again is a deliberate choice.
    assert response.context["form"]["version"].value() == 2


def move(client, item, start, end, version=1, **extra):
    return client.post(
        reverse("meetings:item_move", args=[item.pk]),
        {"starts_at": start, "ends_at": end, "version": version, **extra},
    )


def test_dragging_an_item_moves_it(staff_client, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop)

    response = move(staff_client, item, "2027-03-03T09:00:00", "2027-03-03T10:30:00")

    item.refresh_from_db()
    assert response.json() == {"version": 2, "warnings": []}
    assert (item.starts_at, item.ends_at) == (
        local(DAY + dt.timedelta(days=1), 9),
        local(DAY + dt.timedelta(days=1), 10, 30),
    )
    assert ItemChange.objects.get(item=item).changes["starts_at"] == ["03/02/2027 09:00 CST", "03/03/2027 09:00 CST"]


def test_a_stale_drag_is_refused(staff_client, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop, version=3)

    response = move(staff_client, item, "2027-03-03T09:00:00", "2027-03-03T10:00:00", version=2)

    item.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert item.starts_at == local(DAY, 9)


def test_a_drag_into_a_conflict_needs_a_reason(staff_client, program, stop):
    ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    item = ItineraryItemFactory(program=program, stop=stop, title="Newsroom")

    refused = move(staff_client, item, "2027-03-02T14:30:00", "2027-03-02T15:30:00")
    overridden = move(
        staff_client, item, "2027-03-02T14:30:00", "2027-03-02T15:30:00", override_conflicts="on", override_reason="ok"
    )

    assert refused.status_code == 409
    assert refused.json()["conflicts"] == ["The whole group also at “River Walk” (03/02/2027 14:00–15:00)."]
    assert overridden.json()["version"] == 2


def test_a_drag_out_of_the_program_or_backwards_is_refused(staff_client, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop)

    outside = move(staff_client, item, "2027-03-09T09:00:00", "2027-03-09T10:00:00")
    backwards = move(staff_client, item, "2027-03-03T10:00:00", "2027-03-03T09:00:00")

    item.refresh_from_db()
    assert outside.status_code == backwards.status_code == 400
    assert backwards.json()["message"] == "The end must be after the start."
    assert (item.starts_at, item.version) == (local(DAY, 9), 1)


def test_calendar_events_are_wall_clock_times_of_the_stop_with_conflicts(staff_client, program, stop):
    first = ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    ItineraryItemFactory(program=program, stop=stop, title="Newsroom", starts_at=local(DAY, 14, 30))
    ItineraryItemFactory(program=program, stop=stop, title="Cancelled", status=ItemStatus.CANCELLED)

    events = staff_client.get(reverse("meetings:calendar_events", args=[program.pk]), {"stop": stop.pk}).json()

    by_title = {event["title"]: event for event in events}
    assert by_title["River Walk"]["start"] == "2027-03-02T14:00:00"
    assert by_title["River Walk"]["classNames"] == ["item-status-confirmed", "has-conflict"]
    assert by_title["River Walk"]["extendedProps"]["version"] == first.version
    assert by_title["Newsroom"]["extendedProps"]["conflicts"][0]["message"] == (
        "The whole group also at “River Walk” (03/02/2027 14:00–15:00)."
    )
    assert by_title["Cancelled"]["classNames"] == ["item-status-cancelled"]
    assert by_title["Cancelled"]["editable"] is False


def test_calendar_events_are_those_of_the_days_on_screen_in_the_stops_wall_clock(staff_client, program, stop):
    ItineraryItemFactory(program=program, stop=stop, title="Tuesday breakfast", starts_at=local(DAY, 7))
    ItineraryItemFactory(program=program, stop=stop, title="Tuesday night", starts_at=local(DAY, 23, 30))
    ItineraryItemFactory(program=program, stop=stop, title="Thursday", starts_at=local(DAY + dt.timedelta(days=2), 9))
    url = reverse("meetings:calendar_events", args=[program.pk])

    # As the calendar asks in its UTC mode: midnight of the stop's Wednesday to midnight of its Thursday, wall-clock
    # readings whatever the offset says. Tuesday's 23:30 item runs past midnight, so it is on screen.
    events = staff_client.get(
        url, {"stop": stop.pk, "start": "2027-03-03T00:00:00Z", "end": "2027-03-04T00:00:00Z"}
    ).json()
    everything = staff_client.get(url, {"stop": stop.pk}).json()

    assert [event["title"] for event in events] == ["Tuesday night"]
    assert [event["title"] for event in everything] == ["Tuesday breakfast", "Tuesday night", "Thursday"]


def test_calendar_events_refuse_a_range_that_is_not_a_date(staff_client, program, stop):
    response = staff_client.get(
        reverse("meetings:calendar_events", args=[program.pk]), {"stop": stop.pk, "start": "next tuesday"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("size", [10, 200])
def test_calendar_events_query_count_does_not_grow_with_items(
    staff_client, program, stop, venue, ana, django_assert_num_queries, size
):
    contact = ContactFactory(organization__council=program.council)
    for index in range(size):
        item = ItineraryItemFactory(
            program=program,
            stop=stop,
            venue=venue,
            whole_group=index % 2 == 0,
            starts_at=local(DAY, 8) + dt.timedelta(minutes=index),
        )
        item.participants.add(ana)
        item.contacts.add(contact)
    url = reverse("meetings:calendar_events", args=[program.pk])

    # session, user (with council); program; stop; the council's data version; conflict context (items,
    # their participants, their contacts, the programs' participants); the stop's items
    with django_assert_num_queries(10):
        response = staff_client.get(url, {"stop": stop.pk})

    assert len(response.json()) == size


def test_calendar_events_judge_conflicts_again_only_when_something_changed(
    staff_client, program, stop, django_assert_num_queries
):
    ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    url = reverse("meetings:calendar_events", args=[program.pk])
    staff_client.get(url, {"stop": stop.pk})

    # session, user (with council); program; stop; the data version (the conflicts are cached); the stop's items
    with django_assert_num_queries(6):
        response = staff_client.get(url, {"stop": stop.pk})

    assert [event["title"] for event in response.json()] == ["River Walk"]


def _conflicts_by_title(client, program, stop):
    events = client.get(reverse("meetings:calendar_events", args=[program.pk]), {"stop": stop.pk}).json()
    return {event["title"]: [c["kind"] for c in event["extendedProps"]["conflicts"]] for event in events}


def test_calendar_events_show_a_moved_items_conflict_at_once(staff_client, program, stop, commit):
    ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    newsroom = ItineraryItemFactory(program=program, stop=stop, title="Newsroom", starts_at=local(DAY, 16))
    before = _conflicts_by_title(staff_client, program, stop)

    with commit():
        newsroom.starts_at, newsroom.ends_at = local(DAY, 14, 30), local(DAY, 15, 30)
        newsroom.save()
    after = _conflicts_by_title(staff_client, program, stop)

    assert before == {"River Walk": [], "Newsroom": []}
    assert after == {"River Walk": ["people"], "Newsroom": ["people"]}


def test_calendar_events_show_people_linked_without_saving_the_item_at_once(staff_client, program, stop, ana, commit):
    walk = ItineraryItemFactory(
        program=program, stop=stop, title="River Walk", whole_group=False, starts_at=local(DAY, 14)
    )
    walk.participants.add(ana)
    dinner = ItineraryItemFactory(
        program=program, stop=stop, title="Dinner", whole_group=False, starts_at=local(DAY, 14, 30)
    )
    before = _conflicts_by_title(staff_client, program, stop)

    with commit():
        dinner.participants.add(ana)  # as seating a dinner guest does: the item itself is not saved
    after = _conflicts_by_title(staff_client, program, stop)

    assert before == {"River Walk": [], "Dinner": []}
    assert after == {"River Walk": ["people"], "Dinner": ["people"]}


def test_calendar_events_show_a_contact_added_without_saving_the_item_at_once(staff_client, program, stop, commit):
    contact = ContactFactory(organization__council=program.council, name="Rosa Diaz")
    walk = ItineraryItemFactory(program=program, stop=stop, title="River Walk", starts_at=local(DAY, 14))
    walk.contacts.add(contact)
    other_program = ProgramFactory(council=program.council, arrival_date=program.arrival_date)
    other = ItineraryItemFactory(
        program=other_program, stop=StopFactory(program=other_program), starts_at=local(DAY, 14, 30)
    )
    before = _conflicts_by_title(staff_client, program, stop)

    with commit():
        other.contacts.add(contact)  # as sending a meeting request may: the item itself is not saved
    after = _conflicts_by_title(staff_client, program, stop)

    assert before == {"River Walk": []}
    assert after == {"River Walk": ["contact"]}


def test_the_agenda_lists_items_per_day_with_edit_links(staff_client, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop, title="District attorney's office")

    body = staff_client.get(reverse("meetings:agenda", args=[program.pk])).content.decode()

    assert "Tuesday, March 2 · San Antonio" in body
    assert "09:00–10:00 CST" in body
    assert reverse("meetings:item_edit", args=[item.pk]) in body


def test_contact_search_finds_only_the_councils_contacts(staff_client, program, council, other_council):
    mine = ContactFactory(organization__council=council, organization__name="Bexar County DA", name="Lee Park")
    ContactFactory(organization__council=other_council, name="Lee Other")

    response = staff_client.get(reverse("meetings:contact_search", args=[program.pk]), {"q": "lee"})

    assert response.json() == {"results": [{"id": mine.pk, "label": "Lee Park, Bexar County DA"}]}


URLS = [
    ("get", "meetings:calendar", "program"),
    ("get", "meetings:calendar_events", "program"),
    ("get", "meetings:agenda", "program"),
    ("get", "meetings:item_new", "program"),
    ("post", "meetings:item_new", "program"),
    ("get", "meetings:contact_search", "program"),
    ("get", "meetings:item", "item"),
    ("get", "meetings:item_edit", "item"),
    ("post", "meetings:item_edit", "item"),
    ("post", "meetings:item_move", "item"),
    ("get", "programs:program", "program"),
    ("get", "programs:program_edit", "program"),
    ("post", "programs:program_edit", "program"),
]


@pytest.mark.parametrize(("method", "name", "target"), URLS, ids=[f"{m}-{n}" for m, n, _ in URLS])
def test_staff_of_another_council_get_404(other_staff_client, program, stop, method, name, target):
    item = ItineraryItemFactory(program=program, stop=stop)
    url = reverse(name, args=[program.pk if target == "program" else item.pk])

    response = getattr(other_staff_client, method)(url, {"stop": stop.pk})

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.version == 1


def test_a_stop_of_another_program_is_not_found_on_the_calendar(staff_client, program, stop):
    foreign_stop = StopFactory(program__council=program.council)

    response = staff_client.get(reverse("meetings:calendar_events", args=[program.pk]), {"stop": foreign_stop.pk})

    assert response.status_code == 404
