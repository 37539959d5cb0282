"""The sign-in backend: the signed-in user read by SQL written once (issue 12)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.urls import reverse

from rusfelt.conftest import PASSWORD
from rusfelt.konto import backends

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    response = client.post(reverse("core:login"), {"username": user.username,
                                                   "password": PASSWORD})
    assert response.status_code == 302


def _signed_in(client) -> bool:
    return client.get(reverse("core:unit_list")).status_code == 200


def test_sessions_name_the_backend_that_reads_the_user_by_sql_written_once(
        client, oslo_planlegger):
    assert backends.PATH in settings.AUTHENTICATION_BACKENDS
    assert backends.LEGACY_PATH not in settings.AUTHENTICATION_BACKENDS
    _sign_in(client, oslo_planlegger)
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH


def test_a_signed_in_request_builds_no_sql_for_its_user(client, oslo_planlegger, monkeypatch):
    """Through the ORM, the user's one-row query was compiled on every request, which
    took longer than running it."""
    _sign_in(client, oslo_planlegger)
    assert _signed_in(client)
    built = []
    real = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql",
                        lambda self, *a, **k: built.append(self.query.model) or real(self, *a, **k))
    assert _signed_in(client)
    assert get_user_model() not in built


def test_the_user_read_is_the_orms_row(oslo_planlegger):
    oslo_planlegger.refresh_from_db()  # last_login as the database gives it back
    found = backends.ModelBackend().get_user(oslo_planlegger.pk)
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    assert [(getattr(found, f), type(getattr(found, f))) for f in fields] == [
        (getattr(oslo_planlegger, f), type(getattr(oslo_planlegger, f))) for f in fields]
    assert not found._state.adding
    assert backends.ModelBackend().get_user(oslo_planlegger.pk + 1000) is None


def test_a_session_signed_in_through_djangos_backend_stays_signed_in(client, oslo_planlegger):
    """Sessions from before this backend name Django's: renamed on their next request,
    not signed out."""
    client.force_login(oslo_planlegger, backend=backends.LEGACY_PATH)
    assert client.session[BACKEND_SESSION_KEY] == backends.LEGACY_PATH
    assert _signed_in(client)
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    assert _signed_in(client)


def test_a_deactivated_user_is_signed_out_at_once(client, oslo_planlegger):
    _sign_in(client, oslo_planlegger)
    assert _signed_in(client)
    oslo_planlegger.is_active = False
    oslo_planlegger.save(update_fields=["is_active"])
    assert not _signed_in(client)


def test_a_changed_password_signs_out_other_sessions_at_once(client, oslo_planlegger):
    _sign_in(client, oslo_planlegger)
    assert _signed_in(client)
    oslo_planlegger.set_password("et-helt-nytt-passord-456")
    oslo_planlegger.save(update_fields=["password"])
    assert not _signed_in(client)


def test_signing_out_takes_effect_at_once(client, oslo_planlegger):
    _sign_in(client, oslo_planlegger)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    assert _signed_in(other)
    assert client.post(reverse("core:logout")).status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(other)


def test_an_old_session_of_a_deactivated_user_is_not_brought_back(client, oslo_planlegger):
    client.force_login(oslo_planlegger, backend=backends.LEGACY_PATH)
    oslo_planlegger.is_active = False
    oslo_planlegger.save(update_fields=["is_active"])
    assert not _signed_in(client)
