"""The results page at its first view after publishing, and warm (issue 12).

Publishing renders the page's charts; the page's tables are formatted once
per figures. Both are found by their figures, so new figures (a
republication, a new registration) always show.
"""

import random
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from rusfelt.kartlegging import demo, presentation, services
from rusfelt.kartlegging.models import Runde, State

from .test_results_queries import VALUES, _published_round

pytestmark = pytest.mark.django_db


def _register(runde, people, seed):
    rng, used = random.Random(seed), set()
    for i in range(people):
        number = demo.synthetic_number(rng, date(1960, 1 + i % 12, 1 + i), i % 2 == 0, used)
        services.register(runde, number, dict(VALUES, bolig="rod"))


def _no_chart_building(monkeypatch):
    def refuse(chart):
        raise AssertionError("a chart was built while the page was shown")

    monkeypatch.setattr(presentation, "svg_data_uri", refuse)


def test_the_first_view_after_publishing_builds_no_chart(
        client, oslo_planlegger, monkeypatch, django_capture_on_commit_callbacks):
    client.force_login(oslo_planlegger)
    with django_capture_on_commit_callbacks(execute=True):
        _published_round("030104-2019")
        _published_round("030104-2020")
    cache.clear()  # nothing cached: only what publishing stored
    _no_chart_building(monkeypatch)
    response = client.get(reverse("kartlegging:results", args=["030104-2020"]))
    assert response.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in response.content


def test_a_warm_view_formats_no_table(client, oslo_planlegger, monkeypatch):
    client.force_login(oslo_planlegger)
    _published_round("030104-2020")
    url = reverse("kartlegging:results", args=["030104-2020"])
    assert client.get(url).status_code == 200
    formatted = []
    original = presentation.display_tables
    monkeypatch.setattr(presentation, "display_tables",
                        lambda data: formatted.append(1) or original(data))
    assert client.get(url).status_code == 200
    assert formatted == []


def test_a_warm_view_of_a_kommune_stays_within_eight_queries(
        client, oslo_planlegger, django_assert_max_num_queries):
    """Issue 12's ceiling, the session and the user included (a bydel's page reads its
    sibling bydeler as well: one more)."""
    client.force_login(oslo_planlegger)
    for year in (2018, 2019, 2020):
        _published_round(f"0301-{year}")
    url = reverse("kartlegging:results", args=["0301-2020"])
    client.get(url)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_a_warm_view_of_a_kommune_reads_its_ancestors_with_the_round(
        client, oslo_planlegger, django_assert_max_num_queries):
    """Seven queries besides the shared cache's read (one query with the database cache,
    as the benchmark runs, so eight in all): the session, the user, the grants, the
    reform links, the round with its unit and the units above it, the published
    rounds and the publications compared; the units above were a query of their own."""
    client.force_login(oslo_planlegger)
    for year in (2019, 2020):
        _published_round(f"0301-{year}")
    url = reverse("kartlegging:results", args=["0301-2020"])
    client.get(url)
    with django_assert_max_num_queries(7):
        html = client.get(url).content.decode()
    assert "Oslo" in html


def test_a_comparison_reads_no_unit_above_the_round(units, django_assert_num_queries):
    """The kommune and the country come with their sums (a bydel's kommune is its parent):
    the peers and the publications, two queries, whatever was loaded with the round."""
    _published_round("030104-2020")
    _published_round("030105-2020")
    services.publish_sum(units["0301"], 2020)
    services.publish_sum(units["0"], 2020)
    runde = Runde.objects.select_related("unit").get(code="030104-2020")
    with django_assert_num_queries(2):
        rows = presentation.comparison(runde)
    assert [(row["label"], row["level"], row["current"]) for row in rows] == [
        (units["030104"].name, "bydel", True), (units["030105"].name, "bydel", False),
        ("Oslo (sum av publiserte bydeler)", "kommune", False),
        ("Alle publiserte runder i landet", "land", False)]


def _shown_count(client, url):
    html = client.get(url).content.decode()
    return html.split("<dt>Kartlagte</dt><dd>", 1)[1].split("</dd>", 1)[0]


def test_a_reopened_round_shows_its_new_figures(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    runde = _published_round("030104-2020", people=8)
    url = reverse("kartlegging:results", args=["030104-2020"])
    assert _shown_count(client, url) == "8"
    services.change_state(runde, State.OPEN, reason="Manglende registreringer")
    _register(runde, 3, seed="ny")
    assert _shown_count(client, url) == "11"


def test_a_sibling_published_later_appears_in_the_comparison(client, oslo_planlegger, units):
    client.force_login(oslo_planlegger)
    _published_round("030104-2020")
    url = reverse("kartlegging:results", args=["030104-2020"])
    sibling = units["030105"].name
    assert sibling not in client.get(url).content.decode()
    _published_round("030105-2020")
    assert sibling in client.get(url).content.decode()


def test_an_open_round_shows_each_new_registration(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    runde = services.create_round("030104-2021", hjemmel="H", formal="F", dpia_ref="D")
    _register(runde, 2, seed="a")
    url = reverse("kartlegging:results", args=["030104-2021"])
    assert _shown_count(client, url) == "2"
    _register(runde, 1, seed="b")
    assert _shown_count(client, url) == "3"
