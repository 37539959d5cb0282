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

from decimal import Decimal

from django.db.models import Count, Q, Sum

from rusfelt.core.domain.sex import Sex
from rusfelt.screening.results import compute_tables as screening_tables

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
from .domain.linked_suppression import table_sums_to_n
from .domain.shares import AGE_BANDS, share
from .domain.suppression import SUPPRESSED, suppress_single, suppress_vector

MISSING = ".."  # SSB's symbol for «data mangler»

#: Keys of results (neutral and published) saying why a figure is missing.
#: ``PARTLY``: the flags registered for only some of those mapped (a list);
#: ``LEFT_OUT``: in a sum, table name -> the units whose figures it lacks
#: because they did not register the field (their persons are not in it).
PARTLY = "delvis_registrert"
LEFT_OUT = "uten"

FLAG_TABLES = {
    "varighet": ["varighet_over_3_ar"],
    "planer": ["individuell_plan", "tiltaksplan", "kriseplan", "ansvarsgruppe", "koordinator"],
    "risiko": ["selvmordsforsok", "selvmordsfare", "overdose", "overdosefare"],
    "vold": ["vold_utsatt", "vold_utover"],
}


#: The column tables counted by value, with the values they show.
SEXES = tuple(sex.value for sex in Sex)
GROUPED_COLUMNS = {"kategori": KATEGORIER, "kjonn": SEXES, "tjeneste": TJENESTER,
                   "fodested": FODESTED, "bosituasjon": BOSITUASJON,
                   "barn_kontakt": BARN_KONTAKT}


#: Tables of fields a registration may leave empty, with the rows each shows.
OPTIONAL_ROWS = {"fodested": FODESTED, "bosituasjon": BOSITUASJON,
                 "barn_kontakt": BARN_KONTAKT, **FLAG_TABLES}
#: The order ``compute`` gives the tables (screening's follow in their own order).
TABLE_ORDER = ["antall", "levekarsomrader", "levekarsindeks", "kategori", "rop", "kjonn",
               "alder", "tjeneste", "fodested", "bosituasjon", "barn", "barn_kontakt",
               *FLAG_TABLES]


def _column_table(name, keys, counts):
    return {"name": name, "kind": "column", "rows": list(keys), "cols": ["antall"],
            "counts": [[counts.get(k, 0)] for k in keys]}


