"""One HTTP POST of an outbox row to its endpoint: the outbox claims, records and retries it like an email.

Anything but a 2xx answer within ``WEBHOOK_TIMEOUT_SECONDS`` is a failed attempt: a refused or timed-out
connection, an error status, and a redirect (followed, it would send a signed body somewhere the council did not
name). Addresses inside private networks are refused unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` is on, so that an
endpoint cannot be used to reach the services next to the app.
"""

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

from webhooks import signing
from webhooks.models import WebhookEndpoint

USER_AGENT = "Exchange-Webhooks/1"


class DeliveryError(Exception):
    """Why a delivery failed, as staff read it in the outbox."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirects)


def _check_address(url):
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise DeliveryError(f"Cannot resolve {parts.hostname}: {exc}") from exc
    for *_, address in found:
        if not ipaddress.ip_address(address[0]).is_global:
            raise DeliveryError(f"{parts.hostname} resolves to a private address ({address[0]}); not sent.")


def request_for(notification, endpoint):
    """The signed request of a row: its body as queued, signed with the endpoint's current secret."""
    body = notification.body_text.encode()
    event = json.loads(notification.body_text)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.SIGNATURE_HEADER: signing.sign(endpoint.secret, body),
        signing.EVENT_ID_HEADER: event["id"],
        signing.EVENT_TYPE_HEADER: event["type"],
    }
    return urllib.request.Request(notification.target_url, data=body, headers=headers, method="POST")


def post(notification):
    """Deliver one row; raises ``DeliveryError`` (or an ``OSError``) when the endpoint did not take it."""
    endpoint = WebhookEndpoint.objects.filter(pk=notification.webhook_endpoint_id).only("secret").first()
    if endpoint is None:
        raise DeliveryError("The endpoint was deleted.")
    _check_address(notification.target_url)
    try:
        with _opener.open(request_for(notification, endpoint), timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)  # the answer is not used; a little is read so the receiver is not cut off mid-write
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DeliveryError(f"Cannot connect: {exc.reason}") from exc
