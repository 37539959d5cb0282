"""Results of a round, computed in the database, and their suppressed form.

``compute(runde)`` runs a handful of GROUP BY / conditional-count queries and
returns neutral results (a JSON-able dict of tables with plain counts).
``published(results)`` applies small-number suppression (domain/suppression)
for every table that leaves the unit. Writers (HTML, CSV, XLSX) only format.

Table kinds:
- ``rows``: each row is a distribution of all persons over the columns
  (levekarsomrader, levekarsindeks);
- ``column``: the rows split a whole (kategori, kjonn, alder ...);
- ``flags``: independent yes-counts (plans, risk, violence).
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from .domain.levekarsindeks import INDEX_KEYS
from .domain.levels import (
    AREAS,
    BARN_KONTAKT,
    BOSITUASJON,
    FODESTED,
    KATEGORIER,
    LEVEL_KEYS,
    TJENESTER,
)
from .domain.shares import AGE_BANDS, share
from .domain.suppression import SUPPRESSED, suppress_single, suppress_vector

FLAG_TABLES = {
    "varighet": ["varighet_over_3_ar"],
    "planer": ["individuell_plan", "tiltaksplan", "kriseplan", "ansvarsgruppe", "koordinator"],
    "risiko": ["selvmordsforsok", "selvmordsfare", "overdose", "overdosefare"],
    "vold": ["vold_utsatt", "vold_utover"],
}


def _column_table(name, keys, counts):
    return {"name": name, "kind": "column", "rows": list(keys), "cols": ["antall"],
            "counts": [[counts.get(k, 0)] for k in keys]}


def compute(queryset, rule: str | None = None) -> dict:
    """Neutral results of the registrations in ``queryset`` (one round or several).

    Runs about ten aggregate queries; no Python loop over registrations.
    """
    aggregates = {"n": Count("pk")}
    for area in AREAS:
        for level in LEVEL_KEYS:
            aggregates[f"{area}_{level}"] = Count("pk", filter=Q(**{area: level}))
    for key in INDEX_KEYS:
        aggregates[f"indeks_{key}"] = Count("pk", filter=Q(levekarsindeks=key))
    aggregates["rop_ja"] = Count("pk", filter=Q(rop=True))
    for i, (lo, hi, _label) in enumerate(AGE_BANDS):
        aggregates[f"alder_{i}"] = Count("pk", filter=Q(alder__gte=lo, alder__lte=hi))
    aggregates["alder_under16"] = Count("pk", filter=Q(alder__lt=16))
    for fields in FLAG_TABLES.values():
        for field in fields:
            aggregates[f"flag_{field}"] = Count("pk", filter=Q(**{field: True}))
    aggregates["barn_med_barn"] = Count("pk", filter=Q(antall_barn__gt=0))
    aggregates["barn_antall_barn"] = Sum("antall_barn")
    agg = queryset.aggregate(**aggregates)
    n = agg["n"]

    def grouped(field):
        return dict(queryset.order_by().values_list(field).annotate(c=Count("pk")))

    tables = [
        {"name": "antall", "kind": "single", "rows": ["totalt"], "cols": ["antall"],
         "counts": [[n]]},
        {"name": "levekarsomrader", "kind": "rows", "rows": list(AREAS),
         "cols": list(LEVEL_KEYS),
         "counts": [[agg[f"{a}_{lv}"] for lv in LEVEL_KEYS] for a in AREAS]},
        {"name": "levekarsindeks", "kind": "rows", "rows": ["totalt"], "cols": list(INDEX_KEYS),
         "counts": [[agg[f"indeks_{k}"] for k in INDEX_KEYS]]},
        _column_table("kategori", KATEGORIER, grouped("kategori")),
        {"name": "rop", "kind": "column", "rows": ["rop", "ikke_rop"], "cols": ["antall"],
         "counts": [[agg["rop_ja"]], [n - agg["rop_ja"]]]},
        _column_table("kjonn", ["mann", "kvinne"], grouped("kjonn")),
    ]
    band_counts = {label: agg[f"alder_{i}"] for i, (_lo, _hi, label) in enumerate(AGE_BANDS)}
    if agg["alder_under16"]:
        band_counts = {"under 16": agg["alder_under16"], **band_counts}
    tables.append(_column_table("alder", list(band_counts), band_counts))
    tables.append(_column_table("tjeneste", TJENESTER, grouped("tjeneste")))
    fodested = grouped("fodested")
    bosituasjon = grouped("bosituasjon")
    if any(fodested.get(k) for k in FODESTED):
        tables.append(_column_table("fodested", FODESTED, fodested))
    if any(bosituasjon.get(k) for k in BOSITUASJON):
        tables.append(_column_table("bosituasjon", BOSITUASJON, bosituasjon))
    tables.append({"name": "barn", "kind": "flags", "rows": ["med_barn", "antall_barn"],
                   "cols": ["antall"],
                   "counts": [[agg["barn_med_barn"]], [agg["barn_antall_barn"] or 0]]})
    kontakt = grouped("barn_kontakt")
    if any(kontakt.get(k) for k in BARN_KONTAKT):
        tables.append(_column_table("barn_kontakt", BARN_KONTAKT, kontakt))
    for name, fields in FLAG_TABLES.items():
        tables.append({"name": name, "kind": "flags", "rows": list(fields), "cols": ["ja"],
                       "counts": [[agg[f"flag_{f}"]] for f in fields]})
    return {"n": n, "rule": rule, "tables": tables}


def table(results: dict, name: str) -> dict | None:
    return next((t for t in results["tables"] if t["name"] == name), None)


def count(results: dict, name: str, row: str, col: str | None = None) -> int:
    t = table(results, name)
    if t is None:
        return 0
    c = t["cols"].index(col) if col else 0
    return t["counts"][t["rows"].index(row)][c]


def suppress_results(results: dict) -> dict:
    """The same results with counts 1-4 (and secondary cells) as ``:``."""
    out = []
    for t in results["tables"]:
        kind = t["kind"]
        if kind == "rows":
            counts = [suppress_vector(row)[0] for row in t["counts"]]
        elif kind == "column":
            shown, _total = suppress_vector([row[0] for row in t["counts"]])
            counts = [[v] for v in shown]
        else:
            counts = [[suppress_single(v) for v in row] for row in t["counts"]]
        out.append({**t, "counts": counts})
    n = results["n"]
    return {**results, "tables": out, "n": suppress_single(n), "suppressed": True}


def share_rows(results: dict, t: dict) -> list[dict]:
    """Rows of ``t`` for display: label key, counts and shares of all persons.

    A suppressed count has a suppressed share; shares use the round's total
    (for ``column`` tables their own total).
    """
    n = results["n"] if isinstance(results["n"], int) else None
    rows = []
    if t["kind"] == "column":
        values = [r[0] for r in t["counts"]]
        base = sum(v for v in values if isinstance(v, int)) if SUPPRESSED not in values else n
    else:
        base = n
    for key, counts in zip(t["rows"], t["counts"], strict=True):
        cells = []
        for value in counts:
            if value == SUPPRESSED:
                cells.append({"count": SUPPRESSED, "share": SUPPRESSED})
            elif t["name"] == "barn" and key == "antall_barn":
                cells.append({"count": value, "share": None})
            else:
                cells.append({"count": value, "share": share(value, base) if base else None})
        rows.append({"key": key, "cells": cells})
    return rows


def csv_rows(results: dict):
    """``(tabell, rad, kolonne, verdi)`` for every count."""
    for t in results["tables"]:
        for key, counts in zip(t["rows"], t["counts"], strict=True):
            for col, value in zip(t["cols"], counts, strict=True):
                yield t["name"], key, col, value
