from django.db import models
from django.utils.translation import gettext_lazy as _


class FlightDirection(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    DEPARTURE = "departure", _("Departure")


class VendorKind(models.TextChoices):
    COMPANY = "company", _("Transport company")
    DRIVER = "driver", _("Driver")
