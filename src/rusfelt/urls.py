"""Root URLs: core at /, each capability at /<app>/, its JSON API at /api/<app>/."""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

from rusfelt.core.context_processors import CAPABILITY_APPS

# The capabilities come first: a request walks the patterns in order, and core's and
# drift's, under "" (no prefix of their own), were tried one by one before any page of a
# capability (some 20-30 µs of each, issue 12). No two prefixes below overlap, so each URL
# resolves to the same view in any order (core.tests.test_urls).
urlpatterns = []
for _label in CAPABILITY_APPS:
    urlpatterns.append(path(f"{_label}/", include(f"rusfelt.{_label}.urls")))
    # An app offers an API by having an ``api_urls`` module.
    if find_spec(f"rusfelt.{_label}.api_urls") is not None:
        urlpatterns.append(path(f"api/{_label}/", include(f"rusfelt.{_label}.api_urls")))

urlpatterns += [
    path("konto/", include("rusfelt.konto.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    # Screening (#16): the public self-test and the staff pages.
    path("selvtest/", include("rusfelt.screening.selvtest_urls")),
    path("screening/", include("rusfelt.screening.urls")),
    path("", include("rusfelt.core.urls")),
    path("", include("rusfelt.drift.urls")),
]

# The 400 page names the number of files one upload may hold, from the setting.
handler400 = "rusfelt.core.views.bad_request"
