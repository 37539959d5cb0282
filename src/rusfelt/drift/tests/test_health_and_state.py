"""/helse/, the shared cache and sessions, load shedding, and `serve`'s refusals."""

from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import OperationalError
from django.test import override_settings

from rusfelt.drift import server
from rusfelt.drift.models import Job, JobState
from rusfelt.settings import base


@pytest.mark.django_db
def test_health_reports_the_database_and_the_queue(client, oslo_planlegger):
    Job.objects.create(kind="x", title="x", user=oslo_planlegger, state=JobState.WAITING)
    response = client.get("/helse/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["jobs"]["waiting"] == 1
    assert body["jobs"]["running"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_answers_503_when_the_database_is_down(client):
    with mock.patch.object(connections["default"], "cursor",
                           side_effect=OperationalError("connection refused")):
        response = client.get("/helse/")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


def test_the_cache_is_shared_by_default_and_redis_when_asked(monkeypatch):
    assert base.CACHES["default"]["BACKEND"] == "rusfelt.core.cache.DatabaseCache"
    # Sessions: in the database, with a copy in that shared cache (never a per-process one,
    # or a sign-out would not hold in the other processes): Django's cached_db, whose read
    # also brings the shared cache's token (core.sessions).
    assert base.SESSION_ENGINE == "rusfelt.core.sessions"
    assert issubclass(import_module(base.SESSION_ENGINE).SessionStore, cached_db.SessionStore)
    assert base.CACHES[base.SESSION_CACHE_ALIAS] is base.CACHES["default"]
    import importlib

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.CACHES["default"]["BACKEND"] == (
            "django.core.cache.backends.redis.RedisCache")
        assert reloaded.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
        assert reloaded.SESSION_CACHE_ALIAS == "default"
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(base)


@pytest.mark.django_db
def test_migrate_makes_the_database_cache_table():
    db_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "rusfelt_cache"}}
    with override_settings(CACHES=db_cache):
        assert "rusfelt_cache" not in connection.introspection.table_names()
        call_command("migrate", verbosity=0)
        assert "rusfelt_cache" in connection.introspection.table_names()
        cache = caches.create_connection("default")
        cache.set("delt", 42)
        assert cache.get("delt") == 42


def test_static_root_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    import importlib

    monkeypatch.chdir(tmp_path)
    reloaded = importlib.reload(base)
    try:
        assert not str(reloaded.STATIC_ROOT).startswith(str(tmp_path))
        monkeypatch.setenv("RUSFELT_STATIC_ROOT", "/srv/rusfelt/static")
        assert str(importlib.reload(base).STATIC_ROOT) == "/srv/rusfelt/static"
    finally:
        monkeypatch.delenv("RUSFELT_STATIC_ROOT", raising=False)
        importlib.reload(base)


def _call(app, path="/"):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path}, start_response))
    return seen["status"], seen["headers"], body


def test_a_request_that_waited_too_long_for_a_thread_is_refused_with_503():
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    shed = server.ShedLoad(app, max_queue_wait=1.0)
    server._local.queued, server._local.started = 100.0, 100.4
    assert _call(shed)[0] == "200 OK"
    server._local.queued, server._local.started = 100.0, 101.5
    status, headers, body = _call(shed)
    assert status.startswith("503")
    assert headers["Retry-After"] == "2"
    assert "opptatt" in body.decode()
    # The load balancer's health check is always answered.
    assert _call(shed, "/helse/")[0] == "200 OK"
    server._local.queued = server._local.started = None
    assert _call(shed)[0] == "200 OK"


def test_serve_refuses_demo_settings():
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="RUSFELT_ENV"):
        call_command("serve")


def test_worker_refuses_when_jobs_run_in_the_request():
    assert "Immediate" in settings.TASKS["default"]["BACKEND"]
    with pytest.raises(CommandError, match="RUSFELT_TASKS"):
        call_command("worker", batch=True)
