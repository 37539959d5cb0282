"""A process keeps a copy of each chart it has shown (issue 12): showing it again
asks the shared cache nothing, which with the database cache is a query (about a
tenth of a plan page's time on PostgreSQL). The key is the chart's content."""

from django.core.cache import cache, caches

from rusfelt.core import charts


def _spec(n):
    return {"data": {"values": [{"x": "a", "y": n}]}, "mark": "bar",
            "encoding": {"x": {"field": "x", "type": "nominal"},
                         "y": {"field": "y", "type": "quantitative"}}}


def test_a_chart_shown_again_is_read_from_the_process_not_the_shared_cache(monkeypatch):
    first = charts.cached_svg_data_uri(["test-kept", 1], lambda: _spec(1))
    asked = []
    real = cache.get
    monkeypatch.setattr(charts.cache, "get", lambda *a, **k: asked.append(a) or real(*a, **k))
    assert charts.cached_svg_data_uri(["test-kept", 1], lambda: _spec(1)) == first
    assert asked == []


def test_another_process_takes_the_chart_from_the_shared_cache_without_drawing(monkeypatch):
    first = charts.cached_svg_data_uri(["test-kept", 2], lambda: _spec(2))
    caches[charts.KEPT_CHART_CACHE].clear()  # as in another process
    monkeypatch.setattr(charts, "svg_data_uri", lambda chart: "drawn again")
    assert charts.cached_svg_data_uri(["test-kept", 2], lambda: _spec(2)) == first


def test_other_figures_are_another_chart():
    one = charts.cached_svg_data_uri(["test-kept", 3], lambda: _spec(3))
    assert charts.cached_svg_data_uri(["test-kept", 4], lambda: _spec(40)) != one
