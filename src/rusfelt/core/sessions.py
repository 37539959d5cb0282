"""Sessions in the database with a copy in the shared cache (Django's ``cached_db``), whose
one read also brings the few keys of the shared cache that nearly every signed-in page reads.

A signed-in page read its session from the shared cache and then, in a second round
trip, the token that keys what each process keeps of the indikatorer pages
(``indikatorer.views._token``): a query each on the database cache (issue 12). Here
the session's read asks for the keys in ``settings.RUSFELT_READ_WITH_SESSION`` too,
in the same ``get_many`` (one query on the database cache, one MGET on Redis), and
puts what it found in the request's memo (``core.scoping.request_memo``), where
``shared_value`` finds them for the rest of that request and no longer.

Nothing else changes: the session, its copy, its expiry and its deletion are Django's
``cached_db``; a key missing from the shared cache (a cleared cache) is read and set
by ``shared_value`` as ``cache.get_or_set`` always did, so every process sees a
cleared cache on its next request.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS, caches

from .scoping import request_memo

#: Where the memo keeps a key read with the session (apart from the memo's other entries).
_MEMO = "read-with-session"


class SessionStore(cached_db.SessionStore):
    """Django's ``cached_db`` store whose cache read also brings ``RUSFELT_READ_WITH_SESSION``."""

    def load(self):
        memo = request_memo()
        companions = getattr(settings, "RUSFELT_READ_WITH_SESSION", ())
        # Only with the shared cache the companions live in, and within a request.
        if memo is None or not companions or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return super().load()
        try:
            found = self._cache.get_many([self.cache_key, *companions])
        except Exception:  # an invalid key: Django's load() resets the session (#17810)
            return super().load()
        for key in companions:
            if key in found:
                memo[(_MEMO, key)] = found[key]
        data = found.get(self.cache_key)
        # Not in the cache: Django's own load, from the database (and the copy set again).
        return data if data is not None else super().load()


def shared_value(key: str, default, timeout=None):
    """``cache.get_or_set(key, default, timeout)`` on the shared cache, once per request:
    a key of ``RUSFELT_READ_WITH_SESSION`` comes from this request's session read when
    that found it (``SessionStore``), without a round trip of its own."""
    memo = request_memo()
    if memo is not None and (_MEMO, key) in memo:
        return memo[(_MEMO, key)]
    value = caches[DEFAULT_CACHE_ALIAS].get_or_set(key, default, timeout)
    if memo is not None:
        memo[(_MEMO, key)] = value
    return value
