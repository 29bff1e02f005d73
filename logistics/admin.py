from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from logistics.models import Flight, Hotel, HotelBooking, TransportVendor


@admin.register(Hotel)
class HotelAdmin(CouncilScopedAdmin):
    list_display = ["name", "city", "phone"]


@admin.register(HotelBooking)
class HotelBookingAdmin(CouncilScopedAdmin):
    council_lookup = "stop__program__council"
    list_display = ["participant", "stop", "confirmation_number"]


@admin.register(Flight)
class FlightAdmin(CouncilScopedAdmin):
    council_lookup = "participant__program__council"
    list_display = ["participant", "direction", "carrier", "number", "departs_at"]


@admin.register(TransportVendor)
class TransportVendorAdmin(CouncilScopedAdmin):
    list_display = ["name", "kind", "phone"]
