"""Results of rounds as they leave the unit (suppressed), and the unit's own.

Also the area totals of a kommune or the country (sums of published rounds)
and the key figures other apps (planer, rapporter, indikatorer) read.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from rusfelt.core.dokumenter import sheets
from rusfelt.core.domain.rounding import rounded
from rusfelt.core.models import Niva, Population

from .. import results as results_mod
from ..models import Publisering, Registrering, Runde, RundeResultat, State
from .publication import footnote, preview
from .stored import (
    compute_results,
    current_publication,
    published_for,
    sum_publication,
)


def results_for_rounds(rounds, known: dict | None = None) -> dict[int, dict]:
    """``results_for`` of several rounds: {round pk: results}, stored ones in one query.

    ``known``: results already read ({round pk: results}), not read again.
    """
    known = dict(known or {})
    rounds = [r for r in rounds if r.pk not in known]
    for r in rounds:  # read with select_related("resultat"): no query needed
        if (r.state == State.PUBLISHED or r.records_deleted_at) and \
                Runde.resultat.is_cached(r):
            stored_row = getattr(r, "resultat", None)
            if stored_row is not None:
                known[r.pk] = stored_row.data
    rounds = [r for r in rounds if r.pk not in known]
    stored_ok = [r.pk for r in rounds if r.state == State.PUBLISHED or r.records_deleted_at]
    stored = dict(RundeResultat.objects.filter(runde__in=stored_ok)
                  .values_list("runde_id", "data")) if stored_ok else {}
    return {**known,
            **{r.pk: stored[r.pk] if r.pk in stored else compute_results(r) for r in rounds}}


def published_results_for_rounds(rounds) -> dict[int, dict]:
    """``published_results`` of several rounds: {round pk: figures}, published ones in one query."""
    rounds = list(rounds)
    published = [r.pk for r in rounds if r.state == State.PUBLISHED]
    data = {}
    if published:
        # As current_publication(): the first current publication of each round.
        for runde_id, figures in (Publisering.objects.current().filter(runde__in=published)
                                  .order_by("year", "set_id").values_list("runde_id", "data")):
            data.setdefault(runde_id, figures)
    return {r.pk: data[r.pk] if r.pk in data else preview(r) for r in rounds}


def published_results(runde: Runde) -> dict:
    """The round's figures as they leave the unit.

    A published round: exactly what was published (``Publisering.data``),
    never recomputed. Otherwise the pattern the round would get if published
    alone now (for the unit's own export before publishing).
    """
    if runde.state == State.PUBLISHED:
        data = published_for(runde)
        if data is not None:
            return data
    return preview(runde)


def results_csv(data: dict, stream) -> None:
    sheets.write_csv(stream, [
        ["tabell", "rad", "kolonne", "verdi"],
        ["regel", "levekarsindeks", "navn", data.get("rule") or ""],
        *results_mod.csv_rows(data),
        ["rate", "per_1000_16_ar", "verdi", data.get("rate_per_1000") or ".."],
    ])


def key_figures(unit, year: int) -> dict | None:
    """Published key figures of ``unit`` and ``year`` (for planer and rapporter).

    Read from what was published: the unit's round, or for a kommune without
    its own round the sum of its bydeler (published once all of them have).
    Values are strings: a number, ``:`` (suppressed) or ``..`` (missing).
    """
    runde = Runde.objects.filter(unit=unit, year=year, state=State.PUBLISHED).first()
    pub = None
    if runde is not None:
        pub = current_publication(runde)
    elif unit.level == Niva.KOMMUNE:
        pub = sum_publication(unit, year)
    if pub is None:
        return None
    if runde is not None:
        rule = runde.levekarsindeks_regel
    else:  # a kommune's sum of its bydeler: their rounds' rule, read only for figures
        rule = Runde.objects.filter(unit__parent=unit, year=year).values_list(
            "levekarsindeks_regel", flat=True).first()
    data = pub.data

    def text(name):
        value = results_mod.andel(data, name)
        return ".." if value is None else str(value)

    return {
        "antall": str(data["n"]),
        "rate_per_1000": text(results_mod.RATE_SHARE),
        "andel_levekarsindeks_gronn": text("indeks_gronn"),
        "andel_rod_blalys": text("indeks_rod_blalys"),
        "andel_bostedslos": text("bolig_rod"),
        "andel_individuell_plan": text("ip"),
        "levekarsindeks_regel": rule,
        "metode": pub.metode,
        "fotnote": footnote(pub.metode, pub.terskel),
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
    """The published sum of ``unit`` in ``year`` (a kommune's bydeler, the country), or None.

    Only a stored sum is shown: a running total of whatever happens to be
    published would give each new round away as a difference.
    """
    pub = sum_publication(unit, year)
    return pub.data if pub else None


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
    rate = rounded(Decimal(n) * 1000 / stats["adults"], 1)
    return str(rate)
