"""Screening tables of a mapping round, in kartlegging's neutral table format.

Pure functions (no Django): the database code (``screening/results.py``) and
the synthetic kommuner of the suppression tests build the tables here, so
the property test suppresses exactly the tables a round publishes.

Tables (only when at least one registration carries a result):

* ``screening_screenet``: screened with AUDIT or DUDIT (kind ``flags``, at
  most n; its share is of n). Not a column summing to n: in a kommune where
  one bydel screened nobody, that bydel has no screening tables and its
  cells count zero, which only relations without n keep true;
* per instrument ``screening_<i>``: its categories over those screened with
  it (kind ``column``; sums to at most n, its shares are of its own sum);
* per instrument ``screening_<i>_tjeneste`` and ``screening_<i>_kjonn``: the
  categories per registering service and per legal sex (kind ``flags``: each
  cell is at most n).

An outsider knows more than the kinds say, so each table declares the rest
as ``relasjoner`` (linear relations between cells of the same unit, read by
``kartlegging.domain.linked_suppression.build_problem`` and the intruder):

* a row of ``_tjeneste`` / ``_kjonn`` sums to at most the unit's count of
  that service / sex (tables ``tjeneste`` and ``kjonn``);
* a column of ``_tjeneste`` / ``_kjonn`` sums to that category's count in
  ``screening_<i>``;
* those screened with one instrument are at most those screened, and those
  screened are at most those screened with AUDIT plus those with DUDIT.
"""

from __future__ import annotations

from rusfelt.core.domain.sex import Sex

from .scoring import CATEGORIES, MAPPING_INSTRUMENTS

SEXES = tuple(sex.value for sex in Sex)
N = ["antall", "totalt", "antall"]


def _eq(terms):
    return {"type": "eq", "ledd": [[*cell, coef] for cell, coef in terms]}


def _le(terms):
    return {"type": "le", "ledd": [[*cell, coef] for cell, coef in terms]}


def build(groups: dict, screened: int, n: int, services: list[str]) -> list[dict]:
    """The screening tables of one unit.

    ``groups`` maps ``(instrument, service, sex, category)`` to a count of
    registrations, ``screened`` is the number with at least one result and
    ``n`` the number of registrations. Empty when nobody was screened.
    """
    if not screened:
        return []
    tables = [{"name": "screening_screenet", "kind": "flags", "rows": ["screenet"],
               "cols": ["antall"], "counts": [[screened]]}]
    margins = {}
    for code in MAPPING_INSTRUMENTS:
        cats = [k.value for k in CATEGORIES[code]]
        margin = f"screening_{code}"
        margins[code] = [[margin, k, "antall"] for k in cats]
        tables.append({"name": margin, "kind": "column", "rows": cats, "cols": ["antall"],
                       "counts": [[sum(c for g, c in groups.items()
                                       if g[0] == code and g[3] == k)] for k in cats]})
        for dim, keys, pos, total in (("tjeneste", services, 1, "tjeneste"),
                                      ("kjonn", SEXES, 2, "kjonn")):
            name = f"{margin}_{dim}"
            counts = [[sum(c for g, c in groups.items()
                           if g[0] == code and g[pos] == key and g[3] == k) for k in cats]
                      for key in keys]
            relations = [_le([*[([name, key, k], 1) for k in cats], ([total, key, "antall"], -1)])
                         for key in keys]
            relations += [_eq([*[([name, key, k], 1) for key in keys], ([margin, k, "antall"], -1)])
                          for k in cats]
            tables.append({"name": name, "kind": "flags", "rows": list(keys), "cols": cats,
                           "counts": counts, "relasjoner": relations})
    screened_cell = ["screening_screenet", "screenet", "antall"]
    relations = [_le([*[(cell, 1) for cell in margins[code]], (screened_cell, -1)])
                 for code in MAPPING_INSTRUMENTS]
    relations.append(_le([(screened_cell, 1),
                          *[(cell, -1) for code in MAPPING_INSTRUMENTS for cell in margins[code]]]))
    tables[0]["relasjoner"] = relations
    return tables
