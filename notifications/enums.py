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
    STAFF_DIGEST = "staff_digest", _("Staff digest")
    PERSONAL_LINK = "personal_link", _("Personal link")
    REQUEST_ANSWER = "request_answer", _("Answer to a request")
    OTHER = "other", _("Other")


class NotificationState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # The dead letter: every attempt failed; the last error is kept and staff may send it again.
    FAILED = "failed", _("Failed (dead letter)")
    CANCELLED = "cancelled", _("Cancelled")


class RecipientType(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    PROGRAM_STAFF = "program_staff", _("Program staff")
    CONTACT = "contact", _("Host contact")
    VOLUNTEER = "volunteer", _("Volunteer")
    STAFF = "staff", _("Council staff")
    OTHER = "other", _("Other")
