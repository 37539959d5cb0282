"""The base layout: navigation, language, formats, security headers."""

import pytest
from django import urls
from django.urls import reverse, set_script_prefix
from pytest_django.asserts import assertRedirects

from rusfelt.core.context_processors import FRAME_URLS, frame_urls

pytestmark = pytest.mark.django_db


def test_the_front_page_names_the_five_capabilities(client, units):
    html = client.get("/").content.decode()
    for name in ["Kartlegging", "Indikatorer", "Planer", "Tjenester", "Rapporter"]:
        assert name in html
    assert '<main id="main"' in html
    assert 'aria-label="Hovedmeny"' in html
    assert 'href="#main"' in html  # skip link


@pytest.mark.parametrize("label", ["kartlegging", "indikatorer", "planer", "rapporter"])
def test_a_capability_behind_login_sends_a_visitor_to_the_login(client, units, label):
    url = reverse(f"{label}:index")
    response = client.get(url)
    assertRedirects(response, f"{reverse('core:login')}?next={url}")


def test_the_service_directory_opens_without_login(client, units):
    assert client.get(reverse("tjenester:index")).status_code == 200


def test_every_page_has_a_strict_content_security_policy(client, units):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_english_can_be_chosen(client, units):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assertRedirects(response, "/", fetch_redirect_response=False)
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Skip to main content" in html


def test_bokmal_is_the_default_language(client, units):
    html = client.get("/").content.decode()
    assert '<html lang="nb">' in html
    assert "Logg inn" in html


def test_numbers_and_dates_use_norwegian_formats(units):
    import datetime as dt
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("nb"):
        assert formats.number_format(Decimal("1234567.5"), 1, use_l10n=True,
                                     force_grouping=True) == "1\xa0234\xa0567,5"
        assert formats.date_format(dt.date(2019, 12, 31), "DATE_FORMAT") == "31. desember 2019"


def test_the_unit_page_shows_population_marked_approximate(client, oslo_planlegger, units):
    from rusfelt.core import demo, services

    services._store_population(demo.population_rows(), units)
    client.force_login(oslo_planlegger)
    html = client.get(reverse("core:unit_detail", args=["030104"])).content.decode()
    assert "33\xa0936" in html  # 2019, seed 003 L217
    assert "omtrentlige" in html


def test_csrf_is_enforced_on_posts(units, oslo_planlegger):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(oslo_planlegger)
    assert strict.post(reverse("core:logout")).status_code == 403


# --- The menu, kept in each process under everything it shows (issue 12) ---------------


def _menu(response):
    html = response.content.decode()
    return html[html.index('<nav class="main-nav"'):html.index("</nav>")]


def test_the_kept_menu_is_each_users_own(client, make_user):
    """An administrator's menu links the administration and the log; a reader's never,
    whoever asked first."""
    client.force_login(make_user("admin", ("0301", "administrator")))
    assert "/administrasjon/brukere/" in _menu(client.get("/enheter/"))
    client.force_login(make_user("leser", ("0301", "leser")))
    menu = _menu(client.get("/enheter/"))
    assert "/administrasjon/brukere/" not in menu and "/administrasjon/logg/" not in menu
    assert "/enheter/" in menu


def test_the_kept_menu_follows_a_grant_and_signing_out(client, make_user):
    from rusfelt.core.models import Grant

    user = make_user("leser", ("0301", "leser"))
    client.force_login(user)
    assert "/administrasjon/logg/" not in _menu(client.get("/enheter/"))
    grant = Grant.objects.create(user=user, unit=user.grants.get().unit, role="personvernombud")
    assert "/administrasjon/logg/" in _menu(client.get("/enheter/"))
    grant.delete()
    assert "/administrasjon/logg/" not in _menu(client.get("/enheter/"))
    assert 'href="/enheter/"' in _menu(client.get("/"))
    client.post("/logg-ut/")
    assert 'href="/enheter/"' not in _menu(client.get("/"))


def test_the_kept_menu_follows_the_language_and_the_page(client, make_user):
    client.force_login(make_user("leser", ("0301", "leser")))
    assert "Mine enheter" in _menu(client.get("/enheter/"))
    assert 'href="/enheter/" aria-current="page"' in _menu(client.get("/enheter/"))
    assert 'href="/enheter/" aria-current' not in _menu(client.get("/"))  # core's too
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/enheter/").content.decode()
    assert "Mine enheter" not in _menu(client.get("/enheter/"))
    assert 'lang="nb"' in english  # the switcher offers bokmål, not English
    client.post("/i18n/setlang/", {"language": "nb", "next": "/"})
    assert "Mine enheter" in _menu(client.get("/enheter/"))


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_frame_links_its_pages_without_reversing_them_on_each_page(
        client, make_user, monkeypatch, signed_in):
    """The frame reversed five of its links (home, language, two-factor, sign-out or
    sign-in, help) on every page; they depend only on the URL configuration and script
    prefix, so they are reversed once (``core.context_processors.frame_urls``)."""
    if signed_in:
        client.force_login(make_user("leser", ("0301", "leser")))
    client.get("/")
    reversed_ = []
    real = urls.reverse  # what the {% url %} tag calls
    monkeypatch.setattr(urls, "reverse",
                        lambda name, *a, **k: reversed_.append(name) or real(name, *a, **k))
    html = client.get("/").content.decode()
    assert not set(reversed_) & set(FRAME_URLS.values())
    shown = ["home", "set_language", "help", *(["enrol", "logout"] if signed_in else ["login"])]
    for key in shown:
        assert f'="{reverse(FRAME_URLS[key])}"' in html, key


def test_the_frames_links_follow_the_script_prefix():
    try:
        set_script_prefix("/rusfelt/")
        assert frame_urls()["logout"] == reverse("core:logout") == "/rusfelt/logg-ut/"
        assert all(url.startswith("/rusfelt/") for url in frame_urls().values())
    finally:
        set_script_prefix("/")
    assert frame_urls()["home"] == "/"
