"""The CSRF cookie is set when the browser lacks its secret, not again on every page.

Django sets the same cookie again on every response that shows a form, to renew its
expiry (issue 12: a cookie written and sent on every signed-in page). The checks of a
request are Django's, unchanged: tested here beside it.
"""

import re

import pytest
from django.conf import settings
from django.core.checks.security import csrf
from django.middleware.csrf import _mask_cipher_secret, _unmask_cipher_token
from django.test import Client

from rusfelt.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NAME = settings.CSRF_COOKIE_NAME


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_browser_without_the_cookie_gets_it_with_the_settings_flags():
    response = Client().get("/logg-inn/")
    cookie = response.cookies[NAME]
    assert len(cookie.value) == 32
    assert cookie["samesite"] == settings.CSRF_COOKIE_SAMESITE
    assert cookie["max-age"] == settings.CSRF_COOKIE_AGE
    assert "Cookie" in response["Vary"]


def test_a_page_does_not_set_again_the_cookie_the_browser_holds(make_user):
    client = _signed_in(make_user("leser", ("0301", "leser")))
    first = client.get("/enheter/")
    assert NAME in first.cookies
    again = client.get("/enheter/")
    assert again.status_code == 200 and NAME not in again.cookies
    # The page's tokens are still masked afresh from the secret the browser holds.
    tokens = TOKEN.findall(again.content.decode())
    assert tokens and {_unmask_cipher_token(t) for t in tokens} == {client.cookies[NAME].value}
    assert "Cookie" in again["Vary"]


def test_signing_in_rotates_the_secret_and_sets_the_cookie(make_user):
    user = make_user("leser", ("0301", "leser"))
    client = Client(enforce_csrf_checks=True)
    page = client.get("/logg-inn/")
    before = client.cookies[NAME].value
    token = TOKEN.search(page.content.decode()).group(1)
    response = client.post("/logg-inn/", {"username": user.username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.cookies[NAME].value not in ("", before)


def test_a_cookie_in_the_old_masked_form_is_set_again_unmasked(make_user):
    client = _signed_in(make_user("leser", ("0301", "leser")))
    secret = client.get("/enheter/").cookies[NAME].value
    client.cookies[NAME] = _mask_cipher_secret(secret)
    assert client.get("/enheter/").cookies[NAME].value == secret


def test_the_checks_are_as_strict(make_user):
    """A form posted with a token of the page passes; without one, or with another
    browser's secret, it is refused, when the cookie was not set again as when it was."""
    client = _signed_in(make_user("leser", ("0301", "leser")))
    client.get("/enheter/")
    html = client.get("/enheter/").content.decode()
    token = TOKEN.search(html).group(1)
    assert client.post("/i18n/setlang/", {"language": "nb", "next": "/enheter/"}).status_code == 403
    stranger = Client().get("/logg-inn/").cookies[NAME].value
    forged = _mask_cipher_secret(stranger)
    assert client.post("/i18n/setlang/", {"language": "nb", "next": "/enheter/",
                                          "csrfmiddlewaretoken": forged}).status_code == 403
    assert client.post("/i18n/setlang/", {"language": "nb", "next": "/enheter/",
                                          "csrfmiddlewaretoken": token}).status_code == 302


def test_djangos_middleware_stays_with_its_deploy_checks():
    """Django's deploy checks of the CSRF cookie (security.W016) run only when its own
    middleware is in MIDDLEWARE; ours comes right after it, so it sees the response first."""
    middleware = settings.MIDDLEWARE
    position = middleware.index("django.middleware.csrf.CsrfViewMiddleware")
    assert middleware[position + 1] == "rusfelt.core.middleware.CsrfCookieHeldMiddleware"
    assert csrf.check_csrf_middleware(None) == []
