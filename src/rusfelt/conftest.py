"""Shared fixtures: demo units, users per role and municipality, and a browser.

Users follow Healthchecks' alice/bob/charlie: ``oslo_planlegger`` owns Oslo's
data, ``bergen_planlegger`` is the outsider, and so on. All have the password
``PASSWORD``.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls there unless told it is safe (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "test-passord-123"
SCREENSHOT_DIR = Path(os.environ.get("RUSFELT_SCREENSHOTS", "test-artifacts/screenshots"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("RUSFELT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: ids repeat after rollbacks on SQLite. So do
    plans' data versions, which key the figures kept in ``planer``'s cache, and sets'
    data versions, which key the pages and charts a process keeps in ``sider`` and the
    files it keeps in ``filer``."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["planer"].clear()
    caches["sider"].clear()
    caches["filer"].clear()
    yield


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """Every read of the shared cache from here on, as (method, keys): a round trip each
    on the database cache or Redis (the test's memory cache reads a get_many key by key,
    which is not counted again)."""
    from django.core.cache import cache

    seen, inside = [], []
    get, get_many = cache.get, cache.get_many

    def spy_get(key, *args, **kwargs):
        if not inside:
            seen.append(("get", [key]))
        return get(key, *args, **kwargs)

    def spy_get_many(keys, *args, **kwargs):
        seen.append(("get_many", list(keys)))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", spy_get)
    monkeypatch.setattr(cache, "get_many", spy_get_many)
    return seen


@pytest.fixture
def bench_clocks(monkeypatch):
    """The clock each ``core.bench.Bench.measure`` call from here on was given, by the
    operation's name (None: the wall clock, the default)."""
    from rusfelt.core.bench import Bench

    clocks = {}
    measure = Bench.measure

    def recording(self, navn, *args, **kwargs):
        clocks[navn] = kwargs.get("clock")
        return measure(self, navn, *args, **kwargs)

    monkeypatch.setattr(Bench, "measure", recording)
    return clocks


def is_server_clock(clock) -> bool:
    """Whether ``clock`` is a ``core.bench.ServerClient``'s ``server_ms``."""
    from rusfelt.core.bench import ServerClient

    return (isinstance(getattr(clock, "__self__", None), ServerClient)
            and clock.__func__ is ServerClient.server_ms)


@pytest.fixture
def units(db):
    """The demo organisation units (Norway, fylker, Oslo, Bergen, Stavanger), by code."""
    from rusfelt.core import services
    from rusfelt.core.demo import DEMO_DIR
    from rusfelt.core.models import OrgUnit

    services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    return {u.code: u for u in OrgUnit.objects.all()}


@pytest.fixture
def make_user(db, units):
    """make_user("name", ("0301", "planlegger"), ..., home="0301") -> a user with those grants.

    The home unit defaults to the first grant's unit.
    """
    from django.contrib.auth import get_user_model

    from rusfelt.core.models import Grant, Profile

    def make(username, *grants, home=None):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        home = home or (grants[0][0] if grants else None)
        Profile.objects.create(user=user, home_unit=units[home] if home else None)
        for code, role in grants:
            Grant.objects.create(user=user, unit=units[code], role=role)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("admin-norge", ("0", "administrator"))


@pytest.fixture
def oslo_planlegger(make_user):
    return make_user("oslo-planlegger", ("0301", "planlegger"))


@pytest.fixture
def oslo_leser(make_user):
    return make_user("oslo-leser", ("0301", "leser"))


@pytest.fixture
def sth_kartlegger(make_user):
    return make_user("sth-kartlegger", ("030104", "kartlegger"))


@pytest.fixture
def bergen_planlegger(make_user):
    return make_user("bergen-planlegger", ("4601", "planlegger"))


@pytest.fixture
def bergen_admin(make_user):
    return make_user("bergen-admin", ("4601", "administrator"))


@pytest.fixture
def stavanger_planlegger(make_user):
    return make_user("stavanger-planlegger", ("1103", "planlegger"))


# --- Browser tests ----------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    """A page for accessibility checks only: its CSP is bypassed so axe-core can be injected.

    Journeys use ``page``, which keeps the CSP, so an inline script of ours still fails there.
    """
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run npm ci (bin/test does)")
    context = browser.new_context(locale="nb-NO", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[tuple[str, str, list]]:
    """Run axe-core (WCAG 2.1 A/AA rules and best practices) on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert len(result["passes"]) > 10, "axe-core did not run its rules"
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves test-artifacts/screenshots/name.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(live_server):
    """login(page, user) logs in through the form."""

    def do_login(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/logg-inn/")
        page.get_by_label("Brukernavn").fill(user.username)
        page.get_by_label("Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(f"{live_server.url}/")

    return do_login
