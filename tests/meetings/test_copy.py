import datetime as dt

import pytest
from django.urls import reverse

from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem, MeetingRequest
from programs.enums import ProgramStatus
from programs.models import Program
from tests.factories import (
    ContactFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db

# The US switches to daylight-saving time on Sunday 14 March 2027.
BEFORE_DST = dt.date(2027, 3, 12)
AFTER_DST = dt.date(2027, 3, 15)


@pytest.fixture
def program(council):
    return ProgramFactory(
        council=council,
        title="Combating Trafficking in Persons",
        arrival_date=dt.date(2027, 3, 10),
        departure_date=dt.date(2027, 3, 18),
    )


@pytest.fixture
def stop(program):
    return StopFactory(program=program, city="San Antonio")


def _meeting(program, stop, day=BEFORE_DST, hour=9, **extra):
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        starts_at=local(day, hour),
        ends_at=local(day, hour + 1, 30),
        **extra,
    )


def test_copying_an_item_keeps_its_content_and_length_and_starts_its_own_history(staff_client, program, stop):
    contact = ContactFactory(organization__council=program.council, name="Luke Whyte")
    item = _meeting(
        program,
        stop,
        title="Express-News data desk",
        status=ItemStatus.CONFIRMED,
        topic="Labor trafficking with data",
        internal_notes="Parking at the back",
        conflict_override_reason="Agreed with the host",
    )
    item.contacts.add(contact)
    ItemChange.objects.create(item=item, changes={"status": ["Idea", "Confirmed"]})
    MeetingRequestFactory(item=item, contact=contact)

    response = staff_client.post(
        reverse("copying:item", kwargs={"item_id": item.pk}), {"starts_at": "2027-03-11T14:00"}
    )

    copy = ItineraryItem.objects.exclude(pk=item.pk).get()
    assert response["Location"] == reverse("meetings:item", kwargs={"item_id": copy.pk})
    assert (copy.title, copy.topic, copy.internal_notes) == (
        "Express-News data desk",
        "Labor trafficking with data",
        "Parking at the back",
    )
    assert (copy.starts_at, copy.ends_at) == (local(dt.date(2027, 3, 11), 14), local(dt.date(2027, 3, 11), 15, 30))
    assert (copy.status, copy.version, copy.conflict_override_reason) == (ItemStatus.IDEA, 1, "")
    assert list(copy.contacts.all()) == [contact]
    [created] = copy.changes.all()  # the source's history stays with the source
    assert created.changes["title"] == ["", "Express-News data desk"]
    assert created.note.startswith("Copied from “Express-News data desk”")
    assert MeetingRequest.objects.filter(item=copy).count() == 0


def test_copying_an_item_outside_the_program_is_refused(staff_client, program, stop):
    item = _meeting(program, stop)

    response = staff_client.post(
        reverse("copying:item", kwargs={"item_id": item.pk}), {"starts_at": "2027-04-11T14:00"}
    )

    assert response.context["form"].errors["starts_at"] == ["Choose a time within the program's dates."]
    assert ItineraryItem.objects.count() == 1


def test_copying_a_day_across_the_dst_change_keeps_local_times(staff_client, program, stop):
    _meeting(program, stop, title="Morning meeting", hour=9, pickup_at=local(BEFORE_DST, 8, 30))
    _meeting(program, stop, title="Afternoon visit", hour=14)
    _meeting(program, stop, day=dt.date(2027, 3, 13), title="Another day")
    _meeting(program, stop, title="Cancelled one", hour=17, status=ItemStatus.CANCELLED)

    staff_client.post(
        reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-03-12"}), {"to_day": "2027-03-15"}
    )

    copies = ItineraryItem.objects.filter(starts_at__date__gte=AFTER_DST).order_by("starts_at")
    assert [(c.title, c.starts_at, c.ends_at, c.status) for c in copies] == [
        ("Morning meeting", local(AFTER_DST, 9), local(AFTER_DST, 10, 30), ItemStatus.IDEA),
        ("Afternoon visit", local(AFTER_DST, 14), local(AFTER_DST, 15, 30), ItemStatus.IDEA),
    ]
    assert copies[0].pickup_at == local(AFTER_DST, 8, 30)
    # 09:00 Central is 15:00 UTC before the switch and 14:00 UTC after it.
    assert copies[0].starts_at.astimezone(dt.UTC) == dt.datetime(2027, 3, 15, 14, tzinfo=dt.UTC)


def test_copying_a_day_keeps_a_subset_of_participants(staff_client, program, stop):
    ana = ParticipantFactory(program=program)
    item = _meeting(program, stop, whole_group=False)
    item.participants.add(ana)

    staff_client.post(
        reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-03-12"}), {"to_day": "2027-03-16"}
    )

    copy = ItineraryItem.objects.exclude(pk=item.pk).get()
    assert (copy.whole_group, list(copy.participants.all())) == (False, [ana])


