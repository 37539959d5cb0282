"""Synthetic kommuner for the suppression tests: persons drawn with skewed odds.

Only a fixture generator (the tables an outsider would see); the oracle in
the tests is the intruder's linear program, checked against scipy's linprog.
"""

from __future__ import annotations

import random

from rusfelt.kartlegging.domain.levels import AREAS, KATEGORIER, LEVEL_KEYS, TJENESTER
from rusfelt.kartlegging.domain.linked_suppression import TableSet

# Skewed odds, so that small counts (1-4) are common in small bydeler.
LEVEL_WEIGHTS = (0.15, 0.65, 0.20)
KATEGORI_WEIGHTS = (0.55, 0.05, 0.40)
TJENESTE_WEIGHTS = (0.6, 0.3, 0.03, 0.07)


def person(rng: random.Random) -> dict:
    return {
        "areas": [rng.choices(LEVEL_KEYS, LEVEL_WEIGHTS)[0] for _ in AREAS],
        "kategori": rng.choices(KATEGORIER, KATEGORI_WEIGHTS)[0],
        "kjonn": rng.choices(["mann", "kvinne"], (0.7, 0.3))[0],
        "tjeneste": rng.choices(TJENESTER, TJENESTE_WEIGHTS)[0],
        "individuell_plan": rng.random() < 0.15,
        "overdose": rng.random() < 0.04,
    }


def tables(people: list[dict]) -> list[dict]:
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
    ]


def add_tables(a: list[dict], b: list[dict]) -> list[dict]:
    out = []
    for ta, tb in zip(a, b, strict=True):
        out.append({**ta, "counts": [[x + y for x, y in zip(ra, rb, strict=True)]
                                     for ra, rb in zip(ta["counts"], tb["counts"], strict=True)]})
    return out


def kommune(seed: int, sizes: list[int]) -> list[TableSet]:
    """Bydeler of the given sizes and their kommune aggregate (the last set)."""
    rng = random.Random(seed)
    sets = []
    total = None
    for i, size in enumerate(sizes):
        t = tables([person(rng) for _ in range(size)])
        sets.append(TableSet(id=f"b{i:02d}", unit=f"b{i:02d}", tables=t, parent="k"))
        total = t if total is None else add_tables(total, t)
    sets.append(TableSet(id="k-sum", unit="k", tables=total,
                         members=tuple(s.id for s in sets)))
    return sets
