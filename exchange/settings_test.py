"""Settings for the test suite: the production settings with test-only defaults for what CI does not set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EXCHANGE_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))
# Tests that need a broker start their own worker against Redis; the rest publish nowhere.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from exchange.settings import *  # noqa: E402, F403

# Tests never collect static files; WhiteNoise then has no directory to serve from and need not look for one.
STATIC_ROOT = None
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing: tests sign in a lot
# A test runs in one transaction, where the data version moves once: a test that read a page twice around a later
# change would see the first copy. The page cache is on only in the tests about it (``tests/test_page_cache.py``).
PAGE_CACHE_SECONDS = 0
