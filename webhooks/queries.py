"""Querysets the endpoint pages read."""

from webhooks.models import WebhookEndpoint


def council_endpoints(council):
    """A council's endpoints, without their secrets (never shown after they are made)."""
    return WebhookEndpoint.objects.filter(council=council).defer("secret")
