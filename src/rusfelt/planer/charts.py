"""The chart of status over periods, shared by the overview page and the report."""

import altair as alt

from .domain import status as st

COLOURS = ["#9e9e9e", "#1f6fb2", "#2e7d32", "#e0a800", "#5d4037", "#d9d9d9"]


def status_chart_spec(over_periods) -> dict:
    """A stacked bar per year of the counts per status (a Vega-Lite dict)."""
    labels = [st.LABELS[s] for s in st.SUMMARY_ORDER]
    data = [
        {"År": str(year), "Status": st.LABELS[s], "Antall": n, "rekkefolge": i}
        for year, counts in over_periods
        for i, (s, n) in enumerate(counts.items())
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("År:N", title="År", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(Antall):Q", title="Antall tiltak"),
            color=alt.Color("Status:N", sort=labels,
                            scale=alt.Scale(domain=labels, range=COLOURS)),
            order=alt.Order("rekkefolge:Q"),
        )
        .properties(width=420, height=220, title="Status ved utgangen av hvert år")
    )
    return chart.to_dict()
