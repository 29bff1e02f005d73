"""The deployed settings with nothing kept: the benchmark's cold server (``bench/run.py``).

Every request builds its page as the first request after a change does: no page, feed or conflict judgement is
read from or written to a cache (a real first request after a change also asks Redis once and stores the result,
two round trips of well under a millisecond on loopback that this leaves out).
"""

from exchange.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
PAGE_CACHE_SECONDS = 0
