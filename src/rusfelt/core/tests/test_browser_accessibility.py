"""axe-core on the main signed-in pages of every capability, with the demo data loaded.

The public directory (tjenester) and the plan pages (planer) have their own,
more thorough checks beside their journeys.
"""

import pytest
from django.core.management import call_command

from rusfelt.conftest import axe_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/enheter/",
    "/enheter/030104/",
    "/administrasjon/brukere/",
    "/administrasjon/logg/",
    "/kartlegging/",
    "/kartlegging/runde/030104-2019/",
    "/kartlegging/runde/030104-2019/resultater/",
    "/kartlegging/runde/030104-2019/publisert/",
    "/indikatorer/",
    "/indikatorer/opptrappingsplanen-2016-2020/",
    "/indikatorer/opptrappingsplanen-2016-2020/mal/",
    "/planer/",
    "/rapporter/",
    "/rapporter/030104/2019/",
    "/tjenester/",
]


def test_the_main_pages_have_no_axe_violations(live_server, axe_page, login, screenshot):
    from io import StringIO

    from django.contrib.auth import get_user_model

    call_command("loaddemo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    login(axe_page, admin, password="rusfelt-demo-2026")
    found = {}
    for path in PAGES:
        response = axe_page.goto(live_server.url + path)
        assert response.status == 200, path
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    assert found == {}
