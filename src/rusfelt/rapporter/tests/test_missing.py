"""Missing is never zero (issue 15, item 1): «..» with a note, grey, out of charts and sums;
reports open on the latest year with data and say which years have it."""

import re
from datetime import date

import pytest
from django.urls import reverse

from rusfelt.core.dokumenter import model as d
from rusfelt.kartlegging import services as mapping
from rusfelt.planer import demo as plan_demo
from rusfelt.rapporter import services
from rusfelt.rapporter.tests.test_views import sth_rounds  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def section(document, key):
    return next(s for s in document.sections if s.key == key)


def test_a_flag_nobody_was_registered_with_is_missing_not_zero(sth_rounds, units):  # noqa: F811
    # The demo's St. Hanshaugen 2019 (seed 003) has no individuell plan registered.
    figures = mapping.key_figures(units["030104"], 2019)
    assert figures["andel_individuell_plan"] == ".."
    # 2018 was registered: a number.
    assert figures["andel_bostedslos"] not in ("..", None)
    assert mapping.key_figures(units["030104"], 2018)["andel_individuell_plan"] != ".."


def test_the_indicator_from_mapping_is_missing_and_grey(sth_rounds, units):  # noqa: F811
    from rusfelt.indikatorer.models import Verdi
    from rusfelt.indikatorer.services import judgements_for

    value = Verdi.objects.get(indikator__key="andel_individuell_plan", unit=units["030104"],
                              year=2019)
    assert value.value is None and value.missing_reason == "Ikke registrert i kartleggingen"
    only_2019 = Verdi.objects.filter(pk=value.pk).values_list("indikator", flat=True)
    from rusfelt.indikatorer.models import Indikator

    Verdi.objects.filter(indikator__key="andel_individuell_plan", year__lt=2019).delete()
    (judged,) = judgements_for(Indikator.objects.filter(pk__in=only_2019), units["030104"], 2019)
    assert judged.value is None and judged.judgement == "gra"


def test_the_report_prints_dots_with_a_note(client, oslo_leser, sth_rounds):  # noqa: F811
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    row = re.search(r'<tr><th scope="row">St. Hanshaugen</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[-1] == ".."  # Individuell plan
    assert "0,0" not in cells[-1]
    assert "Det er ikke null." in html


def test_a_plan_without_reports_in_the_year_is_dots_and_out_of_the_chart(
        units, oslo_leser):
    from rusfelt.planer.models import Plan

    plan_demo.load(slugs=["st-hanshaugen-rusplan", "oslo-strategisk-plan-rus"])
    sth = Plan.objects.get(slug="st-hanshaugen-rusplan")  # 2020–2023: nothing in 2019
    oslo = Plan.objects.get(slug="oslo-strategisk-plan-rus")  # reports from 2020
    chart = services.plan_section(units["0301"], 2019, oslo_leser).blocks[1]
    table = chart.table if isinstance(chart, d.Chart) else chart
    rows = {row[0].value: row for row in table.rows}
    assert [c.value for c in rows[sth.title][2:-1]] == [".."] * 6  # never «-»
    assert rows[sth.title][-1].value == sth.tiltak.count()  # the number of measures is known
    assert any("Ingen status rapportert til og med 2019" in n for n in table.notes)
    assert not isinstance(chart, d.Chart) or sth.title[:40] not in {
        p["plan"] for p in chart.spec["data"]["values"]}
    assert rows[oslo.title][2].kind == d.Kind.SYMBOL


def test_the_index_opens_on_the_latest_year_with_data(client, oslo_leser, sth_rounds):  # noqa: F811
    client.force_login(oslo_leser)
    form = client.get(reverse("rapporter:index")).context["form"]
    assert form["year"].value() == 2019  # not last year (2025)
    response = client.get(reverse("rapporter:index"), {"unit": "030104", "year": ""})
    assert response.url == reverse("rapporter:report", args=["030104", 2019])


def test_the_report_says_which_years_have_data(client, oslo_leser, sth_rounds):  # noqa: F811
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2025])).content.decode()
    assert "2018–2019" in html
    assert "Det finnes ingen tall for St. Hanshaugen i 2025. Siste år med tall er 2019." in html


def test_year_runs_are_written_with_a_dash():
    assert services._year_list([2017, 2018, 2019, 2021]) == "2017–2019, 2021"
    assert date(2019, 1, 1).year == 2019
