"""Turn neutral results into display rows, comparisons, trends and charts.

Writers only format: HTML templates, XLSX and charts all read the rows
built here. Counts already suppressed stay ``:``; zero is shown as SSB's
``-`` in HTML and XLSX.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext as _

from rusfelt.core.charts import svg_data_uri
from rusfelt.core.dokumenter import model as d
from rusfelt.core.dokumenter.formatting import format_cell

from . import results as results_mod
from . import services
from .domain.shares import share
from .domain.suppression import SUPPRESSED
from .models import Runde, State
from .texts import ROW_LABELS, TABLE_TITLES


def fmt_count(value):
    """A count as the documents write it: 1 234, «-» for zero, «:» suppressed."""
    return format_cell(d.count(value))


def fmt_share(value):
    """A share without its unit (the column says «%»): 67,4, «..» missing, «:» suppressed."""
    return format_cell(d.number(value, 1))


def published_footnote(data: dict) -> str:
    """The note about ``:`` and the method, for figures that were published ("" if not)."""
    if not data.get("metode"):
        return ""
    return services.footnote(data["metode"], data.get("terskel"))


def display_tables(data: dict) -> list[dict]:
    footnote = published_footnote(data)
    tables = []
    for t in data["tables"]:
        rows = []
        for row in results_mod.share_rows(data, t):
            rows.append({
                "label": ROW_LABELS.get(row["key"], row["key"]),
                "key": row["key"],
                "cells": [{"count": fmt_count(c["count"]),
                           "share": fmt_share(c["share"]) if c["share"] is not None else ""}
                          for c in row["cells"]],
            })
        tables.append({
            "name": t["name"], "title": TABLE_TITLES.get(t["name"], t["name"]),
            "cols": [ROW_LABELS.get(c, c) for c in t["cols"]], "col_keys": t["cols"],
            "rows": rows, "kind": t["kind"], "footnote": footnote,
        })
    return tables


MEASURES = [
    ("indeks_gronn", "Levekårsindeks grønn", [("levekarsindeks", "totalt", "gronn")]),
    ("indeks_rod_blalys", "Levekårsindeks rød + blålys",
     [("levekarsindeks", "totalt", "rod"), ("levekarsindeks", "totalt", "blalys")]),
    ("bolig_rod", "Bostedsløse (bolig rød)", [("levekarsomrader", "bolig", "rod")]),
    ("rus_gronn", "Rusmiddelbruk grønn", [("levekarsomrader", "rusmiddelbruk", "gronn")]),
    ("psyk_gronn", "Psykisk helse grønn", [("levekarsomrader", "psykisk_helse", "gronn")]),
    ("ip", "Individuell plan", [("planer", "individuell_plan", "ja")]),
    ("rop", "ROP", [("rop", "rop", None)]),
]


def key_measures(data: dict) -> dict:
    """Shares (Decimal or ':') of the key measures; ':' where a part is suppressed.

    ``fmt`` holds the same figures formatted for display (SSB symbols kept).
    """
    n = data["n"]
    rate = data.get("rate_per_1000")
    out = {"n": n, "rate": rate}
    for key, _label, parts in MEASURES:
        if "andeler" in data:  # published figures: the shares as published
            value = results_mod.andel(data, key)
            out[key] = value if value in (None, SUPPRESSED) else Decimal(value)
            continue
        values = [results_mod.count(data, t, r, c) for t, r, c in parts]
        if n == SUPPRESSED or SUPPRESSED in values:
            out[key] = SUPPRESSED
        else:
            out[key] = share(sum(values), n)
    out["fmt"] = {key: fmt_share(out[key]) for key, _l, _p in MEASURES}
    out["fmt"]["n"] = fmt_count(n)
    out["fmt"]["rate"] = fmt_rate(rate)
    return out


def fmt_rate(rate):
    """A stored rate ("9.4", ":" or None) in Norwegian format."""
    return format_cell(d.rate(rate))


def comparison(runde: Runde, published_only=True) -> list[dict]:
    """The round's unit beside its sibling bydeler, its kommune and the country."""
    kommune = runde.unit.kommune()
    rows = []
    if kommune and kommune.pk != runde.unit.pk:
        peers = (Runde.objects.filter(unit__parent=kommune, year=runde.year,
                                      state=State.PUBLISHED)
                 .select_related("unit").order_by("unit__code"))
        if runde.state != State.PUBLISHED:
            peers = list(peers) + [runde]
        for peer in peers:
            data = services.published_results(peer)
            rows.append({"label": peer.unit.name, "current": peer.pk == runde.pk,
                         "level": "bydel", **key_measures(data)})
        total = services.area_results(kommune, runde.year)
        if total:
            rows.append({"label": _("%(name)s (sum av publiserte bydeler)")
                         % {"name": kommune.name},
                         "level": "kommune", "current": False, **key_measures(total)})
    else:
        rows.append({"label": runde.unit.name, "current": True, "level": "kommune",
                     **key_measures(services.published_results(runde))})
    land = type(runde.unit).objects.filter(level="land").first()
    if land:
        total = services.area_results(land, runde.year)
        if total:
            rows.append({"label": _("Alle publiserte runder i landet"), "level": "land",
                         "current": False, **key_measures(total)})
    return rows


