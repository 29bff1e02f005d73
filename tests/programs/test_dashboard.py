import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import ItemStatus, RequestStatus
from programs.enums import ProgramStatus
from tests.factories import (
    ItineraryItemFactory,
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def titles(programs):
    return [program.title for program in programs]


def confirmed_program(council, title, arrival):
    """A program with one confirmed item: nothing needs attention."""
    program = ProgramFactory(council=council, title=title, arrival_date=arrival)
    ItineraryItemFactory(program=program, status=ItemStatus.CONFIRMED)
    return program


def test_dashboard_groups_the_councils_programs(staff_client, council, other_council):
    confirmed_program(council, "Rule of law", TODAY - dt.timedelta(days=2))
    confirmed_program(council, "Press freedom", TODAY + dt.timedelta(days=20))
    ProgramFactory(
        council=council, title="Last year", arrival_date=TODAY - dt.timedelta(days=365), status=ProgramStatus.COMPLETED
    )
    unconfirmed = ProgramFactory(council=council, title="Trafficking", arrival_date=TODAY + dt.timedelta(days=30))
    ItineraryItemFactory(program=unconfirmed, status=ItemStatus.IDEA)
    ProgramFactory(council=other_council, title="Another council's program")

    board = staff_client.get(reverse("programs:home")).context["board"]

    assert titles(board.needing_attention) == ["Trafficking"]
    assert titles(board.in_progress) == ["Rule of law"]
    assert titles(board.upcoming) == ["Press freedom", "Trafficking"]
    assert titles(board.closed) == ["Last year"]


def test_unanswered_requests_and_conflicts_need_attention(staff_client, council):
    requested = confirmed_program(council, "Requested", TODAY + dt.timedelta(days=10))
    MeetingRequestFactory(item=requested.items.get(), status=RequestStatus.PENDING)
    answered = confirmed_program(council, "Answered", TODAY + dt.timedelta(days=10))
    MeetingRequestFactory(item=answered.items.get(), status=RequestStatus.ACCEPTED)
    clashing = confirmed_program(council, "Clashing", TODAY + dt.timedelta(days=10))
    ItineraryItemFactory(program=clashing, stop=clashing.stops.get(), status=ItemStatus.CONFIRMED)

    response = staff_client.get(reverse("programs:home"))

    board = response.context["board"]
    assert titles(board.needing_attention) == ["Clashing", "Requested"]
    by_title = {program.title: program for program in board.upcoming}
    assert (by_title["Requested"].pending_request_count, by_title["Answered"].pending_request_count) == (1, 0)
    assert by_title["Clashing"].conflict_count == 2
    assert "⚠ 2" in response.content.decode()


def test_a_new_clash_shows_although_the_conflicts_were_counted_before(staff_client, council, commit):
    program = confirmed_program(council, "Clashing", TODAY + dt.timedelta(days=10))
    assert staff_client.get(reverse("programs:home")).context["board"].needing_attention == []

    with commit():
        ItineraryItemFactory(program=program, stop=program.stops.get(), status=ItemStatus.CONFIRMED)

    board = staff_client.get(reverse("programs:home")).context["board"]
    assert titles(board.needing_attention) == ["Clashing"]
    assert board.upcoming[0].conflict_count == 2


def test_conflict_counts_are_not_judged_again_while_nothing_changed(staff_client, council, django_assert_num_queries):
    confirmed_program(council, "Quiet", TODAY + dt.timedelta(days=10))
    staff_client.get(reverse("programs:home"))

    # session, user (with council); programs; stops; the data version (the conflict context is cached); tasks;
    # agencies' invitations waiting for an answer
    with django_assert_num_queries(7):
        staff_client.get(reverse("programs:home"))


@pytest.mark.parametrize(
    ("search", "expected"),
    [("traffick", ["Combating Trafficking"]), ("IVLP-2027", ["Rule of law"]), ("Quispe", ["Press freedom"])],
    ids=["title", "sponsor-reference", "participant-name"],
)
def test_dashboard_search(staff_client, council, search, expected):
    ProgramFactory(council=council, title="Combating Trafficking")
    ProgramFactory(council=council, title="Rule of law", sponsor_reference="IVLP-2027-04")
    press = ProgramFactory(council=council, title="Press freedom")
    ParticipantFactory(program=press, first_name="Rosa", last_name="Quispe")

    board = staff_client.get(reverse("programs:home"), {"q": search}).context["board"]

    assert titles(board.upcoming + board.in_progress + board.closed) == expected


@pytest.mark.parametrize("size", [10, 200])
def test_dashboard_query_count_does_not_grow_with_items(staff_client, council, django_assert_num_queries, size):
    for index in range(4):
        program = ProgramFactory(council=council, arrival_date=TODAY + dt.timedelta(days=10 * index))
        stop = StopFactory(program=program)
        ParticipantFactory(program=program)
        for minute in range(size // 4):
            item = ItineraryItemFactory(
                program=program,
                stop=stop,
                status=ItemStatus.IDEA,
                starts_at=local(program.arrival_date, 9) + dt.timedelta(minutes=minute),
            )
            MeetingRequestFactory(item=item)

    # session, user (with council); programs with their counts; their stops; the data version of what
    # conflicts depend on; conflict context (items, their participants, their contacts, the programs' participants);
    # tasks due this week; agencies' invitations waiting for an answer
    with django_assert_num_queries(11):
        response = staff_client.get(reverse("programs:home"))

    assert len(response.context["board"].needing_attention) == 4


def test_the_dashboard_lists_the_tasks_due_this_week(staff_client, council):
    from lifecycle.models import ProgramTask

    councils_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(council.time_zone))
    program = confirmed_program(council, "Combating Trafficking", TODAY + dt.timedelta(days=10))
    ProgramTask.objects.create(program=program, title="Confirm meeting details", due_date=councils_today)
    ProgramTask.objects.create(program=program, title="Thank hosts", due_date=councils_today + dt.timedelta(days=30))

    response = staff_client.get(reverse("programs:home"))

    assert [task.title for task in response.context["due_tasks"]] == ["Confirm meeting details"]
    assert "Confirm meeting details" in response.content.decode()
