from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.enums import AckAnswer, NotificationChannel, NotificationKind, NotificationState, RecipientType


class Notification(models.Model):
    """One message to one person: the outbox row is the truth about what was, or will be, sent.

    Rendered in the recipient's language when it is queued, in the same transaction as the change that
    causes it. ``dedupe_key`` makes "send at most once per purpose" a database rule.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="notifications")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL
    )
    # A webhook row is posted to ``target_url`` (its endpoint's URL, kept here so the outbox can show and filter it)
    # and signed with the endpoint's secret when it is sent; ``recipient_email`` stays empty.
    webhook_endpoint = models.ForeignKey(
        "webhooks.WebhookEndpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    target_url = models.URLField(_("URL"), max_length=500, blank=True)
    essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("Non-essential mail respects opt-outs and carries an unsubscribe link."),
    )
    recipient_type = models.CharField(_("recipient type"), max_length=20, choices=RecipientType.choices)
    recipient_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <text>}]
    attachments = models.JSONField(default=list, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=20, choices=NotificationState.choices, default=NotificationState.QUEUED
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # A row in "sending" belongs to one claim of one worker (``host:pid:claim``) until ``lease_until``; the worker
    # renews the lease while it works, every later change of the row is conditional on still owning it, and a lease
    # that ran out (its worker died) gives the row back to the queue.
    claimed_by = models.CharField(max_length=120, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The dispatcher picks due queued rows in order.
            models.Index(fields=["state", "send_after"], name="notification_due_idx"),
            # The staff outbox lists a council's rows, newest first.
            models.Index(fields=["council", "-created_at"], name="notification_council_idx"),
        ]
        constraints = [
            # A row being sent always has an owner and a lease, so a release can always give it back.
            models.CheckConstraint(
                condition=~models.Q(state=NotificationState.SENDING)
                | (~models.Q(claimed_by="") & models.Q(lease_until__isnull=False)),
                name="notification_sending_has_owner",
            ),
            # A webhook row always knows where it goes.
            models.CheckConstraint(
                condition=~models.Q(channel=NotificationChannel.WEBHOOK) | ~models.Q(target_url=""),
                name="notification_webhook_has_url",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_email or self.target_url}"


class PendingChange(models.Model):
    """Edits of a confirmed item waiting for their merge window to close.

    ``before`` is the item's visitor-facing state before the FIRST edit of the window; later edits keep it, so
    that when the window closes the notice compares the original with the item as it is then (and an edit that
    was undone compares equal and sends nothing).
    """

    item = models.OneToOneField("meetings.ItineraryItem", on_delete=models.CASCADE, related_name="pending_change")
    before = models.JSONField()
    first_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["first_at", "pk"]
        indexes = [
            # The flush task picks changes whose window has closed, oldest first.
            models.Index(fields=["first_at"], name="pendingchange_first_at_idx"),
        ]

    def __str__(self):
        return f"{self.item_id} since {self.first_at:%Y-%m-%d %H:%M}"


class Acknowledgement(models.Model):
    """A host contact or volunteer told of one calendar version (``sequence``) of an item, and what they answered.

    A row is written when the person is sent the item's details with a link (a change notice or the calendar
    invitation on confirmation); the link names the row. "Still fine" (or a proposal of another time) is recorded
    on it, against the version the person saw: when the item has moved since (a higher SEQUENCE), the old link says
    so and records nothing. No name is kept here: it is read from the contact or volunteer, so erasing them leaves
    nothing personal behind but ids.
    """

    item = models.ForeignKey("meetings.ItineraryItem", on_delete=models.CASCADE, related_name="acknowledgements")
    recipient_type = models.CharField(max_length=20, choices=RecipientType.choices)
    recipient_id = models.PositiveBigIntegerField()
    sequence = models.PositiveIntegerField()
    # The item's ``version`` when the person was told: what exactly they saw.
    item_version = models.PositiveIntegerField()
    told_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=20, choices=AckAnswer.choices, blank=True, default=AckAnswer.NONE)
    at = models.DateTimeField(null=True, blank=True)
    proposed_starts_at = models.DateTimeField(null=True, blank=True)
    proposed_ends_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "recipient_type", "recipient_id", "sequence"], name="acknowledgement_once_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(proposed_ends_at__isnull=True)
                | models.Q(proposed_ends_at__gt=models.F("proposed_starts_at")),
                name="acknowledgement_proposal_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} #{self.sequence} → {self.recipient_type} {self.recipient_id}: {self.answer or '-'}"
