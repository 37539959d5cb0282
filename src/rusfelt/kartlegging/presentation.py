"""Turn neutral results into display rows, comparisons, trends and charts.

Writers only format: HTML templates, XLSX and charts all read the rows
built here. Counts already suppressed stay ``:``; zero is shown as SSB's
``-`` in HTML and XLSX.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from rusfelt.core.charts import svg_data_uri
from rusfelt.core.dokumenter import labels
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
        values = [results_mod.count_or_none(data, t, r, c) for t, r, c in parts]
        if None in values:  # not registered: missing, never 0 %
            out[key] = None
        elif n == SUPPRESSED or SUPPRESSED in values:
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
    """The round's unit beside its sibling bydeler, its kommune and the country.

    A fixed number of queries: the unit's ancestors, the peers, and every
    published figure shown (the peers' and the sums) in one query.
    """
    from .services.publication import Publisering

    ancestors = runde.unit.ancestors()
    kommune = next((u for u in ancestors if u.level == "kommune"), None)
    land = next((u for u in ancestors if u.level == "land"), None)
    if land is None:
        land = type(runde.unit).objects.filter(level="land").first()
    sums = [u for u in (kommune, land) if u is not None]
    peers = []
    if kommune and kommune.pk != runde.unit.pk:
        peers = list(Runde.objects.filter(unit__parent=kommune, year=runde.year,
                                          state=State.PUBLISHED)
                     .select_related("unit").order_by("unit__code"))
        if runde.state != State.PUBLISHED:
            peers.append(runde)
    shown = [*peers] if peers else [runde]
    figures = {}  # round pk -> published figures; ("sum", unit pk) -> a published sum
    wanted = [r.pk for r in shown if r.state == State.PUBLISHED]
    query = Publisering.objects.current().filter(
        Q(runde__in=wanted) | Q(kind=Publisering.Kind.SUM, unit__in=sums, year=runde.year))
    for pub in query.order_by("year", "set_id").only("runde_id", "unit_id", "kind", "data"):
        key = pub.runde_id if pub.kind != Publisering.Kind.SUM else ("sum", pub.unit_id)
        figures.setdefault(key, pub.data)

    def published(r):  # services.published_results(), from the figures read above
        if r.pk in figures:
            return figures[r.pk]
        return services.published_results(r)

    rows = []
    if peers:
        for peer in peers:
            rows.append({"label": peer.unit.name, "current": peer.pk == runde.pk,
                         "level": "bydel", **key_measures(published(peer))})
        total = figures.get(("sum", kommune.pk))
        if total:
            rows.append({"label": _("%(name)s (sum av publiserte bydeler)")
                         % {"name": kommune.name},
                         "level": "kommune", "current": False, **key_measures(total)})
    else:
        rows.append({"label": runde.unit.name, "current": True, "level": "kommune",
                     **key_measures(published(runde))})
    if land:
        total = figures.get(("sum", land.pk))
        if total:
            rows.append({"label": _("Alle publiserte runder i landet"), "level": "land",
                         "current": False, **key_measures(total)})
    return rows


def results_and_trend(runde: Runde) -> tuple[dict, list[dict]]:
    """The round's own results (``results_for``) and its ``trend``, in two queries at most."""
    rounds, extra, figures = _trend_figures(runde, published=False)
    return figures[runde.pk], _trend_rows(runde, rounds, extra, figures)


def trend(runde: Runde, published: bool = False) -> list[dict]:
    """Key measures over the unit's rounds (published ones, plus this one).

    One query for the rounds with their stored results, however many years
    (one more for published figures).
    """
    rounds, extra, figures = _trend_figures(runde, published)
    return _trend_rows(runde, rounds, extra, figures)


def _trend_figures(runde, published):
    rounds = list(Runde.objects.filter(unit=runde.unit).filter(state=State.PUBLISHED)
                  .select_related("resultat").order_by("year"))
    extra = [] if published or any(r.pk == runde.pk for r in rounds) else [runde]
    figures = (services.published_results_for_rounds(rounds) if published
               else services.results_for_rounds(rounds + extra))
    return rounds, extra, figures


def _trend_rows(runde, rounds, extra, figures):
    rows = [{"year": r.year, "code": r.code, **key_measures(figures[r.pk])} for r in rounds]
    if extra:
        rows.append({"year": runde.year, "code": runde.code,
                     **key_measures(figures[runde.pk])})
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


def _cached_svg(kind: str, values: list, build) -> str:
    """The data URI of chart ``kind`` of ``values``, cached by the values themselves.

    A chart is a pure function of its kind and its few dozen values, so the key
    is a hash of those: the chart (altair, then vl-convert) is built only when
    the figures changed, e.g. after a publication, not to compute the key.
    """
    import hashlib
    import json

    key = f"kartlegging:chart:{kind}:" + hashlib.sha256(
        json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    uri = cache.get(key)
    if uri is None:
        uri = svg_data_uri(build())
        cache.set(key, uri, 3600)
    return uri


def trend_chart(rows):
    values = _chart_values(rows, ["indeks_rod_blalys", "bolig_rod", "rus_gronn", "psyk_gronn"],
                           "year")
    if len({r["year"] for r in rows}) < 2 or not values:
        return None

    tones = {"indeks_rod_blalys": "rod", "bolig_rod": "rod", "rus_gronn": "gronn",
             "psyk_gronn": "gronn"}
    names, colours = labels.measure_scale(
        (label, tones[key]) for key, label, _p in MEASURES if key in tones)

    def build():
        import altair as alt

        return alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
            x=alt.X("year:O", title="År"),
            y=alt.Y("andel:Q", title="Andel (%)"),
            color=alt.Color("mål:N", title="Mål", scale=alt.Scale(domain=names, range=colours)),
            strokeDash=alt.StrokeDash("mål:N", title="Mål"),
        ).properties(width=520, height=260)

    return _cached_svg("trend-v2", values, build)  # v2: the levels' own colours


def comparison_chart(rows):
    values = [{"enhet": r["label"], "andel": float(r["indeks_rod_blalys"]),
               "nivå": r["level"]}
              for r in rows if r["indeks_rod_blalys"] not in (None, SUPPRESSED)]
    if len(values) < 2:
        return None

    # Levels of the organisation mean no judgement: greys (labels.neutral_scale).
    level_names, level_colours = labels.neutral_scale(["bydel", "kommune", "land"])

    def build():
        import altair as alt

        return alt.Chart(alt.Data(values=values)).mark_bar().encode(
            y=alt.Y("enhet:N", sort=None, title=None),
            x=alt.X("andel:Q", title="Levekårsindeks rød + blålys (%)"),
            color=alt.Color("nivå:N", title="Nivå",
                            scale=alt.Scale(domain=level_names, range=level_colours)),
        ).properties(width=480, height=alt.Step(18))

    return _cached_svg("comparison-v2", values, build)  # v2: greys, no judgement colours
