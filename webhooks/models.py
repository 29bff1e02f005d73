from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """A URL of a council's own systems that is told of the events it chose, each body signed with ``secret``.

    The secret is kept as it is (an HMAC needs it at every delivery); staff see it once, when it is made.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="webhook_endpoints")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    # A list of ``WebhookEvent`` values; a JSON list rather than an array so that SQLite development keeps working.
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(max_length=100)
    secret_rotated_at = models.DateTimeField(_("secret made"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [
            # Every event looks up its council's active endpoints, inside the transaction of the change.
            models.Index(fields=["council", "is_active"], name="webhook_council_active_idx"),
        ]

    def __str__(self):
        return self.name

    def wants(self, event_type):
        return self.is_active and event_type in self.events
