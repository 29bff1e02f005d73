from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MEETING_REQUEST = "meeting_request", _("Meeting request")
    INVITATION = "invitation", _("Hospitality invitation")
    DAILY_SCHEDULE = "daily_schedule", _("Daily schedule")
    HOST_REMINDER = "host_reminder", _("Host reminder")
    VOLUNTEER_REMINDER = "volunteer_reminder", _("Volunteer reminder")
    STAFF_REMINDER = "staff_reminder", _("Staff reminder")
    CHANGE_NOTICE = "change_notice", _("Change notice")
    # A host's or volunteer's calendar invitation when an item is confirmed (changes go as change notices).
    CALENDAR_INVITATION = "calendar_invitation", _("Calendar invitation")
    STAFF_DIGEST = "staff_digest", _("Staff digest")
    PERSONAL_LINK = "personal_link", _("Personal link")
    REQUEST_ANSWER = "request_answer", _("Answer to a request")
    # An event posted to a council's own systems (``webhooks``), not an email.
    WEBHOOK = "webhook", _("Webhook event")
    OTHER = "other", _("Other")


class NotificationState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # The dead letter: every attempt failed; the last error is kept and staff may send it again.
    FAILED = "failed", _("Failed (dead letter)")
    CANCELLED = "cancelled", _("Cancelled")


class NotificationChannel(models.TextChoices):
    """How a row goes out: the claims, attempts, backoff and dead letter are the same for every channel."""

    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class RecipientType(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    PROGRAM_STAFF = "program_staff", _("Program staff")
    CONTACT = "contact", _("Host contact")
    VOLUNTEER = "volunteer", _("Volunteer")
    TRANSPORT_VENDOR = "vendor", _("Transport vendor")
    STAFF = "staff", _("Council staff")
    WEBHOOK_ENDPOINT = "webhook_endpoint", _("Webhook endpoint")
    OTHER = "other", _("Other")


class AckAnswer(models.TextChoices):
    """What a host contact or volunteer said from the link in a change notice or calendar invitation."""

    NONE = "", _("Not yet")
    STILL_FINE = "fine", _("Still fine")
    OTHER_TIME = "other_time", _("Proposed another time")


class ItemRole(models.TextChoices):
    """Why a change to an item concerns someone (the first that applies names them in lists)."""

    CONTACT = "contact", _("Host contact")
    VOLUNTEER = "volunteer", _("Volunteer host")
    INTERPRETER = "interpreter", _("Interpreter")
    VENDOR = "vendor", _("Transport vendor")
    PROGRAM_STAFF = "program_staff", _("Program staff")
    PARTICIPANT = "participant", _("Participant")
