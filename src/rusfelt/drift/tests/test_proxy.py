"""Behind a trusted proxy the audit log and the lockout see the client's address."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from rusfelt.conftest import PASSWORD
from rusfelt.core.models import AuditAction, AuditEvent
from rusfelt.drift.middleware import client_address

PROXIES = ["10.0.0.0/8", "127.0.0.1"]


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    # The proxy appends the address it saw; the client's own claims come first.
    ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
    ("127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
    # Two proxies (a load balancer, then nginx): skip both.
    ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),
    # An untrusted peer's header is ignored.
    ("192.0.2.50", "203.0.113.9", "192.0.2.50"),
    # Garbage ends the walk at the last trusted hop.
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
])
def test_the_client_is_the_right_most_untrusted_address(peer, forwarded, expected):
    assert client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_address("127.0.0.1", "203.0.113.9", []) == "127.0.0.1"


def _fail_login(client, user, **headers):
    return client.post(reverse("core:login"),
                       {"username": user.username, "password": "feil-passord-999"}, **headers)


@pytest.mark.django_db
@override_settings(RUSFELT_TRUSTED_PROXIES=["127.0.0.1"])
def test_audit_log_and_lockout_see_the_forwarded_client(client, oslo_planlegger):
    _fail_login(client, oslo_planlegger, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.9")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.ip_address == "203.0.113.9"
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


@pytest.mark.django_db
@override_settings(RUSFELT_TRUSTED_PROXIES=["127.0.0.1"])
def test_a_forged_header_from_elsewhere_is_ignored(client, oslo_planlegger):
    _fail_login(client, oslo_planlegger, REMOTE_ADDR="192.0.2.50",
                HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).ip_address == "192.0.2.50"
    assert AccessAttempt.objects.get().ip_address == "192.0.2.50"


@pytest.mark.django_db
@override_settings(RUSFELT_TRUSTED_PROXIES=["127.0.0.1"])
def test_lockout_holds_per_client_behind_the_proxy(client, oslo_planlegger):
    """Five failures from one client lock that client, not everyone behind the proxy."""
    for _ in range(5):
        _fail_login(client, oslo_planlegger, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.9")
    ok = {"username": oslo_planlegger.username, "password": PASSWORD}
    locked = client.post(reverse("core:login"), ok, REMOTE_ADDR="127.0.0.1",
                         HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    other = client.post(reverse("core:login"), ok, REMOTE_ADDR="127.0.0.1",
                        HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302
