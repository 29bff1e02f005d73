from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per token (e.g. "600/minute"); past it, 429 with Retry-After.

    The counts live in the cache (Redis when ``CACHE_URL`` says so, shared by every web process; otherwise each
    process counts its own)."""

    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        # The prefix, not the id: ids can come back after a rollback, a prefix is random.
        return f"api-throttle:{request.auth.prefix}"
