"""Sign-in journeys in a real browser: TOTP two-factor and single sign-on (issue 18)."""

import time

import pytest
from django.contrib.auth import get_user_model

from rusfelt.conftest import PASSWORD
from rusfelt.core.roles import Role

from .conftest import IDP_PASSWORD, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient_page(page):
    # Several servers answer here (Rusfelt's, the provider's) on a busy machine.
    page.set_default_timeout(30_000)


def _password_step(page, live_server, user):
    page.goto(f"{live_server.url}/logg-inn/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_a_user_enrols_totp_then_signs_in_with_password_and_code(
    live_server, page, login, screenshot, oslo_planlegger
):
    login(page, oslo_planlegger)
    page.goto(f"{live_server.url}/konto/tofaktor/")
    qr = page.get_by_role("img", name="QR-kode med hemmeligheten for autentiseringsappen")
    assert qr.is_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100  # the SVG rendered under the CSP
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "konto-enrol")
    page.get_by_label("Kode fra appen").fill(totp_code(secret))
    page.get_by_role("button", name="Bekreft og slå på").click()
    assert page.get_by_role("heading", name="Gjenopprettingskoder").is_visible()
    assert page.get_by_role("list", name="Gjenopprettingskoder").get_by_role(
        "listitem").count() == 10
    screenshot(page, "konto-recovery-codes")
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    page.get_by_role("button", name="Logg ut").click()

    # Password, then the code the app shows (the next time step: this one is used).
    _password_step(page, live_server, oslo_planlegger)
    page.wait_for_url("**/konto/tofaktor/bekreft/**")
    screenshot(page, "konto-verify")
    page.get_by_label("Engangskode").fill(totp_code(secret, time.time() + 30))
    page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text(f"Innlogget som {oslo_planlegger.username}").is_visible()
    page.get_by_role("button", name="Logg ut").click()

    # A wrong code is refused and the pages stay closed.
    _password_step(page, live_server, oslo_planlegger)
    page.wait_for_url("**/konto/tofaktor/bekreft/**")
    wrong = f"{(int(totp_code(secret)) + 500_000) % 1_000_000:06d}"
    page.get_by_label("Engangskode").fill(wrong)
    page.get_by_role("button", name="Bekreft").click()
    assert page.get_by_text("Koden er feil eller allerede brukt.").is_visible()
    screenshot(page, "konto-verify-refused")
    page.goto(f"{live_server.url}/enheter/")
    assert "/konto/tofaktor/bekreft/" in page.url


def test_a_user_signs_in_through_the_identity_provider_and_lands_with_grants(
    live_server, page, screenshot, oidc_settings, units
):
    from rusfelt.core.models import Grant, Profile
    from rusfelt.konto.models import ExternalIdentity

    # An account the provider's "ola.idp" (sub 2, the provider's second user)
    # was linked to earlier, with a grant given in Rusfelt.
    user = get_user_model().objects.create_user("ola.rusfelt")
    Profile.objects.create(user=user, home_unit=units["0301"])
    ExternalIdentity.objects.create(user=user, issuer=oidc_settings["issuer"], subject="2")
    Grant.objects.create(user=user, unit=units["030104"], role=Role.KARTLEGGER)

    page.goto(f"{live_server.url}/logg-inn/")
    page.get_by_role("link", name="Logg inn med Oslo kommunes innlogging").click()
    page.get_by_label("User").fill("ola.idp")
    page.get_by_label("Secret").fill(IDP_PASSWORD)
    screenshot(page, "konto-idp-login")
    page.get_by_role("button", name="Sign in at the IdP").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Innlogget som ola.rusfelt").is_visible()
    assert page.get_by_text("St. Hanshaugen").first.is_visible()
    screenshot(page, "konto-idp-landed")
    page.goto(f"{live_server.url}/kartlegging/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert "/logg-inn/" not in page.url
