from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    MEETING = "meeting", _("Professional meeting")
    SITE_VISIT = "site_visit", _("Site visit")
    CULTURAL = "cultural", _("Cultural activity")
    MEAL = "meal", _("Meal")
    HOME_HOSPITALITY = "home_hospitality", _("Home hospitality")
    TRAVEL = "travel", _("Travel")
    BRIEFING = "briefing", _("Briefing")
    FREE_TIME = "free_time", _("Free time")
    VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")


class ItemStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    THANKED = "thanked", _("Thanked")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    PROPOSED = "proposed", _("Other time proposed")
    EXPIRED = "expired", _("No answer by the deadline")
    WITHDRAWN = "withdrawn", _("Withdrawn")
