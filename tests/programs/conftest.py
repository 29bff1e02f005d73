import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep judgements in the cache under fingerprints of the data; a test starts with none from another."""
    cache.clear()
    yield
    cache.clear()
