from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from councils.models import Council
from exchange.phones import PhoneField
from logistics.enums import FlightDirection, VendorKind


class Hotel(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="hotels")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=120)
    phone = PhoneField(_("phone"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="hotel_unique_name_per_council")]

    def __str__(self):
        return self.name


class HotelBooking(models.Model):
    """A participant's room at the hotel of one stop."""

    stop = models.ForeignKey("programs.Stop", on_delete=models.CASCADE, related_name="hotel_bookings")
    participant = models.ForeignKey("programs.Participant", on_delete=models.CASCADE, related_name="hotel_bookings")
    confirmation_number = models.CharField(_("confirmation number"), max_length=60, blank=True)

    class Meta:
        ordering = ["stop", "participant"]
        constraints = [
            models.UniqueConstraint(fields=["stop", "participant"], name="hotelbooking_one_per_stop"),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.stop}"


class Flight(models.Model):
    participant = models.ForeignKey("programs.Participant", on_delete=models.CASCADE, related_name="flights")
    direction = models.CharField(_("direction"), max_length=10, choices=FlightDirection.choices)
    carrier = models.CharField(_("airline"), max_length=80)
    number = models.CharField(_("flight number"), max_length=20)
    from_airport = models.CharField(pgettext_lazy("route", "from"), max_length=80)
    to_airport = models.CharField(pgettext_lazy("route", "to"), max_length=80)
    departs_at = models.DateTimeField(_("departs"))
    arrives_at = models.DateTimeField(_("arrives"))

    class Meta:
        ordering = ["departs_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrives_at__gt=models.F("departs_at")), name="flight_arrives_after_departure"
            ),
        ]

    def __str__(self):
        return f"{self.carrier} {self.number}"


class TransportVendor(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="transport_vendors")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=VendorKind.choices, default=VendorKind.COMPANY)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="vendor_unique_name_per_council")]

    def __str__(self):
        return self.name
