from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    """What a council's own systems can be told of; the value is the ``type`` of the event's body."""

    ITEM_CREATED = "item.created", _("Itinerary item created")
    ITEM_CHANGED = "item.changed", _("Itinerary item changed")
    ITEM_CANCELLED = "item.cancelled", _("Itinerary item cancelled")
    REQUEST_ANSWERED = "request.answered", _("Meeting request answered by a host")
    INVITATION_ANSWERED = "invitation.answered", _("Hospitality invitation answered by a volunteer")
