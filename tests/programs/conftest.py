import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep work in the cache under the data version; a test starts with none from another."""
    cache.clear()
    yield
    cache.clear()
