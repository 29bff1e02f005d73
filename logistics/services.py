"""Logistics changes staff make from the program's logistics page."""

from django.db import transaction

from logistics.models import HotelBooking


@transaction.atomic
def set_stop_hotel(*, stop, hotel, confirmation_numbers):
    """Put the stop at ``hotel`` and record each participant's confirmation number (blank: no booking)."""
    stop.hotel = hotel
    stop.save(update_fields=["hotel"])
    for participant, number in confirmation_numbers.items():
        if number:
            HotelBooking.objects.update_or_create(
                stop=stop, participant=participant, defaults={"confirmation_number": number}
            )
        else:
            HotelBooking.objects.filter(stop=stop, participant=participant).delete()


@transaction.atomic
def save_flight(*, form):
    """Save a valid ``FlightForm`` (a new flight or changes to one)."""
    return form.save()


@transaction.atomic
def delete_flight(*, flight):
    flight.delete()
