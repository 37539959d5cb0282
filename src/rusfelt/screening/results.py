"""Screening results of a mapping round as tables, and the key shares.

The tables (``domain/tables.py``) follow kartlegging's neutral format and
are added to every round's results by ``kartlegging.results.compute``, so
they are suppressed jointly with the round's other tables, audited by the
intruder and published like them. Counted in the database with GROUP BY.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count

from rusfelt.kartlegging.domain.levels import TJENESTER
from rusfelt.kartlegging.domain.suppression import SUPPRESSED

from .domain import tables as domain_tables
from .models import ScreeningResultat


def compute_tables(registreringer, n: int | None = None) -> list[dict]:
    """Screening tables of the registrations in ``registreringer`` (a queryset).

    Two queries; empty when none of them carries a screening result. Both
    join the results to ``registreringer`` itself (``screeninger``), not through
    ``registrering__in=<subquery>``: with stale statistics PostgreSQL planned
    that subquery as a nested loop over the whole registration index for
    every row, 12-60 s for one demo round.

    Nothing is asked of the registrations while no screening result exists at
    all (most kommuner never screen). Without rows in the results table,
    SQLite's statistics say nothing of it, and its planner scanned every
    registration of every year to find none: a third of the national results'
    time in ``rusfelt bench kartlegging`` (issue 12).
    """
    if not ScreeningResultat.objects.exists():
        return []
    screened_rows = registreringer.order_by().filter(screeninger__isnull=False)
    groups = {}
    for code, tjeneste, kjonn, kategori, c in (
        screened_rows.values_list("screeninger__instrument", "tjeneste", "kjonn",
                                  "screeninger__kategori")
        .annotate(c=Count("screeninger"))
    ):
        groups[(code, tjeneste, kjonn, kategori)] = c
    if not groups:
        return []
    screened = screened_rows.values("pk").distinct().count()
    if n is None:
        n = registreringer.count()
    return domain_tables.build(groups, screened, n, list(TJENESTER))


#: The printed shares (``kartlegging.results.andeler``) behind the indicators.
SCREENED_SHARE = "screening_screenet/screenet/antall"  # of n
DEPENDENCE_SHARE = "screening_dudit/sannsynlig_avhengighet/antall"  # of those DUDIT-screened


def indicator_values(data: dict) -> dict:
    """"andel_screenet" and "andel_sannsynlig_avhengighet" (in %) of PUBLISHED figures.

    ``data`` is what was published for a unit (``Publisering.data``). Each
    value is the share exactly as printed under ``andeler``: ``":"`` where
    its count or base is suppressed (never recomputed from unpublished
    cells). "andel med sannsynlig avhengighet" is of those screened with
    DUDIT (probable dependence, DUDIT >= 25); None when nobody was. A round
    without screening tables screened nobody: 0.0 %.
    """
    from rusfelt.kartlegging.results import andel

    def value(name):
        v = andel(data, name)
        return v if v in (None, SUPPRESSED) else Decimal(v)

    n = data.get("n")
    if not any(t["name"] == "screening_screenet" for t in data["tables"]):
        screened = Decimal("0.0") if isinstance(n, int) and n else None
        return {"andel_screenet": screened, "andel_sannsynlig_avhengighet": None}
    return {"andel_screenet": value(SCREENED_SHARE),
            "andel_sannsynlig_avhengighet": value(DEPENDENCE_SHARE)}