def compute(queryset, rule: str | None = None) -> dict:
    """Neutral results of the registrations in ``queryset`` (one round or several).

    One scan of the registrations (conditional counts), and the screening
    tables' query; no Python loop over registrations.
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
            aggregates[f"besvart_{field}"] = Count("pk", filter=Q(**{f"{field}__isnull": False}))
    aggregates["barn_med_barn"] = Count("pk", filter=Q(antall_barn__gt=0))
    aggregates["barn_antall_barn"] = Sum("antall_barn")
    # The column tables' counts in the same scan (one GROUP BY each took a scan
    # of its own): only the known keys are ever shown.
    for field, keys in GROUPED_COLUMNS.items():
        for key in keys:
            aggregates[f"g_{field}_{key}"] = Count("pk", filter=Q(**{field: key}))
    agg = queryset.aggregate(**aggregates)
    n = agg["n"]

    def grouped(field):
        return {key: agg[f"g_{field}_{key}"] for key in GROUPED_COLUMNS[field]}

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
        _column_table("kjonn", SEXES, grouped("kjonn")),
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
    # A flag is a yes-count of everyone mapped, so it is shown only when every
    # person was registered with it (yes or no). Registered for nobody, or for
    # only some, its row is left out: «..» everywhere with a note saying which
    # (issue 15), never 0,0 % and never a share of everyone that counts the
    # unregistered as «nei».
    partly = []
    for name, fields in FLAG_TABLES.items():
        answered = [f for f in fields if n and agg[f"besvart_{f}"] == n]
        partly += [f for f in fields if 0 < agg[f"besvart_{f}"] < n]
        if answered:
            tables.append({"name": name, "kind": "flags", "rows": answered, "cols": ["ja"],
                           "counts": [[agg[f"flag_{f}"]] for f in answered]})
    # AUDIT/DUDIT categories per service and sex (issue #16), when any were screened.
    tables.extend(screening_tables(queryset, n))
    out = {"n": n, "rule": rule, "tables": tables}
    if partly:
        out[PARTLY] = partly
    return out


def with_missing(results: dict) -> list[dict]:
    """The tables of ``results`` to show, each optional field with all its rows.

    ``compute`` leaves out a flag not registered for everyone and a field
    nobody was registered with (their counts would read as zero, or as a
    share of people never asked). Shown, such a row is missing: its counts are
    None, printed as SSB's «..» (data mangler), never 0 or «-» (issue 15), and
    its table carries ``"missing": True``, ``"delvis"`` (its missing rows that
    were registered for some) and ``"uten"`` (in a sum, the units left out)
    for the footnotes saying so.
    """
    present = {t["name"]: t for t in results["tables"]}
    partly = set(results.get(PARTLY, ()))
    left_out = results.get(LEFT_OUT, {})
    tables = []
    for name in TABLE_ORDER:
        t = present.get(name)
        keys = OPTIONAL_ROWS.get(name)
        extra = {LEFT_OUT: left_out[name]} if left_out.get(name) else {}
        if keys is None or (t is not None and len(t["rows"]) == len(keys)):
            if t is not None:
                tables.append({**t, **extra} if extra else t)
            continue
        cols = t["cols"] if t is not None else ["ja" if name in FLAG_TABLES else "antall"]
        kind = t["kind"] if t is not None else ("flags" if name in FLAG_TABLES else "column")
        known = dict(zip(t["rows"], t["counts"], strict=True)) if t is not None else {}
        tables.append({"name": name, "kind": kind, "rows": list(keys), "cols": cols,
                       "counts": [known.get(k, [None] * len(cols)) for k in keys],
                       "missing": True, **extra,
                       "delvis": [k for k in keys if k not in known and k in partly]})
    return tables + [t for t in results["tables"] if t["name"] not in TABLE_ORDER]


def table(results: dict, name: str) -> dict | None:
    return next((t for t in results["tables"] if t["name"] == name), None)


def count(results: dict, name: str, row: str, col: str | None = None) -> int:
    t = table(results, name)
    if t is None:
        return 0
    c = t["cols"].index(col) if col else 0
    return t["counts"][t["rows"].index(row)][c]


def count_or_none(results: dict, name: str, row: str, col: str | None = None):
    """The count, or None where the table or row is missing (not registered)."""
    t = table(results, name)
    if t is None or row not in t["rows"]:
        return None
    return count(results, name, row, col)


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
    printed = {a["navn"]: a["verdi"] for a in results.get("andeler", ())}
    for key, counts in zip(t["rows"], t["counts"], strict=True):
        cells = []
        for col, value in zip(t["cols"], counts, strict=True):
            name = f"{t['name']}/{key}/{col}"
            if name in printed:  # published figures: the share as published
                verdi = printed[name]
                cells.append({"count": value, "share": verdi if verdi in (None, SUPPRESSED)
                              else Decimal(verdi)})
            elif value == SUPPRESSED:
                cells.append({"count": SUPPRESSED, "share": SUPPRESSED})
            elif value is None:  # nobody was registered with the field (with_missing)
                cells.append({"count": None, "share": None})
            elif t["name"] == "barn" and key == "antall_barn":
                cells.append({"count": value, "share": None})
            else:
                cells.append({"count": value, "share": share(value, base) if base else None})
        rows.append({"key": key, "cells": cells})
    return rows


def csv_rows(results: dict):
    """``(tabell, rad, kolonne, verdi)`` for every count; ``..`` where a field has no data."""
    for t in with_missing(results):
        for key, counts in zip(t["rows"], t["counts"], strict=True):
            for col, value in zip(t["cols"], counts, strict=True):
                yield t["name"], key, col, MISSING if value is None else value


# --- Published data: sums, shares ------------------------------------------------

# The key shares shown on pages, reports and indicators: name -> cells of the
# numerator (table, row, column); the denominator is n.
KEY_SHARES = {
    "indeks_gronn": [("levekarsindeks", "totalt", "gronn")],
    "indeks_rod_blalys": [("levekarsindeks", "totalt", "rod"),
                          ("levekarsindeks", "totalt", "blalys")],
    "bolig_rod": [("levekarsomrader", "bolig", "rod")],
    "rus_gronn": [("levekarsomrader", "rusmiddelbruk", "gronn")],
    "psyk_gronn": [("levekarsomrader", "psykisk_helse", "gronn")],
    "ip": [("planer", "individuell_plan", "ja")],
    "rop": [("rop", "rop", "antall")],
}
RATE_SHARE = "rate_per_1000"
NOT_A_SHARE = {("barn", "antall_barn")}  # a number of children, not persons


def sum_results(parts: list[dict], names: list[str] | None = None) -> dict:
    """The cell-by-cell sum of neutral results (a row missing in a part is zero).

    A field a part was not registered with is not zero there: a flag (a
    ``flags`` table's row) missing in any part is left out of the sum rather
    than count those persons as «nei»; an optional column table (fødested
    ...) missing in a part sums the others' answers. Either way the sum names
    the parts it lacks under ``LEFT_OUT`` (``names``: the parts' unit names,
    in order), for the note under the table.
    """
    names = list(names) if names is not None else [f"#{i + 1}" for i in range(len(parts))]
    tables: dict = {}
    for part in parts:
        for t in part["tables"]:
            entry = tables.setdefault(t["name"], {**t, "rows": [], "cols": [], "cells": {}})
            for r in t["rows"]:
                if r not in entry["rows"]:
                    entry["rows"].append(r)
            for c in t["cols"]:
                if c not in entry["cols"]:
                    entry["cols"].append(c)
            for r, row in zip(t["rows"], t["counts"], strict=True):
                for c, value in zip(t["cols"], row, strict=True):
                    entry["cells"][(r, c)] = entry["cells"].get((r, c), 0) + value
    left_out = {}
    for name, entry in tables.items():
        if name not in OPTIONAL_ROWS:
            continue
        rows_in = [next((t["rows"] for t in part["tables"] if t["name"] == name), [])
                   for part in parts]
        if name in FLAG_TABLES:  # the yes/no variables of a registration
            dropped = [r for r in entry["rows"] if any(r not in rows for rows in rows_in)]
            entry["rows"] = [r for r in entry["rows"] if r not in dropped]
            lacking = [nm for nm, rows in zip(names, rows_in, strict=True)
                       if any(r not in rows for r in dropped)]
        else:
            lacking = [nm for nm, rows in zip(names, rows_in, strict=True) if not rows]
        if lacking:
            left_out[name] = lacking
    out = []
    for entry in tables.values():
        cells = entry.pop("cells")
        if not entry["rows"]:
            continue
        entry["counts"] = [[cells.get((r, c), 0) for c in entry["cols"]] for r in entry["rows"]]
        out.append(entry)
    total = {"n": sum(p["n"] for p in parts), "rule": parts[0].get("rule") if parts else None,
             "tables": out}
    if left_out:
        total[LEFT_OUT] = left_out
    return total


def _cell(data: dict, name: str, row: str, col: str):
    t = table(data, name)
    if t is None or row not in t["rows"] or col not in t["cols"]:
        return None  # not registered: missing, not zero
    return t["counts"][t["rows"].index(row)][t["cols"].index(col)]


def share_base(t: dict) -> str:
    """The denominator of a table's shares: ``n``, or the column's own sum.

    Tables that may leave persons out (fødested, bosituasjon, kontakt med
    barn: blank answers) show shares of those who answered.
    """

    by_rows, by_cols = table_sums_to_n(t)
    if t["kind"] == "column" and not by_cols:
        return "kolonnesum"
    return "n"


def andeler(published: dict) -> list[dict]:
    """Every share and rate shown anywhere, from the published counts only.

    A share is a number only when its numerator and denominator are all
    published counts (then it tells nothing they do not); otherwise ``:``
    (domain/linked_suppression.py, "Shares and rates").
    """
    n = published["n"]
    out = []

    def entry(navn, tabell, rad, kolonne, parts, base, nevner):
        if SUPPRESSED in parts or base == SUPPRESSED or not base:
            value = SUPPRESSED if (SUPPRESSED in parts or base == SUPPRESSED) else None
        else:
            value = str(share(sum(parts), base))
        out.append({"navn": navn, "tabell": tabell, "rad": rad, "kolonne": kolonne,
                    "verdi": value, "desimaler": 1, "nevner": nevner})

    for t in published["tables"]:
        if t["name"] == "antall":
            continue
        nevner = share_base(t)
        for ci, col in enumerate(t["cols"]):
            column = [row[ci] for row in t["counts"]]
            if nevner == "n":
                base = n
            else:
                base = SUPPRESSED if SUPPRESSED in column else sum(column)
            for r, value in zip(t["rows"], column, strict=True):
                if (t["name"], r) in NOT_A_SHARE:
                    continue
                entry(f"{t['name']}/{r}/{col}", t["name"], r, col, [value], base, nevner)
    for navn, cells in KEY_SHARES.items():
        parts = [_cell(published, *c) for c in cells]
        tabell, rad = cells[0][0], cells[0][1]
        kolonne = "+".join(c[2] for c in cells)
        if None in parts:  # a figure not registered has no share: «..»
            out.append({"navn": navn, "tabell": tabell, "rad": rad, "kolonne": kolonne,
                        "verdi": None, "desimaler": 1, "nevner": "n"})
            continue
        entry(navn, tabell, rad, kolonne, parts, n, "n")
    rate = published.get("rate_per_1000")
    out.append({"navn": RATE_SHARE, "tabell": "antall", "rad": "totalt", "kolonne": "antall",
                "verdi": rate, "desimaler": 1, "nevner": "innbyggere_16_ar_per_1000"})
    return out


def andel(published: dict, navn: str):
    """The printed value of the share ``navn`` ("12.3", ":" or None)."""
    for a in published.get("andeler", ()):
        if a["navn"] == navn:
            return a["verdi"]
    return None
