"""The Content-Security-Policy header of every response, built once per policy; the
language of a request chosen without searching its path when no URL has a language.

django-csp builds the header from the settings on every response: each of its
some thirty directives looked up and copied, the policy's parts deep-copied
(``dataclasses.asdict``), twice (the policy and its report-only twin); about
a twentieth of a warm page's server time (issue 12). A response with no
policy of its own (``csp_update``, ``csp_replace``, ``csp_exempt``, ...) and
no nonce gets the same header from the same settings every time, so the
header is built once per setting and kept; any other response is django-csp's
own path. Changed settings (``override_settings`` in tests) build it afresh.

The CSRF cookie is Django's (``CsrfViewMiddleware``), set only when the browser does
not hold its secret already (``CsrfCookieHeldMiddleware``, below).
"""

import functools
import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

_SETTINGS = {False: "CONTENT_SECURITY_POLICY", True: "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@functools.lru_cache(maxsize=2)
def settings_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header of the settings' policy (or its report-only twin) and its excluded
    URL prefixes, as django-csp builds them for a response with no policy of its own."""
    policy = getattr(settings, _SETTINGS[report_only], None) or {}
    return (build_policy(report_only=report_only),
            tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()))


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting in _SETTINGS.values():
        settings_policy.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware, with the settings' policy built once (above)."""

    def process_response(self, request, response):
        plain = PolicyParts()
        if (getattr(request, "_csp_nonce", None) is not None
                or self.get_policy_parts(request=request, response=response) != plain
                or self.get_policy_parts(request=request, response=response,
                                         report_only=True) != plain):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        for report_only, header, exempt in ((False, HEADER, "_csp_exempt"),
                                            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro")):
            csp, prefixes = settings_policy(report_only)
            if (csp and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(prefixes)):
                response[header] = csp
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class CsrfCookieHeldMiddleware:
    """Right after Django's ``CsrfViewMiddleware``: the browser is not sent the cookie it sent.

    Django sets the CSRF cookie again on every response that shows a form
    (``get_token``), the same secret each time, only to renew its year-long expiry: a
    cookie written and a ``Set-Cookie`` header on every signed-in page (issue 12). Here,
    before Django's middleware writes the response's cookie, a response whose secret is
    the cookie the request came with is not flagged for it; one whose secret differs
    still is: a browser without a cookie, a secret rotated at sign-in (so every sign-in
    renews the expiry), a cookie in Django's old masked form. Django's middleware stays
    in MIDDLEWARE, with its checks of every request and its deploy checks unchanged;
    with ``CSRF_USE_SESSIONS`` this does nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        meta = request.META
        if (meta.get("CSRF_COOKIE_NEEDS_UPDATE") and not settings.CSRF_USE_SESSIONS
                and meta.get("CSRF_COOKIE") is not None
                and request.COOKIES.get(settings.CSRF_COOKIE_NAME) == meta["CSRF_COOKIE"]):
            meta["CSRF_COOKIE_NEEDS_UPDATE"] = False
            # As Django's would: the page's content (its tokens) varies with the cookie.
            patch_vary_headers(response, ("Cookie",))
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, without looking for a language code in each request's path when no URL
    pattern is prefixed by one (``i18n_patterns``; Rusfelt's are not).

    Django's searches the path on every request and again on its response, whatever the
    URL configuration: "indikatorer" matched as a language code, looked up and refused
    (an exception caught) twice per page (issue 12). Without such patterns Django uses
    none of that: the language is the cookie's, then the browser's (Accept-Language), then
    LANGUAGE_CODE (``get_language_from_request``), and the response gets the same
    ``Vary: Accept-Language`` and ``Content-Language``. With them, Django's own runs.
    """

    def process_request(self, request):
        if is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]:
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
