"""Turn neutral results into display rows, comparisons, trends and charts.

Writers only format: HTML templates, XLSX and charts all read the rows
built here. Counts already suppressed stay ``:``; zero is shown as SSB's
``-`` in HTML and XLSX.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import altair as alt
from django.core.cache import cache, caches
from django.db.models import Q, Subquery
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rusfelt.core.charts import broken_lines, svg_data_uri
from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter import model as d
from rusfelt.core.dokumenter.formatting import format_cell
from rusfelt.core.domain.serier import BREAK_SYMBOL, MISSING, Brudd, build_series
from rusfelt.core.models import Niva
from rusfelt.core.services import predecessor_codes

from . import results as results_mod
from . import services
from .domain.shares import share
from .domain.suppression import SUPPRESSED
from .models import RESULTATSTAND_PK, Diagram, Publisering, Resultatstand, Runde, State
from .texts import ROW_LABELS, TABLE_TITLES, missing_notes
from .trends import series_for


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


#: A count and its share, as ``_tables.html`` writes each cell of a row.
CELL_PAIR_HTML = '<td class="num">{}</td><td class="num">{}</td>'


def display_tables(data: dict) -> list[dict]:
    footnote = published_footnote(data)
    tables = []
    for t in results_mod.with_missing(data):
        rows = []
        for row in results_mod.share_rows(data, t):
            cells = [{"count": fmt_count(c["count"]),
                      "share": fmt_share(c["share"])
                      if c["share"] is not None or c["count"] is None else ""}
                     for c in row["cells"]]
            rows.append({
                "label": ROW_LABELS.get(row["key"], row["key"]),
                "key": row["key"],
                "cells": cells,
                # The row's cells as the table writes them, escaped once here rather
                # than two template variables per cell (issue 12).
                "cells_html": format_html_join("", CELL_PAIR_HTML,
                                               ((c["count"], c["share"]) for c in cells)),
            })
        tables.append({
            "name": t["name"], "title": TABLE_TITLES.get(t["name"], t["name"]),
            "cols": [ROW_LABELS.get(c, c) for c in t["cols"]], "col_keys": t["cols"],
            "rows": rows, "kind": t["kind"], "footnote": footnote,
            "missing_notes": missing_notes(t),
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
    out["cells_html"] = measure_cells(out["fmt"])
    return out


#: The columns of a key-measure row, in ``_measures.html``'s order.
MEASURE_COLUMNS = ["n", "rate", *[key for key, _l, _p in MEASURES]]


def measure_cells(fmt: dict) -> str:
    """A key-measure row's cells (``fmt``: its formatted figures), escaped once here
    rather than an include and nine template variables per row (issue 12)."""
    return format_html_join("", '<td class="num">{}</td>',
                            ((fmt[key],) for key in MEASURE_COLUMNS))


def fmt_rate(rate):
    """A stored rate ("9.4", ":" or None) in Norwegian format."""
    return format_cell(d.rate(rate))


def comparison(runde: Runde, published_only=True) -> list[dict]:
    """The round's unit beside its sibling bydeler, its kommune and the country.

    A fixed number of queries: the peers (a bydel's), and every published
    figure shown (the peers' and the sums, with their units' names and levels)
    in one query. The units above are not read: a unit's kommune is the unit
    itself or a bydel's parent (``NIVA_ORDER``), and the country is the land
    at the root of its path (issue 12: the round is loaded with its unit
    alone, so a warm page's one query of its own joins one unit, not four).
    """
    unit = runde.unit
    kommune_id = {Niva.KOMMUNE: unit.pk, Niva.BYDEL: unit.parent_id}.get(unit.level)
    root_code = unit.path.strip("/").split("/", 1)[0]
    peers = []
    if kommune_id is not None and kommune_id != unit.pk:
        peers = list(Runde.objects.filter(unit__parent_id=kommune_id, year=runde.year,
                                          state=State.PUBLISHED)
                     .select_related("unit").order_by("unit__code"))
        if runde.state != State.PUBLISHED:
            peers.append(runde)
    shown = [*peers] if peers else [runde]
    figures = {}  # round pk -> published figures; ("sum", unit pk) -> a published sum
    sum_names, lands = {}, []  # the kommune's name; (code, unit pk) of each land's sum
    wanted = [r.pk for r in shown if r.state == State.PUBLISHED]
    query = Publisering.objects.current().filter(
        Q(runde__in=wanted) | Q(Q(unit=kommune_id) | Q(unit__level=Niva.LAND),
                                kind=Publisering.Kind.SUM, year=runde.year))
    for runde_id, unit_id, kind, data, level, name, code in (
            query.order_by("year", "set_id").values_list(
                "runde_id", "unit_id", "kind", "data", "unit__level", "unit__name",
                "unit__code")):
        key = runde_id if kind != Publisering.Kind.SUM else ("sum", unit_id)
        if key not in figures and kind == Publisering.Kind.SUM:
            sum_names[unit_id] = name
            if level == Niva.LAND:
                lands.append((code, unit_id))
        figures.setdefault(key, data)
    # The land at the root of the unit's tree; without one, the first land with a sum.
    land_id = next((pk for code, pk in lands if code == root_code),
                   lands[0][1] if lands else None)

    def published(r):  # services.published_results(), from the figures read above
        if r.pk in figures:
            return figures[r.pk]
        return services.published_results(r)

    rows = []
    if peers:
        for peer in peers:
            rows.append({"label": peer.unit.name, "current": peer.pk == runde.pk,
                         "level": "bydel", **key_measures(published(peer))})
        total = figures.get(("sum", kommune_id))
        if total:
            rows.append({"label": _("%(name)s (sum av publiserte bydeler)")
                         % {"name": sum_names[kommune_id]},
                         "level": "kommune", "current": False, **key_measures(total)})
    else:
        rows.append({"label": runde.unit.name, "current": True, "level": "kommune",
                     **key_measures(published(runde))})
    if land_id is not None:
        total = figures.get(("sum", land_id))
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

    Every year from the first to the last round is a row: a year without a
    published round shows ``..`` and its reason («Ikke kartlagt»), a year
    that breaks the series is labelled ``2015 |`` and carries its reasons
    (``kartlegging.trends``). The unit's predecessors' rounds come first,
    marked with a break at the reform, always with their published figures.
    The rounds and their stored results are read in a fixed number of
    queries, however many years.
    """
    rounds, extra, figures = _trend_figures(runde, published)
    return _trend_rows(runde, rounds, extra, figures)


def _trend_figures(runde, published):
    runde._predecessors = predecessor_codes(runde.unit.code)
    codes = [runde.unit.code, *runde._predecessors]
    rounds = list(Runde.objects.filter(unit__code__in=codes, state=State.PUBLISHED)
                  .select_related("resultat").order_by("year"))
    extra = [] if published or any(r.pk == runde.pk for r in rounds) else [runde]
    own = [r for r in rounds if r.unit_id == runde.unit_id]
    # SECURITY: a predecessor's figures are always the published, suppressed ones. A
    # successor of a split may not read the whole predecessor's unsuppressed figures
    # (core.scoping), and a trend needs no more.
    others = [r for r in rounds if r.unit_id != runde.unit_id]
    figures = services.published_results_for_rounds(others) if others else {}
    figures.update(services.published_results_for_rounds(own) if published
                   else services.results_for_rounds(own + extra))
    return rounds, extra, figures


def _trend_rows(runde, rounds, extra, figures):
    by_key = {(r.unit_id, r.year): r for r in [*rounds, *extra]}

    def figures_of(unit, year):
        r = by_key.get((unit.pk, year))
        if r is None:
            return None
        return {"year": year, "code": r.code, "levekarsindeks_regel": r.levekarsindeks_regel,
                **key_measures(figures[r.pk])}

    years = {r.year for r in [*rounds, *extra]}
    if not years:
        return []
    series, by_year = series_for(runde.unit, figures_of, range(min(years), max(years) + 1),
                                 rounds=[*rounds, *extra],
                                 predecessors=getattr(runde, "_predecessors", None))
    rows = []
    for item in series:
        if item.present:
            _unit, row = by_year[item.year]
            rows.append({**row, "label": item.label, "segment": item.segment,
                         "breaks": [b.reason for b in item.breaks], "missing": False})
        else:
            fmt = dict.fromkeys(MEASURE_COLUMNS, MISSING)
            rows.append({"year": item.year, "label": item.label, "segment": None,
                         "breaks": [], "missing": True, "reason": item.missing_reason,
                         "fmt": fmt, "cells_html": measure_cells(fmt)})
    return rows


def trend_notes(rows) -> list[str]:
    """The footnotes of a trend table: each break and each gap with its reason."""
    notes = []
    for row in rows:
        for reason in row.get("breaks", []):
            notes.append(f"{row['year']} {BREAK_SYMBOL} {reason}")
        if row.get("missing"):
            notes.append(f"{row['year']} {MISSING} {row['reason']}")
    return notes


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


def _chart_key(kind: str, values) -> str:
    """The stored chart's key: its kind (with a layout version) and a digest of its values."""
    return f"{kind}:" + hashlib.sha256(
        json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def charts(*specs) -> list[str | None]:
    """The data URIs of the charts ``specs`` (``(key, build)`` or None), in one query.

    A chart is a pure function of its kind and its few dozen values, so its
    key is a digest of those: it is built (altair, then vl-convert) only when
    the figures changed, and then stored (``Diagram``), where publishing a
    round puts its page's charts (``prerender``), so no view has to build them.
    """
    keys = [spec[0] for spec in specs if spec is not None]
    stored = dict(Diagram.objects.filter(key__in=keys).values_list("key", "uri")) if keys else {}
    new = []
    for spec in specs:
        if spec is not None and spec[0] not in stored:
            stored[spec[0]] = svg_data_uri(spec[1]())
            new.append(Diagram(key=spec[0], uri=stored[spec[0]]))
    if new:  # another process may have stored the same chart meanwhile: the same bytes
        Diagram.objects.bulk_create(new, ignore_conflicts=True)
    return [stored[spec[0]] if spec is not None else None for spec in specs]


def _rendered(spec) -> str | None:
    """The chart of ``spec`` rendered now, not stored (pages use ``charts``)."""
    return svg_data_uri(spec[1]()) if spec is not None else None


def trend_chart(rows):
    """Key shares per year; lines stop at gaps and breaks, which a dashed rule marks."""
    return _rendered(trend_chart_spec(rows))


def trend_chart_spec(rows):
    """``(key, build)`` of ``trend_chart(rows)``, or None when there is no chart."""
    present = [r for r in rows if not r.get("missing")]
    values = _chart_values(present, ["indeks_rod_blalys", "bolig_rod", "rus_gronn", "psyk_gronn"],
                           "year")
    if len({r["year"] for r in present}) < 2 or not values:
        return None
    series = build_series([r["year"] for r in present],
                          [Brudd(r["year"], b) for r in present for b in r.get("breaks", [])])
    shape = [(item.year, item.segment, item.has_break) for item in series]

    tones = {"indeks_rod_blalys": "rod", "bolig_rod": "rod", "rus_gronn": "gronn",
             "psyk_gronn": "gronn"}
    names, colours = labels.measure_scale(
        (label, tones[key]) for key, label, _p in MEASURES if key in tones)

    def build():
        return broken_lines(values, series, x="year", y="andel", color="mål", x_title="År",
                            y_title="Andel (%)", color_title="Mål", scale=(names, colours))

    return _chart_key("trend-brudd-v2", [values, shape]), build  # v2: the levels' colours


def comparison_chart(rows):
    """The share with levekårsindeks rød or blålys per unit, as bars."""
    return _rendered(comparison_chart_spec(rows))


def comparison_chart_spec(rows):
    """``(key, build)`` of ``comparison_chart(rows)``, or None when there is no chart."""
    values = [{"enhet": r["label"], "andel": float(r["indeks_rod_blalys"]),
               "nivå": r["level"]}
              for r in rows if r["indeks_rod_blalys"] not in (None, SUPPRESSED)]
    if len(values) < 2:
        return None

    # Levels of the organisation mean no judgement: greys (labels.neutral_scale).
    level_names, level_colours = labels.neutral_scale(["bydel", "kommune", "land"])

    def build():
        return alt.Chart(alt.Data(values=values)).mark_bar().encode(
            y=alt.Y("enhet:N", sort=None, title=None),
            x=alt.X("andel:Q", title="Levekårsindeks rød + blålys (%)"),
            color=alt.Color("nivå:N", title="Nivå",
                            scale=alt.Scale(domain=level_names, range=level_colours)),
        ).properties(width=480, height=alt.Step(18))

    return _chart_key("comparison-v2", values), build  # v2: greys, no judgement colours


#: Bump when ``_results_body.html`` or what it shows changes: cached bodies of the
#: old layout are then never read again.
RESULTS_BODY_VERSION = "v2"
RESULTS_BODY_SECONDS = 24 * 60 * 60
#: Each process's copy of a published round's body (settings.CACHES: Django's
#: per-process memory cache, bounded in entries and time), read without a query.
KEPT_BODY_CACHE = "sider"


def resultatstand() -> Subquery:
    """The token of ``Resultatstand``, to annotate the round's own query with (no query
    of its own); None when the row is missing."""
    return Subquery(Resultatstand.objects.filter(pk=RESULTATSTAND_PK).values("token")[:1])


def _body_key(shown) -> str:
    return "kartlegging:resultatside:" + hashlib.sha256(
        json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def results_body(runde: Runde) -> str:
    """The results page's content (the unit's own figures), rendered once per figures.

    A published round shows stored figures only, so its body is kept under
    the version of those (``Resultatstand``, read with the round as
    ``runde.resultatstand``): a kept page is read without reading or
    comparing its figures, and any write of what it shows (a publication, a
    withdrawal, a unit renamed, a reform link) gives a new version and so a
    new key. Other rounds' figures change with every registration: they are
    read every time (a fixed number of queries) and the body is kept under a
    digest of everything it shows. Either way the tables are formatted once
    per figures, not per view (issue 12). The language is in both keys.

    A published round's body is also kept in each process (``KEPT_BODY_CACHE``)
    under the same key: a warm view then reads neither the shared cache nor
    its pickle, one query less (issue 12). The version is random and read
    with the round, so no process can show a body of figures since changed.
    SECURITY: the body shows the round's own figures to whoever may read the
    round: ``load_round`` checks that before this is called, as for the
    shared cache.
    """
    footnote = services.footnote()
    stand = getattr(runde, "resultatstand", None)
    if runde.state == State.PUBLISHED and stand is not None:
        key = _body_key([RESULTS_BODY_VERSION, "stand", stand, get_language(),
                         get_script_prefix(), runde.pk, runde.code, footnote])
        kept = caches[KEPT_BODY_CACHE]
        body = kept.get(key)
        if body is None:
            body = cache.get(key)
            if body is None:
                data, trend_rows = results_and_trend(runde)
                body = _render_body(runde, data, trend_rows, comparison(runde), footnote)
                cache.set(key, body, RESULTS_BODY_SECONDS)
            kept.set(key, body)
        return mark_safe(body)  # noqa: S308 -- rendered by our template, autoescaped
    data, trend_rows = results_and_trend(runde)
    comparison_rows = comparison(runde)
    rate = fmt_rate(data.get("rate_per_1000"))
    shown = [RESULTS_BODY_VERSION, get_language(), runde.code, runde.unit.name, runde.year,
             runde.state, runde.levekarsindeks_regel, data, comparison_rows, trend_rows,
             footnote, rate]
    key = _body_key(shown)
    body = cache.get(key)
    if body is None:
        body = _render_body(runde, data, trend_rows, comparison_rows, footnote)
        cache.set(key, body, RESULTS_BODY_SECONDS)
    return mark_safe(body)  # noqa: S308 -- rendered by our template, autoescaped


def _render_body(runde, data, trend_rows, comparison_rows, footnote) -> str:
    comparison_uri, trend_uri = charts(comparison_chart_spec(comparison_rows),
                                       trend_chart_spec(trend_rows))
    return render_to_string("kartlegging/_results_body.html", {
        "runde": runde, "data": data, "tables": display_tables(data),
        "comparison": comparison_rows, "comparison_chart": comparison_uri,
        "trend": trend_rows, "trend_chart": trend_uri,
        "trend_notes": trend_notes(trend_rows), "published": False,
        "rate": fmt_rate(data.get("rate_per_1000")), "footnote": footnote,
    })


def prerender(runde: Runde) -> None:
    """Render and store the charts of ``runde``'s results page (after publishing).

    The trend of every published round of the unit and the comparison of its
    published sibling bydeler show the same figures, so their pages find
    these charts too.
    """
    _data, trend_rows = results_and_trend(runde)
    charts(comparison_chart_spec(comparison(runde)), trend_chart_spec(trend_rows))
