"""No staff page overflows a 360 px phone, for any role (issue 15, item 3).

Each role logs in once (one browser, one context per role) and walks every
page it can reach from the navigation and the pages' own links, one page
per view (so 300 measures cost one visit, not 300). On each page it measures
``document.documentElement.scrollWidth`` against the 360 px viewport, and
checks that every table scrolls inside its own focusable region (tabindex,
role and name) with its first column fixed. The URL conf lists the pages: a
staff page no role reached fails the test, so a page cannot hide from it.
"""

from io import StringIO
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.browser

WIDTH = 360
DEMO_PASSWORD = "rusfelt-demo-2026"
#: One demo user per role (core.demo.DEMO_USERS).
ROLES = {
    "kartlegger": "kartlegger.sth",
    "planlegger": "planlegger.oslo",
    "leser": "leser.oslo",
    "personvernombud": "personvernombud",
    "administrator": "admin",
}
#: Pages no link leads to without first doing something (a search, an open round).
SEEDS = {
    "kartlegger": ["/kartlegging/runde/030104-2026/registrer/", "/kartlegging/innsyn/"],
    "planlegger": ["/planer/import/", "/tjenester/mine/ny/", "/rapporter/030104/2019/"],
    "leser": ["/rapporter/0301/2019/"],
    "personvernombud": ["/kartlegging/tilgang/?date_from=2019-01-01"],
    "administrator": ["/administrasjon/brukere/ny/", "/konto/grupper/"],
}
#: URL names that are not pages to look at: downloads, POST-only actions, sign-in
#: steps, machine interfaces, Django's own admin, and the public self-test (which
#: has its own phone tests in screening).
NOT_PAGES = {
    "core:login", "core:logout", "core:user_set_active", "core:grant_revoke",
    "drift:health", "drift:job", "drift:job_result",
    "konto:verify", "konto:recovery_codes", "konto:remove", "konto:reauth",
    "konto:oidc_login", "konto:oidc_callback", "konto:group_mapping_delete", "set_language",
    "kartlegging:round_state", "kartlegging:results_xlsx", "kartlegging:records_csv",
    "kartlegging:delete", "kartlegging:access_overview_csv",
    # Reached only after a fødselsnummer look-up (POST); the form is the same layout
    # as the look-up page, which is visited.
    "kartlegging:correct",
    "indikatorer:sett_pdf", "indikatorer:sett_xlsx",
    "indikatorer:goal_assessment",  # POST only: the assessment form on the goals page
    "planer:eksport", "tjenester:verify", "screening:blank_pdf", "screening:blank_docx",
}
NOT_PAGE_NAMESPACES = {"admin", "tjenester_api", "indikatorer_api", "kartlegging_api", "selvtest"}
SKIP_LINKS = ("/logg-ut/", "/static/", "/media/", "/api/", "/django-admin/", "/i18n/")
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".docx", ".json")

MEASURE = """() => {
  const d = document.documentElement;
  const tables = [...document.querySelectorAll('table')].map(t => {
    const wrap = t.parentElement;
    const first = t.querySelector('tbody tr > :first-child, thead tr > :first-child');
    return {
      wrapped: wrap.classList.contains('table-wrap'),
      focusable: wrap.getAttribute('tabindex') === '0',
      // Named by aria-label, or by aria-labelledby naming an element with text
      // (the table's caption: each region's name must be unique on its page, axe).
      region: wrap.getAttribute('role') === 'region' && (!!wrap.getAttribute('aria-label')
        || !!(wrap.getAttribute('aria-labelledby')
              && (document.getElementById(wrap.getAttribute('aria-labelledby')) || {})
                   .textContent)),
      sticky: !first || getComputedStyle(first).position === 'sticky',
    };
  });
  return {width: d.scrollWidth, tables};
}"""


def page_names():
    """The namespaced names of every page in the URL conf (``NOT_PAGES`` left out)."""
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name
    return {n for n in walk(get_resolver().url_patterns)
            if n not in NOT_PAGES and n.split(":")[0] not in NOT_PAGE_NAMESPACES}


def crawl(page, base, seeds):
    """Visit one page per view reachable from ``/`` and ``seeds``; measure each."""
    queue, seen, views, results = ["/", *seeds], set(), set(), {}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            view = resolve(urlparse(path).path).view_name
        except Resolver404:
            continue
        if view in views and path not in seeds:
            continue
        response = page.goto(base + path)
        if response is None or response.status != 200 or "text/html" not in (
                response.headers.get("content-type", "")):
            continue
        views.add(view)
        results[path] = (view, page.evaluate(MEASURE))
        for href in page.eval_on_selector_all("a[href]", "a => a.map(e => e.href)"):
            url = urlparse(urljoin(page.url, href))
            if (url.netloc != urlparse(base).netloc or url.path.startswith(SKIP_LINKS)
                    or url.path.endswith(DOWNLOADS) or "format=" in url.query):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                queue.append(target)
    return results


def test_no_staff_page_overflows_a_phone_for_any_role(live_server, browser):
    call_command("loaddemo", stdout=StringIO())
    overflowing, bad_tables, visited = [], [], set()
    for role, username in ROLES.items():
        context = browser.new_context(locale="nb-NO", viewport={"width": WIDTH, "height": 800},
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(60_000)  # the machine may be busy; no page waits on a timer
        page.goto(f"{live_server.url}/logg-inn/")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(f"{live_server.url}/")
        for path, (view, found) in crawl(page, live_server.url, SEEDS.get(role, [])).items():
            visited.add(view)
            if found["width"] > WIDTH:
                overflowing.append(f"{role} {path} ({found['width']} px)")
            for t in found["tables"]:
                if not all(t.values()):
                    bad_tables.append(f"{role} {path}: {t}")
        context.close()
    assert overflowing == [], "pages wider than 360 px:\n" + "\n".join(overflowing)
    assert bad_tables == [], "tables without a focusable, named, sticky wrapper:\n" + \
        "\n".join(bad_tables)
    missed = sorted(page_names() - visited)
    assert missed == [], f"staff pages no role reached (link them or list them): {missed}"
