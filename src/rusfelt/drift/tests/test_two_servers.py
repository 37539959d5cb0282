"""Scale-out shown: two `rusfelt serve` processes over one PostgreSQL share all state.

A login on one is valid on the other, a lockout on one holds on the other,
and a round published through one is seen at once through the other. Runs
on PostgreSQL only (CI's second pass): SQLite is one machine's file.
"""

import os
import time

import pytest
from django.db import connection
from django.test import override_settings

from rusfelt.conftest import PASSWORD
from rusfelt.drift.testing import Browser, Server, collectstatic, database_url, production_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""),
                       reason="two app servers share one PostgreSQL"),
]

ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once; both servers start with --no-collectstatic."""
    root = tmp_path_factory.mktemp("static")
    collectstatic(production_env("sqlite:////nonexistent/unused.sqlite3", root))
    return root


@pytest.fixture
def two_servers(static_root, tmp_path):
    # One environment, so both servers share the keys, as two machines would.
    env = production_env(database_url(connection.settings_dict), static_root,
                         RUSFELT_TASKS="immediate")
    servers = [Server(env, tmp_path, "--workers", "1", "--threads", "2") for _ in range(2)]
    try:
        for server in servers:
            server.wait()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def closed_round(units):
    from rusfelt.kartlegging import services
    from rusfelt.kartlegging.models import State
    from rusfelt.kartlegging.tests.test_views import VALUES, number

    runde = services.create_round("030104-2020", hjemmel="Hjemmel X", formal="Formål Y",
                                  dpia_ref="DPIA-7")
    for i in range(12):
        services.register(runde, number(i), dict(VALUES))
    services.change_state(runde, State.CLOSED)
    return runde


def test_two_app_servers_share_sessions_lockouts_and_publishing(
        two_servers, make_user, closed_round):
    a, b = two_servers
    with override_settings(PASSWORD_HASHERS=ARGON2):
        planner = make_user("delt-planlegger", ("0301", "planlegger"))
        victim = make_user("delt-leser", ("0301", "leser"))

    # A login on A is valid on B.
    browser = Browser()
    assert browser.login(a, planner.username, PASSWORD).status_code == 302
    page = browser.request(b, "GET", "/enheter/")
    assert page.status_code == 200
    assert f"<strong>{planner.username}</strong>" in page.text

    # Five failures on A lock the account (from this address) on B as well.
    attacker = Browser()
    for _ in range(5):
        attacker.login(a, victim.username, "feil-passord-999")
    assert Browser().login(b, victim.username, PASSWORD).status_code == 429

    # Published through A, seen at once through B (which saw it unpublished just before).
    published = f"/kartlegging/runde/{closed_round.code}/publisert/"
    assert browser.request(b, "GET", published).status_code == 404
    done = browser.post_form(a, closed_round.get_absolute_url(),
                             f"/kartlegging/runde/{closed_round.code}/status/",
                             {"state": "published"})
    assert done.status_code == 302
    seen = browser.request(b, "GET", published)
    assert seen.status_code == 200
    assert closed_round.unit.name in seen.text


def test_a_busy_server_refuses_excess_requests_at_once_with_503(static_root, tmp_path, units):
    """One thread, 0.05 s of allowed queueing: a burst is partly refused, never failed.

    The burst must outlast the allowed wait however fast a search is answered: 30
    requests against 0.2 s stopped shedding once a cached search took under 7 ms.
    45 at once against 0.05 s queue the last behind 44 others (over 1 ms each)."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    env = production_env(database_url(connection.settings_dict), static_root)
    server = Server(env, tmp_path, "--workers", "1", "--threads", "1",
                    "--max-queue-wait", "0.05").wait()
    try:
        def fetch(_):
            started = time.monotonic()
            response = requests.get(server.base + "/tjenester/?q=rus", timeout=60,
                                    headers={"X-Forwarded-Proto": "https"})
            return response.status_code, response.headers.get("Retry-After"), (
                time.monotonic() - started)

        with ThreadPoolExecutor(max_workers=45) as pool:
            results = list(pool.map(fetch, range(90)))
    finally:
        server.stop()
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses
    refused = [r for r in results if r[0] == 503]
    assert refused, "nothing was shed"
    assert all(retry == "2" for _, retry, _ in refused)
