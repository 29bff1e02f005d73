from django.db import models
from django.utils.translation import pgettext_lazy

# The labels have contexts: the same words name other things elsewhere ("Home hospitality" is also a section of the
# app) and statuses agree in gender with what they describe (in Spanish an item is "Cancelada", a program
# "Cancelado", an invitation "Aceptada" but in Portuguese "Aceito").


class ItemKind(models.TextChoices):
    MEETING = "meeting", pgettext_lazy("itinerary item kind", "Professional meeting")
    SITE_VISIT = "site_visit", pgettext_lazy("itinerary item kind", "Site visit")
    CULTURAL = "cultural", pgettext_lazy("itinerary item kind", "Cultural activity")
    MEAL = "meal", pgettext_lazy("itinerary item kind", "Meal")
    HOME_HOSPITALITY = "home_hospitality", pgettext_lazy("itinerary item kind", "Home hospitality")
    TRAVEL = "travel", pgettext_lazy("itinerary item kind", "Travel")
    BRIEFING = "briefing", pgettext_lazy("itinerary item kind", "Briefing")
    FREE_TIME = "free_time", pgettext_lazy("itinerary item kind", "Free time")
    VOLUNTEER_SERVICE = "volunteer_service", pgettext_lazy("itinerary item kind", "Volunteer service")


class ItemStatus(models.TextChoices):
    IDEA = "idea", pgettext_lazy("itinerary item status", "Idea")
    REQUESTED = "requested", pgettext_lazy("itinerary item status", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("itinerary item status", "Confirmed")
    DECLINED = "declined", pgettext_lazy("itinerary item status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("itinerary item status", "Cancelled")
    THANKED = "thanked", pgettext_lazy("itinerary item status", "Thanked")


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("meeting request status", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("meeting request status", "Accepted")
    DECLINED = "declined", pgettext_lazy("meeting request status", "Declined")
    PROPOSED = "proposed", pgettext_lazy("meeting request status", "Other time proposed")
    EXPIRED = "expired", pgettext_lazy("meeting request status", "No answer by the deadline")
    WITHDRAWN = "withdrawn", pgettext_lazy("meeting request status", "Withdrawn")
