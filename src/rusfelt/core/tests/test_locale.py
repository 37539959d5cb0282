"""The language of a request (``core.middleware.LocaleMiddleware``): Django's choice, without
searching the path for a language code, which no URL of Rusfelt's has."""

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("cookie", "accept", "language"), [
    (None, None, "nb"), ("en", None, "en"), (None, "en-GB,en;q=0.8", "en"),
    ("nb", "en", "nb"), ("xx", "de", "nb"),
])
def test_the_language_is_the_cookies_then_the_browsers_then_bokmaal(
        client, cookie, accept, language):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/logg-inn/", **headers)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_path_that_begins_like_a_language_code_is_no_language(client):
    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 404 and response["Content-Language"] == "nb"


def test_a_request_never_searches_its_path_for_a_language(client, monkeypatch):
    """Django's searched every request's path twice ("indikatorer" looked up as a
    language and refused); no URL pattern here has one (``i18n_patterns``)."""
    def refused(path):
        raise AssertionError(f"searched {path}")

    monkeypatch.setattr(translation, "get_language_from_path", refused)
    response = client.get("/logg-inn/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "en"
