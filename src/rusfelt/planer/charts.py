"""The chart of status over periods, shared by the overview page and the report."""

import altair as alt

from rusfelt.core.dokumenter import labels

from .domain import status as st


def status_chart_spec(over_periods) -> dict:
    """A stacked bar per year of the counts per status (a Vega-Lite dict)."""
    names, colours = labels.chart_scale(st.SUMMARY_ORDER)
    data = [
        {"År": str(year), "Status": labels.label(s), "Antall": n, "rekkefolge": i}
        for year, counts in over_periods
        for i, (s, n) in enumerate(counts.items())
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("År:N", title="År", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(Antall):Q", title="Antall tiltak"),
            color=alt.Color("Status:N", sort=names,
                            scale=alt.Scale(domain=names, range=colours)),
            order=alt.Order("rekkefolge:Q"),
        )
        .properties(width=420, height=220, title="Status ved utgangen av hvert år")
    )
    return chart.to_dict()
