from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from api.enums import TokenScope


class ApiToken(models.Model):
    """A council's key to the API. Only the SHA-256 digest of the secret is kept: the secret itself is shown once,
    when the token is created; ``prefix`` (the secret's first characters) lets staff tell tokens apart."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The admin who created it: the API's writes are recorded as theirs (in the item history and the audit log),
    # and the token stops working once they are no longer active staff of the council.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Written at most once a minute (``api.authentication``).
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A live token's name says what uses it; a revoked one gives its name back.
            models.UniqueConstraint(
                fields=["council", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_unique_live_name_per_council",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self):
        return self.scope == TokenScope.READ_WRITE

    @property
    def is_revoked(self):
        return self.revoked_at is not None
