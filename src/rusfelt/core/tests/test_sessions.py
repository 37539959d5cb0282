"""The session's read brings the shared cache's keys every signed-in page reads (issue 12).

What must not change: the session is Django's ``cached_db`` (database plus a copy in the
shared cache), and a cleared shared cache is seen by every process on its next request.
"""

import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.test.utils import override_settings

from rusfelt.core import sessions
from rusfelt.core.scoping import RequestMemoMiddleware

pytestmark = pytest.mark.django_db

KEY = "prove:token"


def _in_request(body):
    """``body()`` inside one request's memo, as RequestMemoMiddleware gives it."""
    return RequestMemoMiddleware(lambda request: body())(SimpleNamespace(method="GET"))


def _session() -> str:
    store = sessions.SessionStore()
    store["hva"] = "som helst"
    store.create()
    return store.session_key


def test_the_engine_is_djangos_cached_db():
    assert settings.SESSION_ENGINE == "rusfelt.core.sessions"
    assert issubclass(sessions.SessionStore, cached_db.SessionStore)
    assert sessions.SessionStore.cache_key_prefix == cached_db.KEY_PREFIX


@override_settings(RUSFELT_READ_WITH_SESSION=[KEY])
def test_a_key_read_with_the_session_costs_no_read_of_its_own(shared_cache_reads):
    key = _session()
    cache.set(KEY, "t1")

    def request():
        assert sessions.SessionStore(key)["hva"] == "som helst"
        return sessions.shared_value(KEY, lambda: "ny"), sessions.shared_value(KEY, "ny")

    assert _in_request(request) == ("t1", "t1")
    assert shared_cache_reads == [("get_many", [cached_db.KEY_PREFIX + key, KEY])]


@override_settings(RUSFELT_READ_WITH_SESSION=[KEY])
def test_a_cleared_shared_cache_is_seen_by_every_process_on_its_next_request():
    """Another process clears the shared cache: the next request, in any process, reads
    its session from the database and makes one new value, which every process then reads."""
    key = _session()

    def request():
        assert sessions.SessionStore(key)["hva"] == "som helst"
        return sessions.shared_value(KEY, lambda: uuid.uuid4().hex)

    first = _in_request(request)
    assert _in_request(request) == first
    cache.clear()
    second = _in_request(request)
    assert second != first
    assert _in_request(request) == second == cache.get(KEY)


@override_settings(RUSFELT_READ_WITH_SESSION=[KEY])
def test_outside_a_request_nothing_is_kept(shared_cache_reads):
    key = _session()
    cache.set(KEY, "t1")
    assert sessions.SessionStore(key)["hva"] == "som helst"
    assert sessions.shared_value(KEY, "ny") == "t1"
    cache.set(KEY, "t2")
    assert sessions.shared_value(KEY, "ny") == "t2"
    assert shared_cache_reads == [("get", [cached_db.KEY_PREFIX + key]), ("get", [KEY]),
                                  ("get", [KEY])]


@override_settings(RUSFELT_READ_WITH_SESSION=[KEY])
def test_a_session_missing_from_the_cache_comes_from_the_database():
    key = _session()
    cache.clear()
    cache.set(KEY, "t1")
    found = _in_request(lambda: (sessions.SessionStore(key)["hva"],
                                 sessions.shared_value(KEY, "ny")))
    assert found == ("som helst", "t1")
    assert cache.get(cached_db.KEY_PREFIX + key) == {"hva": "som helst"}
