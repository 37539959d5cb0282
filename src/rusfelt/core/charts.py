"""Charts as SVG, rendered on the server from Vega-Lite (altair + vl-convert).

The strict Content-Security-Policy allows no inline script or style, so
charts are never drawn in the browser: a view builds an altair chart and the
template shows ``svg_data_uri(chart)`` in an ``<img>`` with a text
alternative, next to the same figures as a table. The SVG works in PDFs too.
"""

import base64

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
