import datetime as dt

import pytest

from meetings.conflicts import (
    Booking,
    ConflictContext,
    ConflictKind,
    Severity,
    conflicts_by_item,
    find_conflicts,
    load_context,
)
from meetings.enums import ItemKind, ItemStatus
from tests.factories import (
    PROGRAM_START,
    ContactFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StopFactory,
    VenueFactory,
    local,
)

DAY = PROGRAM_START + dt.timedelta(days=1)
ANA = ("participant", 1)
LUIS = ("participant", 2)
INTERPRETER = ("staff", 9)
NAMES = {ANA: "Ana Ruiz", LUIS: "Luis Vega", INTERPRETER: "Marta Interpreter", ("contact", 5): "Dr. Lee"}


def booking(item_id, start, end, *, program_id=1, people=(ANA,), venue_id=None, contacts=(), **extra):
    values = {
        "item_id": item_id,
        "program_id": program_id,
        "title": f"Item {item_id}",
        "kind": ItemKind.MEETING,
        "status": ItemStatus.CONFIRMED,
        "starts_at": local(DAY, *start),
        "ends_at": local(DAY, *end),
        "time_zone": "America/Chicago",
        "stop_start": PROGRAM_START,
        "stop_end": PROGRAM_START + dt.timedelta(days=6),
        "venue_id": venue_id,
        "venue_name": f"Venue {venue_id}" if venue_id else "",
        "people": frozenset(people),
        "contact_ids": frozenset(contacts),
    }
    values.update(extra)
    return Booking(**values)


def context(*bookings, buffer=30):
    return ConflictContext(
        travel_buffer=dt.timedelta(minutes=buffer),
        business_hours_start=dt.time(8),
        business_hours_end=dt.time(18),
        bookings=list(bookings),
        names=NAMES,
    )


def kinds(conflicts):
    return [(c.kind, c.severity, c.other_item_id) for c in conflicts]


def test_a_participant_in_two_items_at_once_is_a_hard_conflict():
    first = booking(1, (9, 0), (10, 0), people=(ANA, LUIS))
    second = booking(2, (9, 30), (11, 0), people=(ANA,))

    conflicts = find_conflicts(second, context(first, second))

    assert kinds(conflicts) == [(ConflictKind.PEOPLE, Severity.HARD, 1)]
    assert conflicts[0].message == "Ana Ruiz also at “Item 1” (03/02/2027 09:00–10:00)."


def test_program_staff_in_two_items_at_once_is_a_conflict():
    first = booking(1, (9, 0), (10, 0), people=(ANA, INTERPRETER))
    second = booking(2, (9, 30), (10, 30), people=(LUIS, INTERPRETER))

    conflicts = find_conflicts(second, context(first, second))

    assert kinds(conflicts) == [(ConflictKind.PEOPLE, Severity.HARD, 1)]
    assert "Marta Interpreter" in conflicts[0].message


def test_different_people_at_the_same_time_do_not_conflict():
    first = booking(1, (9, 0), (10, 0), people=(ANA,))
    second = booking(2, (9, 0), (10, 0), people=(LUIS,))

    assert find_conflicts(second, context(first, second)) == []


def test_items_that_only_touch_do_not_overlap():
    first = booking(1, (9, 0), (10, 0), venue_id=3)
    second = booking(2, (10, 0), (11, 0), venue_id=3)

    assert find_conflicts(second, context(first, second)) == []


def test_a_host_contact_booked_by_two_programs_at_once_is_a_conflict():
    mine = booking(1, (9, 0), (10, 0), contacts=(5,))
    theirs = booking(2, (9, 30), (10, 30), program_id=2, people=(("participant", 40),), contacts=(5,))

    conflicts = find_conflicts(mine, context(mine, theirs))

    assert kinds(conflicts) == [(ConflictKind.CONTACT, Severity.HARD, 2)]
    assert conflicts[0].message == "Dr. Lee is booked by another program at the same time (03/02/2027 09:30–10:30)."


