"""What is stored of a round: its results and its current publications.

The layer under ``results`` and ``publication``: publishing stores a round's
results and reads them back; the results pages and the key figures read the
publications. Both import from here, and ``results`` imports ``publication``
(for the preview of a round not yet published), never the other way round.
"""

from __future__ import annotations

from rusfelt.core.models import OrgUnit
from rusfelt.core.services import rate_per_1000_adults

from .. import results as results_mod
from ..models import Publisering, Registrering, Runde, RundeResultat, State


def compute_results(runde: Runde) -> dict:
    """Neutral results of one round, computed in the database."""
    data = results_mod.compute(Registrering.objects.filter(runde=runde),
                               rule=runde.levekarsindeks_regel)
    rate = rate_per_1000_adults(data["n"], runde.unit, runde.year) if data["n"] else None
    data["rate_per_1000"] = str(rate) if rate is not None else None
    data["runde"] = runde.code
    return data


def results_for(runde: Runde) -> dict:
    """Stored aggregates of a published round, otherwise computed now."""
    if runde.state == State.PUBLISHED or runde.records_deleted_at:
        stored = RundeResultat.objects.filter(runde=runde).first()
        if stored:
            return stored.data
    return compute_results(runde)


def store_result(runde: Runde) -> RundeResultat:
    data = compute_results(runde)
    obj, _ = RundeResultat.objects.update_or_create(
        runde=runde, defaults={"data": data, "levekarsindeks_regel": runde.levekarsindeks_regel})
    return obj


def current_publication(runde: Runde) -> Publisering | None:
    return Publisering.objects.current().filter(runde=runde).first()


def sum_publication(unit: OrgUnit, year: int) -> Publisering | None:
    return Publisering.objects.current().filter(
        unit=unit, year=year, kind=Publisering.Kind.SUM).first()


def published_for(runde: Runde) -> dict | None:
    pub = current_publication(runde)
    return pub.data if pub else None
