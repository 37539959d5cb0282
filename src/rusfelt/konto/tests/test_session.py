"""Idle timeout and re-authentication before the most sensitive actions (issue 18)."""

import datetime as dt
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.conftest import PASSWORD
from rusfelt.core.models import AuditAction, AuditEvent, Grant
from rusfelt.core.roles import Role

from .conftest import totp_code

pytestmark = pytest.mark.django_db

MINUTE = 60


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def _sign_in(client, user):
    response = client.post(reverse("core:login"), {"username": user.username,
                                                   "password": PASSWORD})
    assert response.status_code == 302


# --- Idle timeout -------------------------------------------------------------


def test_a_kartlegger_idle_past_the_timeout_is_signed_out_and_it_is_logged(
    client, clock, sth_kartlegger
):
    _sign_in(client, sth_kartlegger)
    assert client.get(reverse("core:unit_list")).status_code == 200
    clock.shift(30 * MINUTE + 1)
    response = client.get(reverse("core:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditAction.SESSION_TIMEOUT)
    assert event.user == sth_kartlegger
    assert event.detail == {"idle_seconds": 30 * MINUTE + 1}


def test_a_kartlegger_active_within_the_timeout_stays_signed_in(
    client, clock, sth_kartlegger
):
    _sign_in(client, sth_kartlegger)
    for _ in range(3):
        clock.shift(30 * MINUTE)  # exactly at the limit each time
        assert client.get(reverse("core:unit_list")).status_code == 200


def test_a_planner_without_record_level_roles_keeps_the_longer_session(
    client, clock, oslo_planlegger
):
    _sign_in(client, oslo_planlegger)
    client.get(reverse("core:unit_list"))
    clock.shift(2 * 60 * MINUTE)
    assert client.get(reverse("core:unit_list")).status_code == 200


def test_the_idle_timeout_is_a_setting(client, clock, sth_kartlegger, settings):
    settings.RUSFELT_IDLE_TIMEOUT = 5 * MINUTE
    _sign_in(client, sth_kartlegger)
    client.get(reverse("core:unit_list"))
    clock.shift(5 * MINUTE + 1)
    response = client.get(reverse("core:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login") + "?next=")


# --- Re-authentication --------------------------------------------------------


def test_a_grant_change_after_five_minutes_asks_for_the_password_first(
    client, clock, make_user, units
):
    oslo_admin = make_user("oslo-admin", ("0301", Role.ADMINISTRATOR))
    newcomer = make_user("newcomer", home="0301")
    _sign_in(client, oslo_admin)
    url = reverse("core:user_detail", args=[newcomer.pk])
    clock.shift(5 * MINUTE + 1)
    assert client.get(url).status_code == 200  # looking needs nothing more
    response = client.post(url, {"unit": units["030104"].pk, "role": Role.LESER},
                           HTTP_REFERER="http://testserver" + url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("konto:reauth"))
    assert not Grant.objects.filter(user=newcomer).exists()

    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + url
    client.post(url, {"unit": units["030104"].pk, "role": Role.LESER})
    assert Grant.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REAUTH, user=oslo_admin).exists()


def test_a_grant_change_within_five_minutes_of_signing_in_goes_through(
    client, clock, make_user, units
):
    oslo_admin = make_user("oslo-admin", ("0301", Role.ADMINISTRATOR))
    newcomer = make_user("newcomer", home="0301")
    _sign_in(client, oslo_admin)
    clock.shift(5 * MINUTE)
    client.post(reverse("core:user_detail", args=[newcomer.pk]),
                {"unit": units["030104"].pk, "role": Role.LESER})
    assert Grant.objects.filter(user=newcomer).exists()


def test_revoking_a_grant_also_asks_again(client, clock, make_user, units):
    oslo_admin = make_user("oslo-admin", ("0301", Role.ADMINISTRATOR))
    reader = make_user("reader", ("030104", Role.LESER))
    _sign_in(client, oslo_admin)
    clock.shift(6 * MINUTE)
    grant = reader.grants.get()
    response = client.post(reverse("core:grant_revoke", args=[grant.pk]))
    assert response["Location"].startswith(reverse("konto:reauth"))
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_the_record_level_export_asks_again_after_five_minutes(
    client, clock, oslo_planlegger
):
    from rusfelt.kartlegging import services
    from rusfelt.kartlegging.models import State

    runde = services.create_round("030104-2020", hjemmel="H", formal="F", dpia_ref="D")
    services.change_state(runde, State.CLOSED)
    _sign_in(client, oslo_planlegger)
    url = reverse("kartlegging:records_csv", args=[runde.code])
    clock.shift(5 * MINUTE + 1)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("konto:reauth") + "?next=" + url.replace("/", "%2F")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(url).status_code == 200


def test_the_right_of_access_look_up_asks_again(client, clock, oslo_planlegger):
    _sign_in(client, oslo_planlegger)
    clock.shift(10 * MINUTE)
    response = client.get(reverse("kartlegging:access_lookup"))
    assert response["Location"].startswith(reverse("konto:reauth"))


def test_a_wrong_password_at_re_authentication_is_refused_and_audited(
    client, clock, oslo_planlegger
):
    _sign_in(client, oslo_planlegger)
    clock.shift(10 * MINUTE)
    response = client.post(reverse("konto:reauth") + "?next=/kartlegging/innsyn/",
                           {"password": "feil-passord-000"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED,
                                     username=oslo_planlegger.username).exists()
    response = client.get(reverse("kartlegging:access_lookup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("konto:reauth") + "?next=")


def test_a_second_factor_code_re_authenticates_too(client, oslo_planlegger, enrolled):
    secret, _codes = enrolled(oslo_planlegger)
    with time_machine.travel(time.time(), tick=True) as t:
        _sign_in(client, oslo_planlegger)
        client.post(reverse("konto:verify"), {"token": totp_code(secret, time.time() + 30)})
        t.shift(10 * MINUTE)
        response = client.get(reverse("kartlegging:access_lookup"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("konto:reauth") + "?next=")
        client.post(reverse("konto:reauth"), {"token": totp_code(secret)})
        assert client.get(reverse("kartlegging:access_lookup")).status_code == 200


# --- Session writes (issue 12) ----------------------------------------------------


def _session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def test_a_plain_read_within_a_minute_does_not_write_the_session(
    client, clock, sth_kartlegger
):
    _sign_in(client, sth_kartlegger)
    url = reverse("core:unit_list")
    client.get(url)
    clock.shift(59)
    assert _session_writes(client, url) == []


def test_the_session_is_touched_once_a_minute_and_its_expiry_renewed(
    client, clock, sth_kartlegger
):
    from django.contrib.sessions.models import Session

    from rusfelt.konto import policy

    _sign_in(client, sth_kartlegger)
    url = reverse("core:unit_list")
    client.get(url)
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    clock.shift(60)
    assert len(_session_writes(client, url)) == 1
    assert client.session[policy.LAST_SEEN] == time.time()
    assert Session.objects.get(session_key=key).expire_date - expiry == dt.timedelta(seconds=60)


def test_requests_within_a_minute_keep_a_session_alive_past_the_timeout(
    client, clock, sth_kartlegger
):
    """Reads every 50 s for 40 minutes: the noted time moves on, no sign-out."""
    _sign_in(client, sth_kartlegger)
    for _ in range(48):
        clock.shift(50)
        assert client.get(reverse("core:unit_list")).status_code == 200


# --- Sessions in the shared cache (issue 12) -------------------------------------------


def test_a_signed_in_read_takes_its_session_from_the_cache_not_the_session_table(
    client, sth_kartlegger
):
    """Every signed-in page read its session through the ORM and the signed form, a third
    of a warm page's own time; the shared cache holds a copy of it."""
    _sign_in(client, sth_kartlegger)
    url = reverse("core:unit_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]] == []


def test_signing_out_ends_the_session_for_every_holder_of_its_cookie_at_once(
    client, sth_kartlegger
):
    """The session and its copy in the shared cache go together: another browser (or
    another process, whose cache is the same) holding the cookie is signed out too."""
    _sign_in(client, sth_kartlegger)
    url = reverse("core:unit_list")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    assert other.get(url).status_code == 200
    assert client.post(reverse("core:logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert caches[settings.SESSION_CACHE_ALIAS].get(cached_db.KEY_PREFIX + key) is None
    assert other.get(url).status_code == 302


# --- The user itself on request.user ---------------------------------------------------


def test_a_views_request_user_is_the_user_itself_read_once(client, sth_kartlegger):
    """After the sign-in middleware ``request.user`` is the user, not lazy objects around
    it (``UserMiddleware``), with django-otp's fields; signed out, the anonymous user."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import LazyObject

    anonymous = client.get(reverse("core:login")).wsgi_request.user
    assert type(anonymous) is AnonymousUser
    _sign_in(client, sth_kartlegger)
    user = client.get(reverse("core:unit_list")).wsgi_request.user
    assert not isinstance(user, LazyObject)
    assert type(user) is type(sth_kartlegger) and user.pk == sth_kartlegger.pk
    assert user.otp_device is None and user.is_verified() is False


def test_a_user_deactivated_between_two_requests_is_signed_out_on_the_next(
        client, sth_kartlegger):
    _sign_in(client, sth_kartlegger)
    assert client.get(reverse("core:unit_list")).status_code == 200
    type(sth_kartlegger).objects.filter(pk=sth_kartlegger.pk).update(is_active=False)
    response = client.get(reverse("core:unit_list"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("core:login"))
    assert not response.wsgi_request.user.is_authenticated
