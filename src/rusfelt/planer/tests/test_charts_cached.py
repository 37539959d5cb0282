"""A plan's charts are drawn once per set of figures, not on every view (issue 12):
vl-convert took most of the plan page's and the HTML report's time."""

import re

import altair
import pytest
from django.core.cache import caches
from django.urls import reverse

from rusfelt.core import charts
from rusfelt.planer import charts as planer_charts
from rusfelt.planer import demo, report, services
from rusfelt.planer.models import Plan

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
    demo.load(slugs=[SLUG])
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG])
    assert client.get(url).status_code == 200
    built = _count_altair_charts(monkeypatch)
    assert client.get(url).status_code == 200
    assert built == []


def _count_altair_charts(monkeypatch) -> list:
    built = []

    class CountingChart(altair.Chart):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(planer_charts.alt, "Chart", CountingChart)
    return built


def test_the_yearly_report_builds_its_chart_spec_once_per_set_of_figures(units, monkeypatch):
    """Building the spec (altair) took a third of the report's time; a report of the
    same figures reuses it, and new figures get a spec of their own (never stale)."""
    caches[planer_charts.KEPT_SPEC_CACHE].clear()
    demo.load(slugs=[SLUG])
    plan = Plan.objects.select_related("owner").get(slug=SLUG)
    built = _count_altair_charts(monkeypatch)
    first = report.build(plan, 2021)
    per_spec = len(built)
    assert per_spec > 0
    again = report.build(plan, 2021)
    assert len(built) == per_spec
    assert _specs(again) == _specs(first) != []
    tiltak = plan.tiltak.order_by("pk").first()
    services.record_status(tiltak, 2021, 0, "avsluttet", "", user=None)
    changed = report.build(plan, 2021)
    assert len(built) == 2 * per_spec
    assert _specs(changed) != _specs(first)


def _specs(document) -> list[dict]:
    return [b.spec for s in document.sections for b in s.blocks if hasattr(b, "spec")]
