"""Two-factor with django-otp: enrolment, the second step of signing in, removal (issue 18)."""

import re
import time
from base64 import b32decode
from html import unescape
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rusfelt.conftest import PASSWORD
from rusfelt.core.models import AuditAction, AuditEvent

from .conftest import totp_code

pytestmark = pytest.mark.django_db


def _secret_on_page(html: str) -> str:
    match = re.search(r'<code class="konto-secret" id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, "the secret is shown as text"
    return match.group(1).replace(" ", "")


def _sign_in(client, user):
    response = client.post(reverse("core:login"), {"username": user.username,
                                                   "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_the_enrolment_page_shows_the_secret_as_qr_code_and_text(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    html = client.get(reverse("konto:enrol")).content.decode()
    secret = _secret_on_page(html)
    url = unescape(re.search(r'id="otpauth-url">([^<]+)<', html).group(1))
    parsed = urlparse(url)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parse_qs(parsed.query)["secret"] == [secret]
    assert unquote(parsed.path) == f"/Rusfelt:{oslo_planlegger.username}"
    assert len(b32decode(secret)) == 20  # 160-bit key (RFC 4226 §4 recommends it)
    assert 'src="data:image/svg+xml' in html  # rendered on the server, no script


def test_the_qr_code_decodes_to_the_otpauth_url(client, oslo_planlegger):
    """The SVG is checked by drawing it and reading it back with zbarimg when installed."""
    import shutil
    import subprocess

    if not shutil.which("zbarimg") or not shutil.which("rsvg-convert"):
        pytest.fail("zbar-tools and librsvg2-bin are missing (.ci/run installs them)")
    client.force_login(oslo_planlegger)
    html = client.get(reverse("konto:enrol")).content.decode()
    data_uri = re.search(r'src="(data:image/svg\+xml[^"]+)"', html).group(1)
    svg = unquote(unescape(data_uri).split(",", 1)[1])
    png = subprocess.run(["rsvg-convert", "-w", "400"], input=svg.encode(),
                         capture_output=True, check=True).stdout
    decoded = subprocess.run(["zbarimg", "--raw", "-q", "-"], input=png,
                             capture_output=True, check=True).stdout.decode().strip()
    assert decoded == unescape(re.search(r'id="otpauth-url">([^<]+)<', html).group(1))


def test_a_code_from_the_app_confirms_the_device_and_shows_recovery_codes(
    client, oslo_planlegger
):
    client.force_login(oslo_planlegger)
    secret = _secret_on_page(client.get(reverse("konto:enrol")).content.decode())
    response = client.post(reverse("konto:enrol"), {"token": totp_code(secret)})
    html = response.content.decode()
    assert TOTPDevice.objects.get(user=oslo_planlegger).confirmed
    codes = StaticToken.objects.filter(device__user=oslo_planlegger)
    assert codes.count() == 10
    for token in codes:
        assert f"<li>{token.token}</li>" in html
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED,
                                     user=oslo_planlegger).exists()


def test_a_wrong_code_does_not_confirm_the_device(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    secret = _secret_on_page(client.get(reverse("konto:enrol")).content.decode())
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("konto:enrol"), {"token": wrong})
    assert response.status_code == 200
    assert "Koden stemmer ikke" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=oslo_planlegger, confirmed=True).exists()


def test_after_the_password_an_enrolled_user_reaches_only_the_code_page(
    client, oslo_planlegger, enrolled
):
    enrolled(oslo_planlegger)
    _sign_in(client, oslo_planlegger)
    for url in ["/", reverse("core:unit_list"), reverse("planer:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("konto:verify")), url


def test_the_right_code_completes_the_sign_in(client, oslo_planlegger, enrolled):
    secret, _codes = enrolled(oslo_planlegger)
    _sign_in(client, oslo_planlegger)
    # The enrolment used this step's code; the next step's is accepted (tolerance 1).
    response = client.post(reverse("konto:verify") + "?next=/enheter/",
                           {"token": totp_code(secret, time.time() + 30), "next": "/enheter/"})
    assert response.status_code == 302
    assert response["Location"] == "/enheter/"
    assert client.get("/enheter/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED).exists()


def test_a_wrong_code_is_refused_audited_and_counted_by_axes(
    client, oslo_planlegger, enrolled
):
    secret, _codes = enrolled(oslo_planlegger)
    _sign_in(client, oslo_planlegger)
    wrong = f"{(int(totp_code(secret)) + 500_000) % 1_000_000:06d}"
    response = client.post(reverse("konto:verify"), {"token": wrong},
                           REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert "Koden er feil" in response.content.decode()
    response = client.get("/enheter/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("konto:verify"))
    event = AuditEvent.objects.get(action=AuditAction.MFA_FAILED)
    assert event.username == oslo_planlegger.username
    assert event.ip_address == "192.0.2.7"
    attempt = AccessAttempt.objects.get(username=oslo_planlegger.username)
    assert attempt.failures_since_start == 1
    assert wrong not in attempt.post_data
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_five_wrong_codes_lock_the_account_and_end_the_session(
    client, oslo_planlegger, enrolled
):
    import time_machine

    enrolled(oslo_planlegger)
    _sign_in(client, oslo_planlegger)
    with time_machine.travel(time.time(), tick=True) as clock:
        for _ in range(5):
            clock.shift(120)  # past django-otp's own back-off between tries
            response = client.post(reverse("konto:verify"), {"token": "000000"})
    assert response.status_code in (403, 429)
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED).count() == 5
    assert "_auth_user_id" not in client.session
    # The password no longer opens the account either (django-axes' lockout).
    response = client.post(reverse("core:login"), {"username": oslo_planlegger.username,
                                                   "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, oslo_planlegger, enrolled):
    _secret, codes = enrolled(oslo_planlegger)
    _sign_in(client, oslo_planlegger)
    response = client.post(reverse("konto:verify"), {"token": codes[0].upper()})
    assert response.status_code == 302
    client.post(reverse("core:logout"))
    _sign_in(client, oslo_planlegger)
    response = client.post(reverse("konto:verify"), {"token": codes[0]})
    assert response.status_code == 200
    response = client.get("/enheter/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("konto:verify"))


def test_removing_the_second_factor_needs_re_authentication(
    client, oslo_planlegger, enrolled
):
    import time_machine

    secret, _codes = enrolled(oslo_planlegger)
    with time_machine.travel(time.time(), tick=True) as clock:
        _sign_in(client, oslo_planlegger)
        client.post(reverse("konto:verify"), {"token": totp_code(secret, time.time() + 30)})
        clock.shift(6 * 60)
        response = client.post(reverse("konto:remove"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("konto:reauth"))
        assert TOTPDevice.objects.filter(user=oslo_planlegger).exists()

        client.post(reverse("konto:reauth"), {"password": PASSWORD})
        response = client.post(reverse("konto:remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=oslo_planlegger).exists()
    assert not StaticToken.objects.filter(device__user=oslo_planlegger).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_REMOVED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REAUTH).exists()


# --- Production: record-level roles must use a second factor ---------------


def _every_simple_url():
    """Every named URL without arguments, from the URL configuration itself."""
    from django.urls import get_resolver

    urls = set()
    for name, entries in get_resolver().reverse_dict.lists():
        if not isinstance(name, str):
            continue
        for possibility, _pattern, _defaults, _converters in entries:
            for template, params in possibility:
                if not params:
                    urls.add("/" + template)
    for ns, (_prefix, resolver) in get_resolver().namespace_dict.items():
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                try:
                    urls.add(reverse(f"{ns}:{name}"))
                except Exception:  # noqa: S112  (needs arguments)
                    continue
    return sorted(u for u in urls if "%" not in u)


def test_in_production_a_kartlegger_without_a_second_factor_reaches_only_enrolment(
    client, production_sign_in, sth_kartlegger
):
    _sign_in(client, sth_kartlegger)
    enrol = reverse("konto:enrol")
    open_urls = {enrol, reverse("core:logout"), reverse("set_language")}
    urls = _every_simple_url()
    assert len(urls) > 30
    for url in urls:
        if url in open_urls:
            continue
        response = client.get(url, secure=True)
        assert response.status_code == 302, url
        assert urlparse(response["Location"]).path == enrol, url
    response = client.get(enrol, secure=True)
    assert response.status_code == 200
    assert "Rollen din gir tilgang til opplysninger om enkeltpersoner" in response.content.decode()


def test_in_production_the_kartlegger_goes_on_after_enrolling(
    client, production_sign_in, sth_kartlegger
):
    _sign_in(client, sth_kartlegger)
    html = client.get(reverse("konto:enrol"), secure=True).content.decode()
    client.post(reverse("konto:enrol"), {"token": totp_code(_secret_on_page(html))},
                secure=True)
    assert client.get(reverse("kartlegging:index"), secure=True).status_code == 200


def test_in_production_a_planner_is_not_forced_to_enrol(
    client, production_sign_in, oslo_planlegger
):
    _sign_in(client, oslo_planlegger)
    assert client.get(reverse("core:unit_list"), secure=True).status_code == 200


def test_in_production_a_kartlegger_cannot_remove_the_second_factor(
    client, production_sign_in, sth_kartlegger, enrolled
):
    secret, _codes = enrolled(sth_kartlegger)
    _sign_in(client, sth_kartlegger)
    client.post(reverse("konto:verify"), {"token": totp_code(secret, time.time() + 30)},
                secure=True)
    response = client.post(reverse("konto:remove"), secure=True)
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=sth_kartlegger).exists()


def test_demo_and_test_settings_keep_the_second_factor_optional():
    from rusfelt.settings import demo, test

    assert demo.RUSFELT_REQUIRE_SECOND_FACTOR is False
    assert test.RUSFELT_REQUIRE_SECOND_FACTOR is False
