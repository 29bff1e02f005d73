from django.db import models
from django.utils.translation import gettext_lazy as _


class VettingStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    VETTED = "vetted", _("Vetted")
    EXPIRED = "expired", _("Expired")


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    FILLED = "filled", _("Slot already filled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    # Staff cancelled the slot: an open invitation can no longer be answered, an accepted host no longer hosts.
    CANCELLED = "cancelled", _("Slot cancelled")


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as stored in ``Volunteer.available_weekdays``."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")
