"""A published round's results page kept under the version of what it shows (issue 12).

The body of a published round's page is kept under ``Resultatstand``'s token,
read with the round: a warm view reads no figures. Every write of what the
page shows gives a new token; each test here fails on a page kept past one.
"""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from rusfelt.core import services as core_services
from rusfelt.kartlegging import presentation, services
from rusfelt.kartlegging.models import Resultatstand, State

from .test_results_page_cache import _shown_count
from .test_results_queries import _published_round

pytestmark = pytest.mark.django_db


def _url(code):
    return reverse("kartlegging:results", args=[code])


def test_a_warm_view_of_a_published_round_reads_no_figures(
        client, oslo_planlegger, django_assert_num_queries):
    """The user, and the round with its units and version read with the grants and the
    reform links (one query, core.scoping): the kept body needs nothing else (the session
    comes from the shared cache: the test cache is in memory; the database cache adds
    its read, as the benchmark counts it)."""
    client.force_login(oslo_planlegger)
    for year in (2019, 2020):
        _published_round(f"0301-{year}")
    client.get(_url("0301-2020"))
    with django_assert_num_queries(2):
        html = client.get(_url("0301-2020")).content.decode()
    assert "Oslo" in html and _shown_count(client, _url("0301-2020")) == "8"


def _body(client, url) -> str:
    """The page's content (its kept body): from the link back to the round to the legend,
    without the frame's per-response CSRF tokens."""
    html = client.get(url).content.decode()
    body = html.split("Tilbake til runde", 1)[1].split("Tegnforklaring", 1)[0]
    assert "Kartlagte" in body
    return body


def test_a_warm_view_reads_the_body_its_process_kept(client, oslo_planlegger, monkeypatch):
    """Kept in the process under the same version: no read of the shared cache (a query
    with the database cache) and no unpickling of the page (issue 12)."""
    client.force_login(oslo_planlegger)
    _published_round("0301-2020")
    first = _body(client, _url("0301-2020"))

    def refuse(*args, **kwargs):
        raise AssertionError("the shared cache was read on a warm view")

    monkeypatch.setattr(presentation.cache, "get", refuse)
    assert _body(client, _url("0301-2020")) == first


def test_another_process_reads_the_body_from_the_shared_cache(
        client, oslo_planlegger, monkeypatch):
    """A process that has not kept the body yet finds it in the shared cache: it reads
    no figures and renders nothing."""
    client.force_login(oslo_planlegger)
    _published_round("0301-2020")
    first = _body(client, _url("0301-2020"))
    caches[presentation.KEPT_BODY_CACHE].clear()  # as in another process

    def refuse(runde):
        raise AssertionError("figures were read for a body in the shared cache")

    monkeypatch.setattr(presentation, "results_and_trend", refuse)
    assert _body(client, _url("0301-2020")) == first


def _bolig_row(client, url) -> str:
    """The cells of the row «bolig» in the page's table of living-condition areas."""
    html = client.get(url).content.decode()
    return html.split('id="tabell-levekarsomrader"', 1)[1].split("</table>", 1)[0] \
        .split('scope="row">Bolig</th>', 1)[1].split("</tr>", 1)[0]


def _correct_and_republish(runde, user):
    """Reopen, correct one person's bolig from grønn to rød (only hidden cells change,
    so the round may be published again), close and publish again."""
    services.change_state(runde, State.OPEN, reason="Retting")
    person = runde.registreringer.filter(bolig="gronn").order_by("pk").first()
    services.update_registration(person, {"bolig": "rod"}, user=user, reason="Feil nivå")
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)


def test_a_republished_round_shows_its_new_figures(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    runde = _published_round("030104-2020", people=8)
    url = _url("030104-2020")
    before = _bolig_row(client, url)
    _correct_and_republish(runde, oslo_planlegger)
    assert _bolig_row(client, url) != before
    after = _bolig_row(client, url)
    cache.clear()
    assert _bolig_row(client, url) == after


def _trend(client, url) -> str:
    html = client.get(url).content.decode()
    return html.split('id="tabell-utvikling"', 1)[1].split("</table>", 1)[0]


def test_a_republished_earlier_year_changes_the_trend(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    earlier = _published_round("030104-2019", people=8)
    _published_round("030104-2020", people=8)
    url = _url("030104-2020")
    before = _trend(client, url)
    _correct_and_republish(earlier, oslo_planlegger)
    after = _trend(client, url)
    assert after != before
    cache.clear()
    assert _trend(client, url) == after


def test_a_renamed_unit_shows_at_once(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    _published_round("0301-2020")
    assert "Resultater – Oslo 2020" in client.get(_url("0301-2020")).content.decode()
    renamed = "kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n0301,Christiania,kommune,03,,\n"
    core_services.import_units(renamed.encode(), "enheter.csv")
    assert "Resultater – Christiania 2020" in client.get(_url("0301-2020")).content.decode()


def test_a_break_set_on_a_published_round_shows_at_once(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    _published_round("030104-2019")
    runde = _published_round("030104-2020")
    assert "Nytt skjema" not in client.get(_url("030104-2020")).content.decode()
    runde.break_kind, runde.break_reason = "definisjon", "Nytt skjema"
    runde.save(update_fields=["break_kind", "break_reason"])  # as the admin saves it
    assert "Nytt skjema" in client.get(_url("030104-2020")).content.decode()


def test_a_kept_page_is_kept_per_language(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    _published_round("0301-2020")
    assert "Resultater – Oslo" in client.get(_url("0301-2020")).content.decode()
    english = client.get(_url("0301-2020"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Results – Oslo" in english and "Resultater – Oslo" not in english
    assert "Resultater – Oslo" in client.get(_url("0301-2020")).content.decode()


def test_a_kept_page_reaches_no_one_without_the_role_on_its_unit(
        client, oslo_planlegger, oslo_leser, bergen_planlegger):
    client.force_login(oslo_planlegger)
    _published_round("0301-2020")
    assert client.get(_url("0301-2020")).status_code == 200  # kept now
    client.force_login(bergen_planlegger)
    assert client.get(_url("0301-2020")).status_code == 404
    client.force_login(oslo_leser)
    assert client.get(_url("0301-2020")).status_code == 403


def test_a_missing_version_row_is_made_again_at_the_next_write(client, oslo_planlegger):
    """A flushed table: the page is kept by its figures until a write makes the row."""
    client.force_login(oslo_planlegger)
    runde = _published_round("030104-2020", people=8)
    Resultatstand.objects.all().delete()
    url = _url("030104-2020")
    before = _bolig_row(client, url)
    _correct_and_republish(runde, oslo_planlegger)
    assert Resultatstand.objects.count() == 1
    assert _bolig_row(client, url) != before
