"""Results of rounds: computed, stored at publishing, suppressed for leaving the unit.

Also the area totals of a kommune or the country (sums of published rounds)
and the key figures other apps (planer, rapporter, indikatorer) read.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from rusfelt.core.dokumenter import sheets
from rusfelt.core.models import Niva, Population
from rusfelt.core.services import rate_per_1000_adults
from rusfelt.indikatorer.services import record_kartlegging_values

from .. import results as results_mod
from ..domain.shares import share
from ..domain.suppression import SUPPRESSED
from ..models import Registrering, Runde, RundeResultat, State


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


def published_results(runde: Runde) -> dict:
    """Suppressed results for tables leaving the unit; the rate hides too when n is 1-4.

    A published round's tables cannot change until it is reopened (which
    clears ``published_at``), so they are cached under its publishing time.
    """
    key = None
    if runde.state == State.PUBLISHED and runde.published_at:
        key = f"kartlegging:pub:{runde.code}:{runde.pk}:{runde.published_at.timestamp()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    data = results_mod.suppress_results(results_for(runde))
    if data["n"] == ":":
        data["rate_per_1000"] = ":"
    if key:
        cache.set(key, data, 3600)
    return data


def store_result(runde: Runde) -> RundeResultat:
    data = compute_results(runde)
    obj, _ = RundeResultat.objects.update_or_create(
        runde=runde, defaults={"data": data, "levekarsindeks_regel": runde.levekarsindeks_regel})
    return obj


def indicator_values(runde: Runde, data: dict) -> dict:
    n = data["n"]
    c = results_mod.count

    def pct(value):
        return share(value, n)

    rate = data.get("rate_per_1000")
    return {
        "andel_levekarsindeks_gronn": pct(c(data, "levekarsindeks", "totalt", "gronn")),
        "andel_rod_blalys": pct(c(data, "levekarsindeks", "totalt", "rod")
                                + c(data, "levekarsindeks", "totalt", "blalys")),
        "andel_bostedslos": pct(c(data, "levekarsomrader", "bolig", "rod")),
        "andel_individuell_plan": pct(c(data, "planer", "individuell_plan", "ja")),
        "rate_per_1000": Decimal(rate) if rate is not None else None,
    }


def notify_indikatorer(runde: Runde) -> None:
    """Hand the round's key shares to indikatorer.

    When this publication completes a kommune's bydeler for the year, the
    kommune's totals (the sum of its bydeler) are handed on as well.
    """
    data = runde.resultat.data
    if data["n"]:
        record_kartlegging_values(unit=runde.unit, year=runde.year,
                                  values=indicator_values(runde, data),
                                  rule=runde.levekarsindeks_regel)
    kommune = runde.unit.parent
    if runde.unit.level == Niva.BYDEL and kommune and all_bydeler_published(
            kommune, runde.year):
        total = area_results_raw(kommune, runde.year)
        if total and total["n"]:
            record_kartlegging_values(unit=kommune, year=runde.year,
                                      values=indicator_values(runde, total),
                                      rule=runde.levekarsindeks_regel)


def results_csv(data: dict, stream) -> None:
    sheets.write_csv(stream, [
        ["tabell", "rad", "kolonne", "verdi"],
        ["regel", "levekarsindeks", "navn", data.get("rule") or ""],
        *results_mod.csv_rows(data),
        ["rate", "per_1000_16_ar", "verdi", data.get("rate_per_1000") or ".."],
    ])


def key_figures(unit, year: int) -> dict | None:
    """Published, suppressed key figures of ``unit`` and ``year`` (for planer and rapporter).

    A kommune without its own round gets the sum of its bydeler, but only
    when every bydel has published that year (a partial sum would mislead).
    Counts are strings, since a suppressed count is ``:``.
    """
    runde = Runde.objects.filter(unit=unit, year=year, state=State.PUBLISHED).first()
    if runde is not None:
        raw, shown, rule = results_for(runde), published_results(runde), \
            runde.levekarsindeks_regel
    elif unit.level == Niva.KOMMUNE and all_bydeler_published(unit, year):
        raw = area_results_raw(unit, year)
        shown = area_results(unit, year)
        rule = Runde.objects.filter(unit__parent=unit, year=year).values_list(
            "levekarsindeks_regel", flat=True).first()
    else:
        return None
    n = raw["n"]

    def pct(table, row, col, extra=()):
        counts = [(table, row, col), *extra]
        shown_values = [results_mod.count(shown, t, r, c) for t, r, c in counts]
        if ":" in shown_values:
            return ":"
        value = share(sum(results_mod.count(raw, t, r, c) for t, r, c in counts), n)
        return str(value) if value is not None else ".."

    return {
        "antall": str(shown["n"]),
        "rate_per_1000": shown.get("rate_per_1000") or "..",
        "andel_levekarsindeks_gronn": pct("levekarsindeks", "totalt", "gronn"),
        "andel_rod_blalys": pct("levekarsindeks", "totalt", "rod",
                                [("levekarsindeks", "totalt", "blalys")]),
        "andel_bostedslos": pct("levekarsomrader", "bolig", "rod"),
        "andel_individuell_plan": pct("planer", "individuell_plan", "ja"),
        "levekarsindeks_regel": rule,
    }


def area_results_raw(unit, year: int) -> dict | None:
    """Unsuppressed totals of all published rounds under ``unit`` in ``year`` (GROUP BY).

    For the unit's own use and as the base of ``area_results``; never shown
    outside the unit without ``suppress_results``.
    """
    rounds = Runde.objects.filter(unit__in=type(unit).objects.descendants_of(unit), year=year,
                                  state=State.PUBLISHED)
    stats = rounds.aggregate(count=Count("pk"), last=Max("published_at"))
    if not stats["count"]:
        return None
    # Only a new publication (or a reopening) changes these totals.
    last = stats["last"].timestamp() if stats["last"] else 0
    key = f"kartlegging:area:{unit.pk}:{year}:{stats['count']}:{last}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = results_mod.compute(Registrering.objects.filter(runde__in=rounds))
    data["rounds"] = stats["count"]
    data["rate_per_1000"] = _area_rate(rounds, year, data["n"])
    cache.set(key, data, 3600)
    return data


def area_results(unit, year: int) -> dict | None:
    """``area_results_raw`` suppressed for publishing."""
    raw = area_results_raw(unit, year)
    if raw is None:
        return None
    data = results_mod.suppress_results(raw)
    if data["n"] == SUPPRESSED:
        data["rate_per_1000"] = SUPPRESSED
    return data


def all_bydeler_published(kommune, year: int) -> bool:
    """True when every bydel of ``kommune`` has a published round in ``year``."""
    bydeler = kommune.children.filter(level="bydel")
    if not bydeler.exists():
        return False
    published = Runde.objects.filter(unit__in=bydeler, year=year, state=State.PUBLISHED)
    return published.count() == bydeler.count()


def _area_rate(rounds, year: int, n: int) -> str | None:
    """Mapped per 1 000 aged 16+ in the units of ``rounds`` (None if any lacks population)."""
    cells = Population.objects.filter(unit__in=rounds.values("unit"), year=year, age_from__gte=16)
    stats = cells.aggregate(adults=Sum("count"), units=Count("unit", distinct=True))
    if not stats["adults"] or stats["units"] != rounds.count():
        return None
    rate = (Decimal(n) * 1000 / stats["adults"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(rate)
