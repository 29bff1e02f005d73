from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskAnchor(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance")
    ARRIVAL = "arrival", _("Arrival")
    DEPARTURE = "departure", _("Departure")


class TaskMessage(models.TextChoices):
    """The prepared message a task opens, if any."""

    HOST_DETAILS = "host_details", _("Visitor details to home-hospitality hosts")
    SPONSOR_UPDATE = "sponsor_update", _("Itinerary update to the program officer")
    THANK_YOU = "thank_you", _("Thank-yous to hosts and volunteers")


class RespondentType(models.TextChoices):
    CONTACT = "contact", _("Host contact")
    VOLUNTEER = "volunteer", _("Volunteer")


class Rating(models.IntegerChoices):
    POOR = 1, _("Poor")
    FAIR = 2, _("Fair")
    GOOD = 3, _("Good")
    VERY_GOOD = 4, _("Very good")
    EXCELLENT = 5, _("Excellent")
