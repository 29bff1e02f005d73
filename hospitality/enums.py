from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VettingStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    VETTED = "vetted", _("Vetted")
    EXPIRED = "expired", _("Expired")


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


# A meal named inside a sentence, with the article the language wants there: "Would you host visitors for
# {{ meal }} on {{ day }}?" reads "para la cena del martes 2 de marzo" in Spanish, not "para Cena".
MEAL_IN_SENTENCE = {
    Meal.BREAKFAST: pgettext_lazy("meal inside a sentence, with its article", "breakfast"),
    Meal.LUNCH: pgettext_lazy("meal inside a sentence, with its article", "lunch"),
    Meal.DINNER: pgettext_lazy("meal inside a sentence, with its article", "dinner"),
}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("invitation status", "Accepted")
    DECLINED = "declined", pgettext_lazy("invitation status", "Declined")
    FILLED = "filled", pgettext_lazy("invitation status", "Slot already filled")
    WITHDRAWN = "withdrawn", pgettext_lazy("invitation status", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("invitation status", "Expired")
    # Staff cancelled the slot: an open invitation can no longer be answered, an accepted host no longer hosts.
    CANCELLED = "cancelled", pgettext_lazy("invitation status", "Slot cancelled")


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as stored in ``Volunteer.available_weekdays``."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")
