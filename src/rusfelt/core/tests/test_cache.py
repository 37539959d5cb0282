"""The shared cache in the database (``core.cache``): Django's, read as Django reads it."""

import datetime as dt

import pytest
import time_machine
from django.core.cache.backends.db import DatabaseCache as DjangosDatabaseCache
from django.core.management import call_command
from django.db import models

from rusfelt.core.cache import DatabaseCache

pytestmark = pytest.mark.django_db

DB_CACHE = {"BACKEND": "rusfelt.core.cache.DatabaseCache", "LOCATION": "rusfelt_cache"}


@pytest.fixture
def db_cache(settings):
    settings.CACHES = {**settings.CACHES, "default": DB_CACHE}
    call_command("createcachetable", verbosity=0)
    return DatabaseCache("rusfelt_cache", {}), DjangosDatabaseCache("rusfelt_cache", {})


def test_the_cache_reads_what_djangos_reads_and_drops_what_expired(db_cache):
    ours, djangos = db_cache
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        ours.set("kort", {"verdi": 1}, 60)
        ours.set("lang", "tekst", 3600)
        djangos.set("evig", [1, 2], None)
        keys = ["kort", "lang", "evig", "ingen"]
        assert ours.get_many(keys) == djangos.get_many(keys) == {
            "kort": {"verdi": 1}, "lang": "tekst", "evig": [1, 2]}
        assert ours.get("kort") == {"verdi": 1} and ours.get("ingen", 7) == 7
        assert ours.get_many([]) == {}
        t.shift(61)
        assert ours.get_many(keys) == {"lang": "tekst", "evig": [1, 2]}
        assert not djangos.has_key("kort")  # the expired entry was deleted
        t.shift(3600)
        assert djangos.get_many(keys) == ours.get_many(keys) == {"evig": [1, 2]}


def test_a_read_builds_no_field_and_writes_no_sql_of_its_own(db_cache, monkeypatch):
    """Django's ``get_many`` built a ``DateTimeField`` for the expiry on every read."""
    ours, _djangos = db_cache
    ours.set("a", 1)
    ours.get_many(["a", "b"])  # the first read on this connection makes them
    built = []
    real = models.DateTimeField.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(models.DateTimeField, "__init__", counting)
    for _ in range(3):
        assert ours.get_many(["a", "b"]) == {"a": 1}
        assert ours.get("a") == 1
    assert built == []


def test_the_shared_cache_and_the_sessions_use_it(client, make_user, settings, db_cache):
    from django.core.cache import caches

    from rusfelt.settings import base

    assert base.CACHES["default"]["BACKEND"] == DB_CACHE["BACKEND"]
    assert isinstance(caches["default"], DatabaseCache)
    client.force_login(make_user("leser", ("0301", "leser")))
    assert client.get("/enheter/").status_code == 200
    assert client.session["_auth_user_id"]
