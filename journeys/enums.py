from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyRole(models.TextChoices):
    ADMIN = "admin", _("Agency admin")
    PROGRAM_OFFICER = "program_officer", _("Program officer")


class NationalProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INVITING = "inviting", _("Inviting councils")
    PLANNING = "planning", _("Planning")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SegmentState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("segment", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("segment", "Accepted")
    DECLINED = "declined", pgettext_lazy("segment", "Declined")
    BUILDING = "building", pgettext_lazy("segment", "Building the itinerary")
    CONFIRMED = "confirmed", pgettext_lazy("segment", "Confirmed")


# The states of a segment its council builds (it accepted): its program exists.
BUILT_STATES = (SegmentState.ACCEPTED, SegmentState.BUILDING, SegmentState.CONFIRMED)


class TravelMode(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    GROUND = "ground", _("Ground transport")
