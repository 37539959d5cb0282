"""The Content-Security-Policy header, built once per policy (``core.middleware``)."""

import pytest
from csp import utils as csp_utils
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from rusfelt.core.middleware import CSPMiddleware, settings_policy

pytestmark = pytest.mark.django_db


def _both(view, path="/"):
    """The header of ``view``'s response through django-csp's middleware and ours."""
    responses = []
    for middleware in (LibraryCSPMiddleware, CSPMiddleware):
        request = RequestFactory().get(path)
        chain = middleware(view)
        responses.append(chain(request))
    return responses


def test_a_page_gets_the_header_django_csp_builds(client, units):
    library, ours = _both(lambda request: HttpResponse("x"))
    assert ours[HEADER] == library[HEADER]
    assert "script-src 'self'" in ours[HEADER]
    assert client.get("/")[HEADER] == library[HEADER]


def test_the_header_is_built_once_not_per_response(client, units, monkeypatch):
    settings_policy.cache_clear()
    built = []
    real = csp_utils.default_config
    monkeypatch.setattr(csp_utils, "default_config",
                        lambda csp: built.append(1) or real(csp))
    for _ in range(3):
        assert "default-src 'self'" in client.get("/")[HEADER]
    assert len(built) == 1


def test_a_page_with_its_own_policy_or_none_goes_django_csps_way():
    updated = csp_update({"img-src": ["https://kart.example"]})(
        lambda request: HttpResponse("x"))
    library, ours = _both(updated)
    assert "https://kart.example" in ours[HEADER] and ours[HEADER] == library[HEADER]
    exempt = csp_exempt()(lambda request: HttpResponse("x"))
    assert all(HEADER not in response for response in _both(exempt))


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_nonce_asked_for_goes_django_csps_way():
    def view(request):
        return HttpResponse(str(request.csp_nonce))

    _library, ours = _both(view)
    nonce = ours.content.decode()
    assert f"script-src 'self' 'nonce-{nonce}'" in ours[HEADER]
    request = RequestFactory().get("/")  # no nonce asked for: none in the header
    assert "nonce-" not in CSPMiddleware(lambda r: HttpResponse("x"))(request)[HEADER]


def test_changed_settings_build_the_header_afresh(client, units):
    assert "report-uri" not in client.get("/")[HEADER]
    policy = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp/"}}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        response = client.get("/")
        assert "report-uri /csp/" in response[HEADER_REPORT_ONLY]
    assert HEADER_REPORT_ONLY not in client.get("/")
