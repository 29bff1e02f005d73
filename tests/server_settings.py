"""Settings of the web processes that tests start with gunicorn: the test settings with the page cache on, as in
production, on the shared cache that ``CACHE_URL`` names."""

from exchange.settings_test import *  # noqa: F403

PAGE_CACHE_SECONDS = 600
