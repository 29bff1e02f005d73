"""The database itself refuses impossible data, whatever code writes it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hospitality.models import HospitalitySlot
from tests.factories import (
    HospitalitySlotFactory,
    ItineraryItemFactory,
    ProgramFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db


def test_item_ending_before_it_starts_is_refused():
    item = ItineraryItemFactory()

    item.ends_at = item.starts_at - dt.timedelta(minutes=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_program_departing_before_arrival_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(arrival_date=dt.date(2027, 3, 10), departure_date=dt.date(2027, 3, 9))


def test_stops_whose_nights_overlap_are_refused():
    program = ProgramFactory(arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 8))
    StopFactory(program=program, city="San Antonio", start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))

    with pytest.raises(IntegrityError), transaction.atomic():
        StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 4), end_date=dt.date(2027, 3, 8))


def test_a_one_day_stop_cannot_hide_inside_another_stop():
    program = ProgramFactory(arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 8))
    StopFactory(program=program, city="San Antonio", start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))

    with pytest.raises(IntegrityError), transaction.atomic():
        StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 3), end_date=dt.date(2027, 3, 3))


def test_consecutive_stops_may_share_the_travel_day():
    program = ProgramFactory(arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 8))
    StopFactory(program=program, city="San Antonio", start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))

    StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 5), end_date=dt.date(2027, 3, 8))

    assert program.stops.count() == 2


def test_stops_of_different_programs_may_overlap():
    StopFactory(start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))

    StopFactory(start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))


def test_moving_a_stop_into_another_is_refused():
    program = ProgramFactory(arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 8))
    StopFactory(program=program, city="San Antonio", start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 5))
    laredo = StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 5), end_date=dt.date(2027, 3, 8))

    laredo.start_date = dt.date(2027, 3, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        laredo.save()


def test_a_slot_cannot_accept_more_hosts_than_it_needs():
    slot = HospitalitySlotFactory(hosts_needed=2)
    HospitalitySlot.objects.filter(pk=slot.pk).update(accepted_hosts=2)

    with pytest.raises(IntegrityError), transaction.atomic():
        HospitalitySlot.objects.filter(pk=slot.pk).update(accepted_hosts=3)


def test_a_slot_ending_before_it_starts_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        HospitalitySlotFactory(starts_at=local(dt.date(2027, 3, 2), 18), ends_at=local(dt.date(2027, 3, 2), 17))


def test_an_unknown_time_zone_fails_validation():
    stop = StopFactory.build(program=ProgramFactory(), time_zone="America/Atlantis")

    with pytest.raises(ValidationError) as error:
        stop.full_clean()

    assert "time_zone" in error.value.message_dict


def test_stored_times_are_aware_and_keep_the_instant():
    item = ItineraryItemFactory(starts_at=local(dt.date(2027, 3, 2), 9))

    item.refresh_from_db()

    assert item.starts_at.tzinfo is not None
    assert item.starts_at == dt.datetime(2027, 3, 2, 15, 0, tzinfo=dt.UTC)