def trend(runde: Runde, published: bool = False) -> list[dict]:
    """Key measures over the unit's rounds (published ones, plus this one)."""
    rounds = Runde.objects.filter(unit=runde.unit).filter(state=State.PUBLISHED).order_by("year")
    rows = []
    seen = set()
    for r in rounds:
        data = services.published_results(r) if published else services.results_for(r)
        rows.append({"year": r.year, "code": r.code, **key_measures(data)})
        seen.add(r.pk)
    if runde.pk not in seen and not published:
        rows.append({"year": runde.year, "code": runde.code,
                     **key_measures(services.results_for(runde))})
        rows.sort(key=lambda row: row["year"])
    return rows


def _chart_values(rows, keys, label_key):
    labels = {k: lbl for k, lbl, _p in MEASURES}
    values = []
    for row in rows:
        for key in keys:
            value = row.get(key)
            if value not in (None, SUPPRESSED):
                values.append({label_key: row[label_key], "mål": labels[key],
                               "andel": float(value)})
    return values


def _cached_svg(chart) -> str:
    """The chart's data URI, cached by its specification (charts are pure functions of it)."""
    import hashlib
    import json

    spec = chart.to_dict()
    key = "kartlegging:chart:" + hashlib.sha256(
        json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    uri = cache.get(key)
    if uri is None:
        uri = svg_data_uri(chart)
        cache.set(key, uri, 3600)
    return uri


def trend_chart(rows):
    import altair as alt

    values = _chart_values(rows, ["indeks_rod_blalys", "bolig_rod", "rus_gronn", "psyk_gronn"],
                           "year")
    if len({r["year"] for r in rows}) < 2 or not values:
        return None
    chart = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=alt.X("year:O", title="År"),
        y=alt.Y("andel:Q", title="Andel (%)"),
        color=alt.Color("mål:N", title="Mål"),
        strokeDash=alt.StrokeDash("mål:N", title="Mål"),
    ).properties(width=520, height=260)
    return _cached_svg(chart)


def comparison_chart(rows):
    import altair as alt

    values = [{"enhet": r["label"], "andel": float(r["indeks_rod_blalys"]),
               "nivå": r["level"]}
              for r in rows if r["indeks_rod_blalys"] not in (None, SUPPRESSED)]
    if len(values) < 2:
        return None
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("enhet:N", sort=None, title=None),
        x=alt.X("andel:Q", title="Levekårsindeks rød + blålys (%)"),
        color=alt.Color("nivå:N", title="Nivå",
                        scale=alt.Scale(domain=["bydel", "kommune", "land"],
                                        range=["#4c78a8", "#e45756", "#54a24b"])),
    ).properties(width=480, height=alt.Step(18))
    return _cached_svg(chart)