def test_copying_a_day_onto_a_busy_day_says_how_many_copies_clash(staff_client, program, stop):
    _meeting(program, stop, title="Morning meeting", hour=9)
    _meeting(program, stop, title="Afternoon visit", hour=14)
    _meeting(program, stop, day=AFTER_DST, title="Already there", hour=9)

    response = staff_client.post(
        reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-03-12"}),
        {"to_day": "2027-03-15"},
        follow=True,
    )

    page = response.content.decode()
    assert "2 items copied." in page
    # The whole group cannot be at the morning meeting and at what is already there.
    assert "1 copy clashes with the itinerary: it is marked ⚠ on the agenda." in page


def test_copying_a_day_onto_a_free_day_warns_of_nothing(staff_client, program, stop):
    _meeting(program, stop, title="Morning meeting", hour=9)

    response = staff_client.post(
        reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-03-12"}),
        {"to_day": "2027-03-15"},
        follow=True,
    )

    assert "clash" not in response.content.decode()


def test_copying_a_day_onto_itself_is_refused(staff_client, program, stop):
    _meeting(program, stop)

    response = staff_client.post(
        reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-03-12"}), {"to_day": "2027-03-12"}
    )

    assert response.context["form"].errors["to_day"] == ["Choose another day to copy to."]
    assert ItineraryItem.objects.count() == 1


def test_copying_a_program_makes_a_shifted_draft_without_people_or_requests(staff_client, program, stop, staff):
    laredo = StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 18), end_date=dt.date(2027, 3, 18))
    program.stops.filter(pk=stop.pk).update(end_date=dt.date(2027, 3, 17))
    interpreter = ProgramStaffMemberFactory(program=program)
    ParticipantFactory(program=program)
    meeting = _meeting(program, stop, title="Coalition", status=ItemStatus.CONFIRMED, interpreter=interpreter)
    MeetingRequestFactory(item=meeting)
    _meeting(program, laredo, day=dt.date(2027, 3, 18), hour=8, title="Shelter visit", whole_group=False)

    response = staff_client.post(
        reverse("copying:program", kwargs={"program_id": program.pk}),
        {"title": "Combating Trafficking in Persons II", "arrival_date": "2027-11-03"},
    )

    copy = Program.objects.get(title="Combating Trafficking in Persons II")
    assert response["Location"] == reverse("programs:program", kwargs={"program_id": copy.pk})
    assert (copy.arrival_date, copy.departure_date, copy.status, copy.coordinator) == (
        dt.date(2027, 11, 3),
        dt.date(2027, 11, 11),
        ProgramStatus.DRAFT,
        staff,
    )
    assert [(s.city, s.start_date, s.end_date) for s in copy.stops.order_by("start_date")] == [
        ("San Antonio", dt.date(2027, 11, 3), dt.date(2027, 11, 10)),
        ("Laredo", dt.date(2027, 11, 11), dt.date(2027, 11, 11)),
    ]
    # Daylight-saving time ended on 7 November: the local times stay.
    items = list(copy.items.select_related("stop").order_by("starts_at"))
    assert [(i.title, i.stop.city, i.starts_at, i.status, i.whole_group, i.interpreter) for i in items] == [
        ("Coalition", "San Antonio", local(dt.date(2027, 11, 5), 9), ItemStatus.IDEA, True, None),
        ("Shelter visit", "Laredo", local(dt.date(2027, 11, 11), 8), ItemStatus.IDEA, True, None),
    ]
    assert (copy.participants.count(), copy.program_staff.count()) == (0, 0)
    assert MeetingRequest.objects.filter(item__program=copy).count() == 0
    # Each copy's history starts with where it was copied from, nothing of the source's.
    assert [change.note[:11] for change in ItemChange.objects.filter(item__program=copy)] == ["Copied from"] * 2


@pytest.mark.parametrize(
    ("method", "name", "kwargs"),
    [
        ("get", "copying:item", lambda item: {"item_id": item.pk}),
        ("post", "copying:item", lambda item: {"item_id": item.pk}),
        ("get", "copying:day", lambda item: {"program_id": item.program_id, "day": "2027-03-12"}),
        ("post", "copying:day", lambda item: {"program_id": item.program_id, "day": "2027-03-12"}),
        ("get", "copying:program", lambda item: {"program_id": item.program_id}),
        ("post", "copying:program", lambda item: {"program_id": item.program_id}),
    ],
)
def test_another_councils_staff_get_404(other_staff_client, program, stop, method, name, kwargs):
    item = _meeting(program, stop)
    data = {"starts_at": "2027-03-11T09:00", "to_day": "2027-03-13", "title": "Stolen", "arrival_date": "2027-05-01"}

    response = getattr(other_staff_client, method)(reverse(name, kwargs=kwargs(item)), data)

    assert response.status_code == 404
    assert (ItineraryItem.objects.count(), Program.objects.count()) == (1, 1)


def test_a_malformed_day_is_not_found(staff_client, program):
    response = staff_client.get(reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-13-45"}))

    assert response.status_code == 404
