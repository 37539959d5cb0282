"""Screening results of a mapping round as tables, and the key shares.

Tables follow kartlegging's neutral format (``kartlegging/results.py``):
per instrument, the distribution of categories per registering service and
per legal sex (kind ``rows``), and how many registrations were screened
(kind ``flags``). Counted in the database with GROUP BY. They go through
the same suppression as every other table of the round before they leave
the unit.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from rusfelt.kartlegging.domain.levels import TJENESTER
from rusfelt.kartlegging.domain.shares import share

from .domain.scoring import CATEGORIES, MAPPING_INSTRUMENTS, Kategori
from .models import ScreeningResultat

SEXES = ("mann", "kvinne")

TABLE_TITLES = {
    "screening_screenet": "Screenet med AUDIT eller DUDIT",
    "screening_audit_tjeneste": "AUDIT: kategori per registrerende tjeneste",
    "screening_audit_kjonn": "AUDIT: kategori per kjønn",
    "screening_dudit_tjeneste": "DUDIT: kategori per registrerende tjeneste",
    "screening_dudit_kjonn": "DUDIT: kategori per kjønn",
}


def compute_tables(registreringer) -> list[dict]:
    """Screening tables of the registrations in ``registreringer`` (a queryset).

    Empty when none of them carries a screening result.
    """
    results = ScreeningResultat.objects.filter(registrering__in=registreringer)
    by_group = {}
    for code, tjeneste, kjonn, kategori, c in (
        results.order_by().values_list("instrument", "registrering__tjeneste",
                                       "registrering__kjonn", "kategori")
        .annotate(c=Count("pk"))
    ):
        by_group[(code, tjeneste, kjonn, kategori)] = c
    if not by_group:
        return []
    screened = registreringer.aggregate(
        audit=Count("pk", filter=Q(screeninger__instrument="audit"), distinct=True),
        dudit=Count("pk", filter=Q(screeninger__instrument="dudit"), distinct=True),
        minst_en=Count("pk", filter=Q(screeninger__isnull=False), distinct=True),
    )
    tables = [{"name": "screening_screenet", "kind": "flags",
               "rows": ["minst_en", *MAPPING_INSTRUMENTS], "cols": ["ja"],
               "counts": [[screened["minst_en"]], *[[screened[c]] for c in MAPPING_INSTRUMENTS]]}]
    for code in MAPPING_INSTRUMENTS:
        cols = [k.value for k in CATEGORIES[code]]
        for dim, keys, pos in (("tjeneste", TJENESTER, 1), ("kjonn", SEXES, 2)):
            counts = []
            for key in keys:
                row = []
                for kat in cols:
                    row.append(sum(c for g, c in by_group.items()
                                   if g[0] == code and g[pos] == key and g[3] == kat))
                counts.append(row)
            tables.append({"name": f"screening_{code}_{dim}", "kind": "rows",
                           "rows": list(keys), "cols": cols, "counts": counts})
    return tables


def _table(data: dict, name: str) -> dict | None:
    return next((t for t in data["tables"] if t["name"] == name), None)


def indicator_values(data: dict) -> dict:
    """"andel_screenet" and "andel_sannsynlig_avhengighet" (in %) from PUBLISHED tables.

    ``data`` is a round's (suppressed) results. A share whose count or base
    is suppressed (``:``) is None: it is not recomputed from unpublished cells.
    """
    screened = _table(data, "screening_screenet")
    n = data.get("n")
    values = {"andel_screenet": None, "andel_sannsynlig_avhengighet": None}
    if screened is None:
        if isinstance(n, int) and n:
            values["andel_screenet"] = Decimal("0.0")
        return values
    rows = dict(zip(screened["rows"], (r[0] for r in screened["counts"]), strict=True))
    if isinstance(n, int) and n and isinstance(rows["minst_en"], int):
        values["andel_screenet"] = share(rows["minst_en"], n)
    dudit = _table(data, "screening_dudit_kjonn")
    base = rows.get("dudit")
    if dudit and isinstance(base, int) and base:
        col = dudit["cols"].index(Kategori.SANNSYNLIG_AVHENGIGHET.value)
        cells = [row[col] for row in dudit["counts"]]
        if all(isinstance(c, int) for c in cells):
            values["andel_sannsynlig_avhengighet"] = share(sum(cells), base)
    return values