def test_a_venue_booked_by_two_programs_at_once_is_a_conflict():
    mine = booking(1, (9, 0), (10, 0), venue_id=3)
    theirs = booking(2, (9, 30), (10, 30), program_id=2, people=(("participant", 40),), venue_id=3)

    assert kinds(find_conflicts(mine, context(mine, theirs))) == [(ConflictKind.VENUE, Severity.HARD, 2)]


def test_an_online_venue_can_host_two_programs_at_once():
    mine = booking(1, (9, 0), (10, 0), venue_id=3, venue_online=True)
    theirs = booking(2, (9, 0), (10, 0), program_id=2, people=(), venue_id=3, venue_online=True)

    assert find_conflicts(mine, context(mine, theirs)) == []


def test_too_little_travel_time_between_venues_is_a_conflict():
    first = booking(1, (9, 0), (10, 0), venue_id=3)
    second = booking(2, (10, 15), (11, 0), venue_id=4)

    conflicts = find_conflicts(second, context(first, second, buffer=30))

    assert kinds(conflicts) == [(ConflictKind.TRAVEL, Severity.HARD, 1)]
    assert conflicts[0].message == "Only 15 minutes to travel between “Item 1” and “Item 2” (30 needed)."


def test_travel_time_is_judged_for_the_next_item_too():
    first = booking(1, (9, 0), (10, 0), venue_id=3)
    second = booking(2, (10, 15), (11, 0), venue_id=4)

    assert kinds(find_conflicts(first, context(first, second))) == [(ConflictKind.TRAVEL, Severity.HARD, 2)]


def test_enough_travel_time_or_the_same_venue_is_fine():
    first = booking(1, (9, 0), (10, 0), venue_id=3)
    same_place = booking(2, (10, 0), (11, 0), venue_id=3)
    far_enough = booking(3, (11, 30), (12, 0), venue_id=4)

    assert find_conflicts(same_place, context(first, same_place, far_enough)) == []
    assert find_conflicts(far_enough, context(first, same_place, far_enough)) == []


def test_travel_time_only_counts_the_consecutive_item():
    early = booking(1, (8, 0), (9, 0), venue_id=3)
    middle = booking(2, (9, 45), (10, 0), venue_id=4)
    late = booking(3, (10, 40), (11, 0), venue_id=5)

    assert find_conflicts(late, context(early, middle, late)) == []


def test_an_item_outside_its_stops_dates_is_a_hard_conflict():
    item = booking(1, (9, 0), (10, 0), stop_start=DAY + dt.timedelta(days=1))

    conflicts = find_conflicts(item, context(item))

    assert kinds(conflicts) == [(ConflictKind.OUTSIDE_STOP, Severity.HARD, None)]


def test_an_item_ending_after_its_stop_in_local_time_is_a_conflict():
    # 23:00–00:30 Central ends on the next local day, which is past the stop's last day.
    item = booking(
        1, (23, 0), (23, 30), kind=ItemKind.MEAL, stop_end=DAY, ends_at=local(DAY + dt.timedelta(days=1), 0, 30)
    )

    assert kinds(find_conflicts(item, context(item))) == [(ConflictKind.OUTSIDE_STOP, Severity.HARD, None)]


def test_a_meeting_outside_business_hours_is_a_warning():
    item = booking(1, (17, 30), (19, 0))

    conflicts = find_conflicts(item, context(item))

    assert kinds(conflicts) == [(ConflictKind.BUSINESS_HOURS, Severity.WARNING, None)]
    assert conflicts[0].is_hard is False


def test_a_dinner_outside_business_hours_is_fine():
    item = booking(1, (19, 0), (21, 0), kind=ItemKind.MEAL)

    assert find_conflicts(item, context(item)) == []


def test_business_hours_are_read_in_the_stops_local_time():
    # 09:00 in Chicago is 10:00 in New York: still inside hours there, but 07:30 Chicago is not 08:00 anywhere.
    item = booking(1, (7, 30), (8, 30))

    assert [c.kind for c in find_conflicts(item, context(item))] == [ConflictKind.BUSINESS_HOURS]
    assert find_conflicts(booking(2, (7, 30), (8, 30), time_zone="America/New_York"), context()) == []


