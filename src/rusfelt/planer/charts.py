"""The chart of status over periods, shared by the overview page and the report."""

import hashlib
import json

import altair as alt
from django.core.cache import caches
from django.utils.translation import get_language

from rusfelt.core.dokumenter import labels

from .domain import status as st

#: Where each process keeps a built spec (``kept_status_chart_spec``): Django's
#: per-process memory cache, bounded in entries and time (settings.CACHES).
KEPT_SPEC_CACHE = "sider"
#: The layout's version: bump it when ``status_chart_spec`` changes what it draws.
SPEC_VERSION = "planer-status-spec-v1"


def status_chart_spec(over_periods) -> dict:
    """A stacked bar per year of the counts per status (a Vega-Lite dict).

    A year without reports (``counts`` None) keeps its place on the axis with
    no bar, so a gap in the reporting shows as a gap.
    """
    names, colours = labels.chart_scale(st.SUMMARY_ORDER)
    years = [str(year) for year, _counts in over_periods]
    data = [
        {"År": str(year), "Status": labels.label(s), "Antall": n, "rekkefolge": i}
        for year, counts in over_periods if counts is not None
        for i, (s, n) in enumerate(counts.items())
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("År:N", title="År", axis=alt.Axis(labelAngle=0),
                    scale=alt.Scale(domain=years)),
            y=alt.Y("sum(Antall):Q", title="Antall tiltak"),
            color=alt.Color("Status:N", sort=names,
                            scale=alt.Scale(domain=names, range=colours)),
            order=alt.Order("rekkefolge:Q"),
        )
        .properties(width=420, height=220, title="Status ved utgangen av hvert år")
    )
    # Not validated against the Vega-Lite schema on every call (a tenth of a second
    # of the report's time, issue 12): the layout is fixed, and the tests render it.
    return chart.to_dict(validate=False)


def kept_status_chart_spec(over_periods) -> dict:
    """``status_chart_spec(over_periods)``, built once per set of figures in this process.

    Building the spec through altair took a third of the yearly report's time
    (issue 12), and the report is rebuilt on every view. The key is the layout's
    version, the language of its words and the figures themselves, so a kept
    spec always shows what a fresh one would. The cache hands out a copy, which
    a writer may change (``core.charts.to_svg`` sets the font).
    """
    text = json.dumps([SPEC_VERSION, get_language(), over_periods], default=str)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return caches[KEPT_SPEC_CACHE].get_or_set(
        "planer:status-spec:" + digest, lambda: status_chart_spec(over_periods))
