"""Charts as SVG, rendered on the server from Vega-Lite (altair + vl-convert).

The strict Content-Security-Policy allows no inline script or style, so
charts are never drawn in the browser: a view builds an altair chart and the
template shows ``svg_data_uri(chart)`` in an ``<img>`` with a text
alternative, next to the same figures as a table. The SVG works in PDFs too.
"""

import base64
import hashlib
import json

import vl_convert as vlc

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


def cached_svg_data_uri(key, build) -> str | None:
    """``svg_data_uri(build())``, cached under a digest of ``key``.

    ``key`` must name everything the chart shows: a name and version of the
    chart's layout (bump it when the layout changes), its title and labels in
    the active language, and its data rows. Rendering a chart (vl-convert)
    costs from a tenth of a second to over a second; a page shows the cached
    SVG of the same figures instead. ``build()`` may return None (no chart).
    """
    from django.core.cache import cache
    from django.utils.translation import get_language

    text = json.dumps([get_language(), key], sort_keys=True, default=str, ensure_ascii=False)
    cache_key = "charts:svg:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    uri = cache.get(cache_key)
    if uri is None:
        chart = build()
        uri = svg_data_uri(chart) if chart is not None else ""
        cache.set(cache_key, uri, CHART_CACHE_SECONDS)
    return uri or None
