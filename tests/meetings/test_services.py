import datetime as dt

import pytest

from meetings import services
from meetings.conflicts import ConflictKind
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItemChange, ItineraryItem
from tests.factories import ItineraryItemFactory, StaffMembershipFactory, local
from tests.meetings.conftest import DAY

pytestmark = pytest.mark.django_db


def item_data(stop, **changes):
    data = {
        "title": "Data editor on a labor-trafficking case study",
        "kind": ItemKind.MEETING,
        "status": ItemStatus.IDEA,
        "stop": stop,
        "starts_at": local(DAY, 14),
        "ends_at": local(DAY, 15),
        "whole_group": True,
        "participants": [],
        "contacts": [],
    }
    data.update(changes)
    return data


def test_create_item_records_its_first_values(program, stop, staff):
    item, conflicts = services.create_item(program=program, data=item_data(stop), user=staff)

    change = ItemChange.objects.get(item=item)
    assert conflicts == []
    assert change.user == staff
    assert change.changes["title"] == ["", "Data editor on a labor-trafficking case study"]
    assert change.changes["starts_at"] == ["", "03/02/2027 14:00 CST"]


def test_create_item_makes_the_venue_typed_inline(program, stop, staff, council):
    data = item_data(stop, new_venue={"name": "Express-News", "address": "200 Ave E", "city": "San Antonio"})

    item, _ = services.create_item(program=program, data=data, user=staff)

    assert item.venue.name == "Express-News"
    assert item.venue.council == council


def test_update_item_records_the_change_and_raises_version_and_sequence(program, stop, staff):
    item = ItineraryItemFactory(program=program, stop=stop, title="Briefing", status=ItemStatus.IDEA)

    updated, _ = services.update_item(
        item=item, data={"starts_at": local(DAY, 10), "ends_at": local(DAY, 11)}, expected_version=1, user=staff
    )

    updated.refresh_from_db()
    assert (updated.version, updated.sequence) == (2, 1)
    assert updated.starts_at == local(DAY, 10)
    assert ItemChange.objects.get(item=item).changes == {
        "starts_at": ["03/02/2027 09:00 CST", "03/02/2027 10:00 CST"],
        "ends_at": ["03/02/2027 10:00 CST", "03/02/2027 11:00 CST"],
    }


def test_a_notes_change_raises_the_version_but_not_the_sequence(program, stop, staff):
    item = ItineraryItemFactory(program=program, stop=stop)

    updated, _ = services.update_item(item=item, data={"internal_notes": "Bring IDs"}, expected_version=1, user=staff)

    assert (updated.version, updated.sequence) == (2, 0)


def test_saving_without_a_change_records_nothing(program, stop, staff):
    item = ItineraryItemFactory(program=program, stop=stop, title="Briefing")

    services.update_item(item=item, data={"title": "Briefing"}, expected_version=1, user=staff)

    item.refresh_from_db()
    assert item.version == 1
    assert not ItemChange.objects.filter(item=item).exists()


def test_a_stale_version_is_refused_with_what_changed_since(program, stop, staff, council):
    colleague = StaffMembershipFactory(council=council).user
    item = ItineraryItemFactory(program=program, stop=stop, title="Briefing")
    services.update_item(item=item, data={"title": "Welcome briefing"}, expected_version=1, user=colleague)

    with pytest.raises(services.StaleItemError) as refused:
        services.update_item(item=item, data={"internal_notes": "mine"}, expected_version=1, user=staff)

    item.refresh_from_db()
    assert (item.title, item.internal_notes, item.version) == ("Welcome briefing", "", 2)
    assert [(c.user, c.changes) for c in refused.value.changes] == [
        (colleague, {"title": ["Briefing", "Welcome briefing"]})
    ]


def test_a_hard_conflict_blocks_the_save_without_a_reason(program, stop, staff, venue):
    ItineraryItemFactory(program=program, stop=stop, title="Museum", starts_at=local(DAY, 14))
    item = ItineraryItemFactory(program=program, stop=stop, title="Newsroom", starts_at=local(DAY, 9))

    with pytest.raises(services.ConflictsNeedOverride) as blocked:
        services.move_item(item=item, starts_at=local(DAY, 14), ends_at=local(DAY, 15), expected_version=1, user=staff)

    item.refresh_from_db()
    assert item.starts_at == local(DAY, 9)
    assert [c.kind for c in blocked.value.conflicts] == [ConflictKind.PEOPLE]


def test_an_override_reason_saves_despite_conflicts_and_is_kept(program, stop, staff):
    ItineraryItemFactory(program=program, stop=stop, title="Museum", starts_at=local(DAY, 14))
    item = ItineraryItemFactory(program=program, stop=stop, title="Newsroom", starts_at=local(DAY, 9))

    moved, conflicts = services.move_item(
        item=item,
        starts_at=local(DAY, 14),
        ends_at=local(DAY, 15),
        expected_version=1,
        user=staff,
        override_reason="The group splits; the museum is optional",
    )

    moved.refresh_from_db()
    assert moved.starts_at == local(DAY, 14)
    assert moved.conflict_override_reason == "The group splits; the museum is optional"
    assert [c.kind for c in conflicts] == [ConflictKind.PEOPLE]


def test_moving_away_from_the_conflict_clears_the_override_reason(program, stop, staff):
    item = ItineraryItemFactory(program=program, stop=stop, conflict_override_reason="old reason")

    moved, _ = services.move_item(
        item=item,
        starts_at=local(DAY + dt.timedelta(days=1), 9),
        ends_at=local(DAY + dt.timedelta(days=1), 10),
        expected_version=1,
        user=staff,
    )

    assert ItineraryItem.objects.get(pk=moved.pk).conflict_override_reason == ""


def test_a_warning_does_not_block(program, stop, staff):
    item = ItineraryItemFactory(program=program, stop=stop)

    moved, conflicts = services.move_item(
        item=item, starts_at=local(DAY, 19), ends_at=local(DAY, 20), expected_version=1, user=staff
    )

    assert moved.starts_at == local(DAY, 19)
    assert [c.kind for c in conflicts] == [ConflictKind.BUSINESS_HOURS]
