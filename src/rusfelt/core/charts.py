"""Charts as SVG, rendered on the server from Vega-Lite (altair + vl-convert).

The strict Content-Security-Policy allows no inline script or style, so
charts are never drawn in the browser: a view builds an altair chart and the
template shows ``svg_data_uri(chart)`` in an ``<img>`` with a text
alternative, next to the same figures as a table. The SVG works in PDFs too.
"""

import base64
import hashlib
import json

import altair as alt
import vl_convert as vlc
from django.core.cache import cache, caches
from django.utils.translation import get_language

from rusfelt.core.dokumenter import labels

FONT = "DejaVu Sans, Arial, sans-serif"


def to_svg(chart) -> str:
    """The chart (an altair chart or a Vega-Lite dict) as an SVG string."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    spec.setdefault("config", {}).setdefault("font", FONT)
    return vlc.vegalite_to_svg(spec)


def svg_data_uri(chart) -> str:
    """The chart as a ``data:image/svg+xml;base64,...`` URI for an ``<img src>``."""
    svg = to_svg(chart).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


#: Seconds a rendered chart stays in the cache. Keys are the chart's content, so a
#: cached chart is never out of date; this only bounds the cache's size.
CHART_CACHE_SECONDS = 24 * 60 * 60
#: Each process's copy of the charts it has shown: Django's per-process memory cache,
#: bounded in entries and time (settings.CACHES).
KEPT_CHART_CACHE = "sider"


def cached_svg_data_uri(key, build) -> str | None:
    """``svg_data_uri(build())``, cached under a digest of ``key``.

    ``key`` must name everything the chart shows: a name and version of the
    chart's layout (bump it when the layout changes), its title and labels in
    the active language, and its data rows. Rendering a chart (vl-convert)
    costs from a tenth of a second to over a second; a page shows the cached
    SVG of the same figures instead. ``build()`` may return None (no chart).

    A process keeps a copy of each chart it has shown under the same key, so
    showing it again costs no round trip to the shared cache (a query with the
    database cache, about a tenth of a plan page's time on PostgreSQL; issue
    12). The key is the chart's content, so neither copy is ever out of date.
    """

    text = json.dumps([get_language(), key], sort_keys=True, default=str, ensure_ascii=False)
    cache_key = "charts:svg:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    kept = caches[KEPT_CHART_CACHE]
    uri = kept.get(cache_key)
    if uri is None:
        uri = cache.get(cache_key)
        if uri is None:
            chart = build()
            uri = svg_data_uri(chart) if chart is not None else ""
            cache.set(cache_key, uri, CHART_CACHE_SECONDS)
        kept.set(cache_key, uri)
    return uri or None


def broken_lines(values, series, *, x, y, color, x_title, y_title, color_title=None,
                 scale=None, width=520, height=260):
    """A line chart over years that never joins points across a break or a gap.

    ``values`` are dicts with the year in ``x``; ``series`` is the
    ``core.domain.serier.Series`` of those years, or a dict of one series per
    value of ``color`` (one per unit, each with its own breaks). Each piece of a line is
    its own segment (Vega-Lite ``detail``), so a gap leaves empty space and a
    break starts a new line; a dashed rule with SSB's ``|`` marks each break
    halfway between the years. The x axis is numeric with every year of the
    series as a tick, gaps included. ``scale`` is ``(names, colours)`` from
    ``labels`` (a meaning's colours); without it the lines get the neutral ones.
    """

    by_color = series if isinstance(series, dict) else None

    def series_of(value):
        return by_color.get(value[color]) if by_color is not None else series

    rows = []
    for v in values:
        item = series_of(v) and series_of(v).get(int(v[x]))
        if item is not None and item.segment is not None:
            rows.append({**v, "_del": f"{v[color]}-{item.segment}"})
    all_series = list(by_color.values()) if by_color is not None else [series]
    years = sorted({item.year for s in all_series for item in s})
    x_enc = alt.X(
        f"{x}:Q", title=x_title,
        axis=alt.Axis(format="d", values=years, labelAngle=0, grid=False),
        scale=alt.Scale(domain=[years[0] - 0.5, years[-1] + 0.5], nice=False, zero=False),
    )
    names, colours = scale or labels.neutral_scale(dict.fromkeys(v[color] for v in values))
    lines = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=x_enc,
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{color}:N", title=color_title, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=names, range=colours)),
        strokeDash=alt.StrokeDash(f"{color}:N", legend=None),
        detail="_del:N",
    )
    marks = {}
    for name, s in (by_color or {None: series}).items():
        for item in s:
            if item.has_break:
                marks.setdefault(item.year, []).append(name)
    breaks = [
        {"at": year - 0.5,
         "tekst": f"| {year}" + (f" {', '.join(n for n in names if n)}" if by_color else "")}
        for year, names in sorted(marks.items())
    ]
    layers = [lines]
    if breaks:
        data = alt.Data(values=breaks)
        layers.append(
            alt.Chart(data).mark_rule(color="#333", strokeDash=[4, 3]).encode(x=alt.X("at:Q"))
        )
        layers.append(
            alt.Chart(data).mark_text(align="left", baseline="top", dx=3, dy=2, color="#333")
            .encode(x=alt.X("at:Q"), y=alt.value(0), text="tekst:N")
        )
    return alt.layer(*layers).properties(width=width, height=height)
