"""A plan's charts are drawn once per set of figures, not on every view (issue 12):
vl-convert took most of the plan page's and the HTML report's time."""

import re

import pytest
from django.urls import reverse

from rusfelt.core import charts
from rusfelt.planer import demo

pytestmark = pytest.mark.django_db
SLUG = "stavanger-rusplan-2019-2023"


@pytest.mark.parametrize(("name", "query"), [("planer:plan_detail", ""),
                                             ("planer:rapport", "?periode=2020")])
def test_a_second_view_draws_no_chart(client, units, stavanger_planlegger, monkeypatch,
                                      name, query):
    demo.load(slugs=[SLUG])
    client.force_login(stavanger_planlegger)
    drawn = []
    real = charts.vlc.vegalite_to_svg

    def counting(spec, *args, **kwargs):
        drawn.append(1)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(charts.vlc, "vegalite_to_svg", counting)
    url = reverse(name, args=[SLUG]) + query
    first = client.get(url)
    assert first.status_code == 200 and drawn
    drawn.clear()
    second = client.get(url)
    assert drawn == []
    assert _charts(second) == _charts(first) != []


def _charts(response) -> list[str]:
    return re.findall(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", response.content.decode())


def test_a_warm_plan_page_builds_no_chart_spec(client, units, stavanger_planlegger,
                                               monkeypatch):
    """The chart's cache key is its figures: a warm page builds no altair chart."""
    import altair

    from rusfelt.planer import charts as planer_charts

    demo.load(slugs=[SLUG])
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG])
    assert client.get(url).status_code == 200
    built = []

    class CountingChart(altair.Chart):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(planer_charts.alt, "Chart", CountingChart)
    assert client.get(url).status_code == 200
    assert built == []
