"""Synthetic kommuner for the suppression tests: persons drawn with skewed odds.

Only a fixture generator (the tables an outsider would see); the oracle in
the tests is the intruder's linear program, checked against scipy's linprog.
"""

from __future__ import annotations

import random

from rusfelt.kartlegging.domain.levels import AREAS, KATEGORIER, LEVEL_KEYS, TJENESTER
from rusfelt.kartlegging.domain.linked_suppression import TableSet
from rusfelt.screening.domain import tables as screening_tables
from rusfelt.screening.domain.scoring import CATEGORIES

# Skewed odds, so that small counts (1-4) are common in small bydeler.
LEVEL_WEIGHTS = (0.15, 0.65, 0.20)
KATEGORI_WEIGHTS = (0.55, 0.05, 0.40)
TJENESTE_WEIGHTS = (0.6, 0.3, 0.03, 0.07)


def person(rng: random.Random, with_screening: bool = False) -> dict:
    p = {
        "areas": [rng.choices(LEVEL_KEYS, LEVEL_WEIGHTS)[0] for _ in AREAS],
        "kategori": rng.choices(KATEGORIER, KATEGORI_WEIGHTS)[0],
        "kjonn": rng.choices(["mann", "kvinne"], (0.7, 0.3))[0],
        "tjeneste": rng.choices(TJENESTER, TJENESTE_WEIGHTS)[0],
        "individuell_plan": rng.random() < 0.15,
        "overdose": rng.random() < 0.04,
        "audit": None, "dudit": None,
    }
    if with_screening:
        # Screening (issue #16): a fifth screened with AUDIT, a sixth with
        # DUDIT, with skewed categories so that small counts are common.
        if rng.random() < 0.2:
            p["audit"] = rng.choices([k.value for k in CATEGORIES["audit"]], (0.5, 0.35, 0.15))[0]
        if rng.random() < 0.15:
            p["dudit"] = rng.choices([k.value for k in CATEGORIES["dudit"]], (0.6, 0.3, 0.1))[0]
    return p


def screening(people: list[dict]) -> list[dict]:
    """The screening tables of ``people``, built as a round builds them."""
    groups: dict = {}
    for p in people:
        for code in ("audit", "dudit"):
            if p[code]:
                key = (code, p["tjeneste"], p["kjonn"], p[code])
                groups[key] = groups.get(key, 0) + 1
    screened = sum(1 for p in people if p["audit"] or p["dudit"])
    return screening_tables.build(groups, screened, len(people), list(TJENESTER))


def tables(people: list[dict], with_screening: bool = False) -> list[dict]:
    """Tables in the shape of ``kartlegging.results.compute``."""
    def column(name, keys, field):
        return {"name": name, "kind": "column", "rows": list(keys), "cols": ["antall"],
                "counts": [[sum(p[field] == k for p in people)] for k in keys]}

    return [
        {"name": "antall", "kind": "single", "rows": ["totalt"], "cols": ["antall"],
         "counts": [[len(people)]]},
        {"name": "levekarsomrader", "kind": "rows", "rows": list(AREAS),
         "cols": list(LEVEL_KEYS),
         "counts": [[sum(p["areas"][i] == lv for p in people) for lv in LEVEL_KEYS]
                    for i in range(len(AREAS))]},
        column("kategori", KATEGORIER, "kategori"),
        column("kjonn", ["mann", "kvinne"], "kjonn"),
        column("tjeneste", TJENESTER, "tjeneste"),
        {"name": "planer", "kind": "flags", "rows": ["individuell_plan"], "cols": ["ja"],
         "counts": [[sum(p["individuell_plan"] for p in people)]]},
        {"name": "risiko", "kind": "flags", "rows": ["overdose"], "cols": ["ja"],
         "counts": [[sum(p["overdose"] for p in people)]]},
        *(screening(people) if with_screening else []),
    ]


def add_tables(a: list[dict], b: list[dict]) -> list[dict]:
    """Cell-by-cell sum; a table missing on one side (no one screened) counts zero."""
    a_names, b_names = {t["name"] for t in a}, {t["name"] for t in b}
    a = a + [{**t, "counts": [[0] * len(r) for r in t["counts"]]} for t in b
             if t["name"] not in a_names]
    b = b + [{**t, "counts": [[0] * len(r) for r in t["counts"]]} for t in a
             if t["name"] not in b_names]
    order = [t["name"] for t in a]
    b = sorted(b, key=lambda t: order.index(t["name"]))
    out = []
    for ta, tb in zip(a, b, strict=True):
        out.append({**ta, "counts": [[x + y for x, y in zip(ra, rb, strict=True)]
                                     for ra, rb in zip(ta["counts"], tb["counts"], strict=True)]})
    return out


def kommune(seed: int, sizes: list[int], with_screening: bool = False) -> list[TableSet]:
    """Bydeler of the given sizes and their kommune aggregate (the last set).

    ``with_screening`` adds the screening tables (issue #16) to each unit.
    """
    rng = random.Random(seed)
    sets = []
    total = None
    for i, size in enumerate(sizes):
        t = tables([person(rng, with_screening) for _ in range(size)], with_screening)
        sets.append(TableSet(id=f"b{i:02d}", unit=f"b{i:02d}", tables=t, parent="k"))
        total = t if total is None else add_tables(total, t)
    sets.append(TableSet(id="k-sum", unit="k", tables=total,
                         members=tuple(s.id for s in sets)))
    return sets
