"""Indikatorer in the same words as the reports (issue 15, item 6): «..» for missing,
one precision per indicator, compare any units (bydeler too), and why a bydel is empty."""

import pytest

from rusfelt.core.dokumenter.formatting import format_cell
from rusfelt.indikatorer import demo
from rusfelt.indikatorer.documents import value_cell
from rusfelt.indikatorer.domain.parsing import ParsedValue
from rusfelt.indikatorer.imports import store_values
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Verdi

pytestmark = pytest.mark.django_db
BASE = f"/indikatorer/{demo.SLUG}/"


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def test_a_missing_value_is_two_dots_with_its_reason(client, sett, oslo_leser, units):
    Verdi.objects.filter(indikator__number=16, unit=units["0301"], year=2018).update(
        value=None, missing_reason="Ikke levert")
    client.force_login(oslo_leser)
    for url in (BASE + "16/", BASE + "16/sammenlign/?ar=2018"):
        html = client.get(url).content.decode()
        assert "N/A" not in html, url
        assert '<abbr title="Ikke levert">..</abbr>' in html, url


def test_an_indicator_prints_one_precision_for_every_year_and_unit(sett, units):
    ind = Indikator.objects.create(sett=sett, number=901, title="Test", kind="andel",
                                   unit_label="%", gruppe=sett.grupper.first())
    from decimal import Decimal

    store_values(sett, [ParsedValue(901, "0", 2017, Decimal("9")),
                        ParsedValue(901, "0", 2018, Decimal("9.3"))])
    ind.refresh_from_db()
    printed = [format_cell(value_cell(v.value, ind)) for v in ind.verdier.order_by("year")]
    assert printed == ["9,0\xa0%", "9,3\xa0%"]


def test_two_bydeler_can_be_compared(client, sett, oslo_planlegger, units):
    # The national set has no bydel values: chosen bydeler are compared as «..», with a unit
    # that has a value beside them.
    client.force_login(oslo_planlegger)
    response = client.get(BASE + "16/sammenlign/", {"ar": 2018,
                                                    "enheter": ["030104", "030101", "0301"]})
    names = [r["unit"].code for r in response.context["rows"]]
    assert names == ["0301", "030101", "030104"]
    assert [r["verdi"] is None for r in response.context["rows"]] == [False, True, True]


def test_comparing_needs_two_units(client, sett, oslo_planlegger):
    client.force_login(oslo_planlegger)
    response = client.get(BASE + "16/sammenlign/", {"ar": 2018, "enheter": ["030104"]})
    assert "Velg minst to enheter å sammenligne." in response.content.decode()


def test_an_empty_bydel_view_says_why(client, sett, oslo_planlegger):
    client.force_login(oslo_planlegger)
    html = client.get(BASE, {"enhet": "030104"}).content.decode()
    assert "Dette settet har ingen tall for St. Hanshaugen, bare for: Land, Kommune." in html
    Verdi.objects.exclude(unit__code="0").delete()
    Indikatorsett.values_changed(sett.pk)  # as every write of values does
    html = client.get(BASE, {"enhet": "030104"}).content.decode()
    assert "Dette settet har bare tall for landet." in html


def test_goals_of_a_unit_with_one_year_are_grey_not_an_error(client, sett, oslo_planlegger,
                                                              units):
    # The mapping set of a bydel with one published round: no change can be computed yet.
    from rusfelt.indikatorer import services

    services.record_kartlegging_values(unit=units["030104"], year=2019, rule="r", values={
        "andel_levekarsindeks_gronn": "6.6", "andel_rod_blalys": "57.4",
        "andel_bostedslos": "9.1", "andel_individuell_plan": None, "rate_per_1000": "9.4"})
    client.force_login(oslo_planlegger)
    response = client.get(f"/indikatorer/{services.KARTLEGGING_SLUG}/mal/",
                          {"enhet": "030104"})
    assert response.status_code == 200
    n = services.kartlegging_set().indikatorer.count()
    assert {g.summary.gra for g in response.context["overview"].goals} == {n}
