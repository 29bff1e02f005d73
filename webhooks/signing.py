"""The signature a receiver checks: an HMAC-SHA256 of the exact body bytes, keyed with the endpoint's secret."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Exchange-Signature"
EVENT_ID_HEADER = "X-Exchange-Event-Id"
EVENT_TYPE_HEADER = "X-Exchange-Event"
_PREFIX = "whsec_"


def make_secret():
    return _PREFIX + secrets.token_urlsafe(32)


def sign(secret, body):
    """``sha256=<hex>`` of ``body`` (bytes), as sent in ``X-Exchange-Signature``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret, body, signature):
    """What a receiver does (and the tests): compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")
