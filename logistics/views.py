"""Staff pages of a program's logistics: hotels and confirmation numbers, flights, the transport vendor's sheet,
and the participant list meant for publication (media consent enforced)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange import csv_safe
from logistics import queries
from logistics.enums import FlightDirection
from logistics.forms import ConfirmationNumbersForm, FlightForm, StopHotelForm
from logistics.models import Flight, TransportVendor
from logistics.services import delete_flight, save_flight, set_stop_hotel
from programs.models import Program, Stop


def _program(request, program_id):
    return get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)


def _flight_zones(program, stops=None):
    """(arrival zone, departure zone): the zones of the city the group arrives in and the one it leaves from."""
    stops = list(program.stops.all()) if stops is None else stops
    if not stops:
        return settings.DEFAULT_LOCAL_TIME_ZONE, settings.DEFAULT_LOCAL_TIME_ZONE
    return stops[0].time_zone, stops[-1].time_zone


@staff_required
def program(request, program_id):
    program = _program(request, program_id)
    stops = list(queries.stops_with_hotels(program))
    arrival_zone, departure_zone = _flight_zones(program, stops)
    return render(
        request,
        "logistics/program.html",
        {
            "program": program,
            "stops": stops,
            # Flights are shown in the zone of the city the group arrives in or leaves from.
            "arrival_zone": arrival_zone,
            "departure_zone": departure_zone,
            "flights": queries.flights_for_program(program),
            "vendors": queries.vendors_for_program(program),
        },
    )


@staff_required
def stop_hotel(request, stop_id):
    stop = get_for_council(
        Stop.objects.select_related("program", "hotel"), request.council, council_lookup="program__council", pk=stop_id
    )
    bookings = {booking.participant_id: booking for booking in stop.hotel_bookings.all()}
    hotel_form = StopHotelForm(request.POST or None, council=request.council, initial={"hotel": stop.hotel})
    numbers_form = ConfirmationNumbersForm(
        request.POST or None, participants=stop.program.participants.all(), bookings=bookings
    )
    if request.method == "POST" and hotel_form.is_valid() and numbers_form.is_valid():
        with transaction.atomic():
            set_stop_hotel(
                stop=stop, hotel=hotel_form.cleaned_data["hotel"], confirmation_numbers=numbers_form.numbers()
            )
            record(
                request=request,
                action="set stop hotel and confirmation numbers",
                obj=stop,
                details={"program": stop.program_id, "hotel": stop.hotel_id},
            )
        messages.success(request, _("The hotel of %(city)s is saved.") % {"city": stop.city})
        return redirect("logistics:program", program_id=stop.program_id)
    return render(
        request,
        "logistics/stop_hotel.html",
        {"stop": stop, "program": stop.program, "hotel_form": hotel_form, "numbers_form": numbers_form},
    )


def _flight_form_page(request, program, flight):
    """Add or edit a flight. Until staff pick other zones, both ends are read in the zone of the stop the flight
    serves (the first stop for an arrival, the last for a departure), the zone the logistics page shows it in."""
    arrival_zone, departure_zone = _flight_zones(program)
    form = FlightForm(
        request.POST or None,
        instance=flight,
        program=program,
        default_zone=departure_zone if flight.direction == FlightDirection.DEPARTURE else arrival_zone,
    )
    if request.method == "POST" and form.is_valid():
        creating = flight.pk is None
        with transaction.atomic():
            saved = save_flight(form=form)
            record(
                request=request,
                action="add flight" if creating else "edit flight",
                obj=saved,
                details={"program": program.pk, "participant": saved.participant_id, "fields": form.changed_data},
            )
        messages.success(request, _("The flight is saved."))
        return redirect("logistics:program", program_id=program.pk)
    return render(request, "logistics/flight_form.html", {"program": program, "flight": flight, "form": form})


def _flight(request, flight_id):
    return get_for_council(
        Flight.objects.select_related("participant__program"),
        request.council,
        council_lookup="participant__program__council",
        pk=flight_id,
    )


@staff_required
def flight_new(request, program_id, direction):
    program = _program(request, program_id)
    if direction not in FlightDirection.values:
        raise Http404
    return _flight_form_page(request, program, Flight(direction=direction))


@staff_required
def flight_edit(request, flight_id):
    flight = _flight(request, flight_id)
    return _flight_form_page(request, flight.participant.program, flight)


@require_POST
@staff_required
def flight_remove(request, flight_id):
    flight = _flight(request, flight_id)
    program_id = flight.participant.program_id
    with transaction.atomic():
        record(
            request=request,
            action="delete flight",
            obj=flight,
            details={"program": program_id, "participant": flight.participant_id},
        )
        delete_flight(flight=flight)
    messages.success(request, _("The flight is deleted."))
    return redirect("logistics:program", program_id=program_id)


def _vendor_sheet_context(request, program_id, vendor_id):
    program = _program(request, program_id)
    vendor = get_for_council(TransportVendor.objects, request.council, pk=vendor_id)
    return {
        "program": program,
        "vendor": vendor,
        "items": queries.vendor_sheet_items(program, vendor),
        "participant_count": program.participants.count(),
    }


@staff_required
def vendor_sheet(request, program_id, vendor_id):
    return render(request, "logistics/vendor_sheet.html", _vendor_sheet_context(request, program_id, vendor_id))


@staff_required
def vendor_sheet_pdf(request, program_id, vendor_id):
    from weasyprint import CSS, HTML  # imported here: loading its native libraries is slow; only this view needs it

    context = _vendor_sheet_context(request, program_id, vendor_id)
    html = render_to_string("logistics/vendor_sheet_print.html", context, request=request)
    # The stylesheet is read from disk: fetching it over HTTP from this same server could wait on itself.
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find("lifecycle/print.css"))])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="transport-{program_id}-{vendor_id}.pdf"'
    return response


@staff_required
def publication_csv(request, program_id):
    """Names and countries for a newsletter or report: only participants who consented to media."""
    program = _program(request, program_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-for-publication-{program.pk}.csv"'
    writer = csv_safe.writer(response)  # names and organisations are typed by people: no formulas
    writer.writerow([_("Name"), _("Country"), _("Role"), _("Organization")])
    for participant in queries.participants_for_publication(program):
        writer.writerow([participant.full_name, participant.country, participant.role, participant.organization])
    return response