@pytest.mark.parametrize("status", [ItemStatus.CANCELLED, ItemStatus.DECLINED])
def test_cancelled_and_declined_items_never_conflict(status):
    gone = booking(1, (9, 0), (10, 0), venue_id=3, status=status)
    item = booking(2, (9, 0), (10, 0), venue_id=3)

    assert find_conflicts(item, context(gone, item)) == []
    assert find_conflicts(gone, context(gone, item)) == []


def test_whole_group_items_conflict_through_the_group():
    group = ("group", 1)
    first = booking(1, (9, 0), (10, 0), people=(group,))
    second = booking(2, (9, 0), (10, 0), people=(group,))

    conflicts = find_conflicts(second, context(first, second))

    assert conflicts[0].message == "The whole group also at “Item 1” (03/02/2027 09:00–10:00)."


@pytest.mark.django_db
def test_load_context_finds_conflicts_across_the_councils_programs(council, other_council):
    program = ProgramFactory(council=council)
    other_program = ProgramFactory(council=council)
    stop = StopFactory(program=program)
    other_stop = StopFactory(program=other_program)
    venue = VenueFactory(council=council, name="Witte Museum")
    contact = ContactFactory(organization__council=council, name="Dr. Lee")
    ana = ParticipantFactory(program=program, first_name="Ana", last_name="Ruiz")
    interpreter = ProgramStaffMemberFactory(program=program, name="Marta")
    subset = ItineraryItemFactory(
        program=program, stop=stop, title="Subset", whole_group=False, interpreter=interpreter
    )
    subset.participants.add(ana)
    group = ItineraryItemFactory(program=program, stop=stop, title="Group", venue=venue)
    group.contacts.add(contact)
    theirs = ItineraryItemFactory(program=other_program, stop=other_stop, title="Theirs", venue=venue)
    theirs.contacts.add(contact)
    ItineraryItemFactory(program=program, stop=stop, title="Cancelled", status=ItemStatus.CANCELLED)
    ItineraryItemFactory(program__council=other_council, title="Elsewhere", venue=venue)

    found = conflicts_by_item(load_context(council=council, programs=[program]), {program.pk})

    assert {item_id: sorted(c.kind for c in conflicts) for item_id, conflicts in found.items()} == {
        subset.pk: [ConflictKind.PEOPLE],
        group.pk: [ConflictKind.CONTACT, ConflictKind.PEOPLE, ConflictKind.VENUE],
    }
    assert found[subset.pk][0].message == "Ana Ruiz also at “Group” (03/02/2027 09:00–10:00)."


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 200])
def test_load_context_query_count_does_not_grow_with_items(council, django_assert_num_queries, size):
    program = ProgramFactory(council=council)
    stop = StopFactory(program=program)
    participant = ParticipantFactory(program=program)
    contact = ContactFactory(organization__council=council)
    for index in range(size):
        item = ItineraryItemFactory(
            program=program, stop=stop, whole_group=False, starts_at=local(DAY, 9) + dt.timedelta(minutes=index)
        )
        item.participants.add(participant)
        item.contacts.add(contact)

    # items (stop, venue, interpreter joined), their participants, their contacts, the programs' participants
    with django_assert_num_queries(4):
        context = load_context(council=council, programs=[program])

    assert len(context.bookings) == size


def test_a_whole_group_clash_names_the_group_and_its_interpreter_not_every_visitor():
    group = ("group", 1)
    first = booking(1, (9, 0), (10, 0), people=(group, ANA, LUIS, INTERPRETER))
    second = booking(2, (9, 0), (10, 0), people=(group, ANA, LUIS, INTERPRETER))

    conflicts = find_conflicts(second, context(first, second))

    assert conflicts[0].message == "The whole group, Marta Interpreter also at “Item 1” (03/02/2027 09:00–10:00)."
