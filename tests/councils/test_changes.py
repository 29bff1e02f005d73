"""The council's data version: it moves once in every transaction that changes what the council's pages show, and
only then. Cached pages are kept under it, so a change it misses would leave a stale page in the cache.

A test runs in a transaction that is never committed: ``commit()`` (tests/conftest.py) makes a block a transaction
of its own. What the fixtures wrote counts as committed before the block starts.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import m2m_changed

from audit.privacy import erase_participant, erase_volunteer
from councils.changes import TRACKED, UNTRACKED
from councils.models import Council
from demo.loader import load_demo
from hospitality import services as hospitality
from hospitality.enums import InvitationStatus
from lifecycle import services as lifecycle
from lifecycle.defaults import seed_default_template
from lifecycle.models import ItineraryVersion, ProgramTask
from lifecycle.prepared_messages import send_thank_yous
from lifecycle.sponsor_review import approve_version, note_opened, revoke_version
from logistics.models import Hotel
from meetings import requests as meeting_requests
from meetings.copying import copy_day, copy_item, copy_program
from meetings.enums import ItemStatus, RequestStatus
from notifications.preferences import opt_out
from programs.links import reissue_link, revoke_link
from tests.factories import (
    PROGRAM_START,
    ContactFactory,
    HospitalitySlotFactory,
    InvitationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StopFactory,
    VenueFactory,
    VolunteerFactory,
    local,
)
from tests.lifecycle.factories import ChecklistTemplateFactory, ProgramTaskFactory, TemplateTaskFactory
from visitors.services import record_visit

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def version(council):
    return Council.objects.values_list("data_version", flat=True).get(pk=council.pk)


@pytest.fixture
def moves(council, other_council):
    """``with moves(by=1):`` asserts the block moves the council's version by that much, and the other council's
    not at all."""

    class Moves:
        def __init__(self, by=1):
            self.by = by

        def __enter__(self):
            self.before = version(council), version(other_council)

        def __exit__(self, *exc_info):
            if exc_info[0] is None:
                assert (version(council), version(other_council)) == (self.before[0] + self.by, self.before[1])

    return Moves


# Every model is accounted for


def _project_models():
    root = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(root) and "site-packages" not in path.parts:
            yield from config.get_models()


def test_every_model_of_the_project_is_either_tracked_or_declared_unshown():
    labels = {model._meta.label for model in _project_models()}

    assert labels - TRACKED.keys() - UNTRACKED == set()
    assert TRACKED.keys() & UNTRACKED == set()
    assert (TRACKED.keys() | UNTRACKED) - labels == set()  # no stale names


def test_every_many_to_many_of_a_tracked_model_is_heard():
    throughs = [
        field.remote_field.through
        for label in TRACKED
        for field in apps.get_model(label)._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]

    assert throughs
    assert [through for through in throughs if not m2m_changed.has_listeners(through)] == []


# Saving and deleting


def _program(council):
    return ProgramFactory(council=council)


def _stop(council):
    return StopFactory(program__council=council)


def _item(council):
    return ItineraryItemFactory(program__council=council)


def _participant(council):
    return ParticipantFactory(program__council=council)


def _contact(council):
    return ContactFactory(organization__council=council)


def _venue(council):
    return VenueFactory(council=council)


def _hotel(council):
    return Hotel.objects.create(council=council, name="Hotel Valencia", address="150 E Houston St", city="San Antonio")


def _volunteer(council):
    return VolunteerFactory(council=council)


def _slot(council):
    return HospitalitySlotFactory(program__council=council)


def _invitation(council):
    return InvitationFactory(slot__program__council=council)


def _program_task(council):
    return ProgramTaskFactory(program__council=council)


def _meeting_request(council):
    return MeetingRequestFactory(item__program__council=council)


@pytest.mark.parametrize(
    "make",
    [
        _program,
        _stop,
        _item,
        _participant,
        _contact,
        _venue,
        _hotel,
        _volunteer,
        _slot,
        _invitation,
        _program_task,
        _meeting_request,
    ],
)
def test_saving_or_deleting_moves_the_councils_version_once_and_no_other_councils(make, council, commit, moves):
    with commit():
        obj = make(council)
    reloaded = type(obj).objects.get(pk=obj.pk)  # nothing loaded along: the council is found from the ids

    with moves(by=1), commit():
        reloaded.save()
    with moves(by=1), commit():
        reloaded.delete()


def test_creating_moves_the_version_once_however_many_rows_it_writes(council, commit, moves):
    with moves(by=1), commit():
        item = _item(council)  # a sponsor, a program, a stop and the item
        item.participants.add(_participant(council))


def test_a_transaction_that_saves_many_items_moves_the_version_once(council, commit, moves):
    program = _program(council)
    stop = StopFactory(program=program)
    with commit():
        items = ItineraryItemFactory.create_batch(5, program=program, stop=stop)

    with moves(by=1), commit(), transaction.atomic():
        for item in items:
            item.title += " (confirmed)"
            item.save()


def test_changes_to_two_councils_in_one_transaction_move_both_once(council, other_council, commit):
    before = version(council), version(other_council)

    with commit(), transaction.atomic():
        _venue(council)
        _venue(other_council)
        _venue(other_council)

    assert (version(council), version(other_council)) == (before[0] + 1, before[1] + 1)


def test_the_version_moves_inside_the_transaction_of_the_change(council, commit):
    before = version(council)
    with commit():
        _venue(council)
        assert version(council) == before + 1  # committed with the change, or not at all

    assert version(council) == before + 1


# What does not count as a change


def test_a_visitors_visit_writes_only_the_time_of_their_last_look_and_moves_nothing(council, commit, moves):
    with commit():
        participant = _participant(council)
        interpreter = ProgramStaffMemberFactory(program=participant.program)

    with moves(by=0), commit():
        record_visit(holder=participant)
        record_visit(holder=interpreter)

    participant.refresh_from_db()
    assert participant.last_seen_at is not None


def test_a_staff_members_sign_in_moves_nothing_but_renaming_them_does(client, staff, commit, moves):
    with moves(by=0), commit():
        client.force_login(staff)
    staff.refresh_from_db()
    assert staff.last_login is not None

    staff.first_name = "Samantha"
    with moves(by=1), commit():
        staff.save()


# Who attends an item


def test_adding_or_removing_a_participant_or_contact_of_an_item_moves_the_version(council, commit, moves):
    with commit():
        item = _item(council)
        participant = ParticipantFactory(program=item.program)
        contact = _contact(council)

    with moves(by=1), commit():
        item.participants.add(participant)
    with moves(by=1), commit():
        item.participants.remove(participant)
    with moves(by=1), commit():
        item.contacts.set([contact])
    with moves(by=1), commit():
        contact.items.clear()  # from the other side
    with moves(by=1), commit():
        participant.items.add(item)


# Rollbacks and stale councils


def test_a_rolled_back_change_moves_nothing(council, other_council, commit):
    before = version(council), version(other_council)

    with commit():
        try:
            with transaction.atomic():
                _venue(council)
                raise Rollback
        except Rollback:
            pass
    assert version(council) == before[0]

    with commit():
        _venue(other_council)
    assert (version(council), version(other_council)) == (before[0], before[1] + 1)


def test_a_change_after_a_rolled_back_savepoint_moves_the_version_again(council, commit):
    before = version(council)

    with commit(), transaction.atomic():
        try:
            with transaction.atomic():
                _venue(council)
                raise Rollback
        except Rollback:
            pass
        _venue(council)

    assert version(council) == before + 1


def test_saving_a_council_read_before_a_change_keeps_the_newer_version(council, commit):
    stale = Council.objects.get(pk=council.pk)
    with commit():
        _venue(council)
    moved = version(council)

    stale.name = "San Antonio Council for International Visitors"
    with commit():
        stale.save()

    assert version(council) == moved + 1  # the council's own edit moves it; the old number is not written back
    assert Council.objects.get(pk=council.pk).name == "San Antonio Council for International Visitors"


# Writes that send no signals: each one notes its change itself


def test_ticking_off_and_reopening_a_task_moves_the_version(council, staff, commit, moves):
    with commit():
        task = _program_task(council)

    with moves(by=1), commit():
        assert lifecycle.complete_task(task=task, user=staff)
    with moves(by=0), commit():
        assert not lifecycle.complete_task(task=task, user=staff)  # already done: nothing changed
    with moves(by=1), commit():
        assert lifecycle.reopen_task(task=task)


def test_a_programs_checklist_following_its_template_moves_the_version(council, commit, moves):
    with commit():
        program = _program(council)
        TemplateTaskFactory(template__council=council, template__program_type=program.program_type)

    with moves(by=1), commit():
        lifecycle.sync_checklist(program)
    assert ProgramTask.objects.filter(program=program).count() == 1

    with commit():
        program.arrival_date += dt.timedelta(days=7)
        program.departure_date += dt.timedelta(days=7)
        program.save()
    with moves(by=1), commit():
        lifecycle.sync_checklist(program)  # the task's due date follows the new dates
    assert ProgramTask.objects.get(program=program).due_date == program.arrival_date - dt.timedelta(days=14)


def test_seeding_the_default_checklist_moves_the_version(council, commit, moves):
    with commit():
        ChecklistTemplateFactory(council=council)  # an empty template: seeding only adds its tasks

    with moves(by=1), commit():
        seed_default_template(council)


def test_thanking_hosts_moves_the_version(council, staff, commit, moves):
    with commit():
        item = _item(council)
        item.contacts.add(_contact(council))

    with moves(by=1), commit():
        send_thank_yous(program=item.program, user=staff, now=item.ends_at + dt.timedelta(days=1))

    item.refresh_from_db()
    assert item.status == ItemStatus.THANKED


def test_approving_revoking_and_opening_a_sponsor_version_move_the_version(council, staff, commit, moves):
    with commit():
        program = _program(council)
        version_ = ItineraryVersion.objects.create(program=program, number=1)
    version_ = ItineraryVersion.objects.select_related("program").get(pk=version_.pk)

    with moves(by=1), commit():
        approve_version(version=version_, user=staff)
    with moves(by=1), commit():
        note_opened(version_)
    with moves(by=0), commit():
        note_opened(version_)  # only the first opening is recorded
    with moves(by=1), commit():
        revoke_version(version=version_)


def test_copying_an_item_a_day_or_a_program_moves_the_version(council, commit, moves):
    with commit():
        item = _item(council)
        item.contacts.add(_contact(council))
        item.participants.add(ParticipantFactory(program=item.program))
    day = PROGRAM_START + dt.timedelta(days=1)

    with moves(by=1), commit():
        copy_item(item=item, starts_at=local(day, 14))
    with moves(by=1), commit():
        copy_day(program=item.program, day=day, to_day=day + dt.timedelta(days=1))
    with moves(by=1), commit():
        copy_program(program=item.program, title="Next delegation", arrival_date=PROGRAM_START + dt.timedelta(days=60))


def test_a_meeting_request_reminded_or_expired_by_the_sweep_moves_the_version(council, commit, moves):
    with commit():
        meeting_request = _meeting_request(council)

    with moves(by=1), commit():
        assert meeting_requests.send_due_reminders(now=meeting_request.deadline - dt.timedelta(hours=1)) == 1
    with moves(by=1), commit():
        assert meeting_requests.expire_overdue(now=meeting_request.deadline) == 1
    meeting_request.refresh_from_db()
    assert meeting_request.status == RequestStatus.EXPIRED


def test_the_sweep_moves_the_version_of_each_council_whose_requests_expired(council, other_council, commit):
    with commit():
        mine, theirs = _meeting_request(council), _meeting_request(other_council)
    before = version(council), version(other_council)

    with commit():
        meeting_requests.expire_overdue(now=max(mine.deadline, theirs.deadline))

    assert (version(council), version(other_council)) == (before[0] + 1, before[1] + 1)


def test_a_volunteers_offered_dates_move_the_version(council, commit, moves):
    with commit():
        volunteer = _volunteer(council)

    with moves(by=1), commit():
        hospitality.set_available_dates(volunteer=volunteer, dates=[PROGRAM_START])


def test_expired_invitations_and_a_withdrawn_host_move_the_version(council, commit, moves):
    with commit():
        pending = _invitation(council)
        accepted = InvitationFactory(slot=pending.slot)
        hospitality.accept(invitation=accepted, now=pending.expires_at - dt.timedelta(days=1))

    with moves(by=1), commit():
        assert hospitality.expire_pending(now=pending.expires_at) == 1
    with moves(by=1), commit():
        hospitality.withdraw(invitation=accepted, now=pending.expires_at)

    assert pending.slot.invitations.get(pk=pending.pk).status == InvitationStatus.EXPIRED
    pending.slot.refresh_from_db()
    assert pending.slot.accepted_hosts == 0


def test_erasing_a_participant_or_a_volunteer_moves_the_version(council, commit, moves):
    with commit():
        item = _item(council)
        participant = ParticipantFactory(program=item.program)
        item.participants.add(participant)
        invitation = InvitationFactory(slot=HospitalitySlotFactory(program=item.program, stop=item.stop))
        hospitality.accept(invitation=invitation, now=invitation.expires_at - dt.timedelta(days=1))

    with moves(by=1), commit():
        erase_participant(participant=participant)
    with moves(by=1), commit():
        erase_volunteer(volunteer=invitation.volunteer)


def test_revoking_or_reissuing_a_personal_link_moves_the_version(council, commit, moves):
    with commit():
        participant = _participant(council)

    with moves(by=1), commit():
        revoke_link(participant)
    with moves(by=1), commit():
        reissue_link(participant)


def test_unsubscribing_moves_the_version(council, commit, moves):
    with commit():
        participant = _participant(council)

    with moves(by=1), commit():
        opt_out(type(participant).objects.get(pk=participant.pk))


def test_loading_the_demo_moves_the_version_of_the_councils_that_were_there(council, other_council, commit):
    assert (council.slug, other_council.slug) == ("saciv", "stl-civ")  # the demo's two councils
    before = version(council), version(other_council)

    with commit():
        load_demo(today=dt.date(2027, 6, 19))

    assert (version(council), version(other_council)) == (before[0] + 1, before[1] + 1)


# A process that dies right after COMMIT


@pytest.mark.django_db(transaction=True)
def test_the_version_commits_with_the_change_even_if_nothing_runs_after_the_commit(require_postgres):
    from tests.concurrency import run_at_once
    from tests.factories import CouncilFactory

    council = CouncilFactory()
    before = version(council)

    with transaction.atomic():
        _venue(council)
        # Another request meanwhile still reads the old version, with the old data.
        assert run_at_once([lambda: version(council)]) == [before]
        connection.run_on_commit = []  # the process dies right after COMMIT: no callback of ours ever runs

    assert version(council) == before + 1
