import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached tables are keyed by round and publishing time; tests reuse both."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
