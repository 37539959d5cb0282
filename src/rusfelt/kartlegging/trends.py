"""Which years of a unit's mapping trend are comparable: breaks, gaps and reforms.

The rule itself is ``core.domain.serier`` (pure). This module reads what it
needs from the rounds: a round's own break (``Runde.break_kind`` and
``break_reason``: Stavanger 2015's age groups, 2018's wider population,
seed 004 L325-348), a change of levekårsindeks rule between two rounds (the
rule is versioned, domain/levekarsindeks.py; BrukerPlan re-weighted its index
in 2018, seed 001 L380, L1270), and the unit's reforms (``core`` successions:
Bergen 1201 → 4601). A year between two mapped years without a published
round is a gap: «ikke kartlagt», or «ikke publisert» when a round exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext as _

from rusfelt.core.domain.serier import Brudd, BruddType, Series, build_series, with_history
from rusfelt.core.models import BRUDD_LABELS, OrgUnit
from rusfelt.core.services import predecessor_codes, reforms_of

from .models import Runde, State


def round_break(runde: Runde) -> Brudd | None:
    """The round's own break, with its reason (the kind's label when no reason is written)."""
    if not (runde.break_kind or runde.break_reason):
        return None
    reason = runde.break_reason or str(BRUDD_LABELS[BruddType(runde.break_kind)])
    return Brudd(runde.year, reason, runde.break_kind)


def rule_breaks(rules: Mapping[int, str | None]) -> list[Brudd]:
    """A break wherever the levekårsindeks rule differs from the previous year with data."""
    out, previous = [], None
    for year in sorted(rules):
        rule = rules[year]
        if rule and previous and rule != previous:
            out.append(Brudd(year, _("Levekårsindeksen beregnet etter regel %(new)s (før: "
                                     "%(old)s)") % {"new": rule, "old": previous},
                             BruddType.REGEL))
        previous = rule or previous
    return out


def _rounds_behind(unit: OrgUnit, years: Iterable[int]):
    """Published rounds of the unit or its bydeler in ``years`` (a kommune's sum uses them)."""
    return Runde.objects.filter(
        unit__in=OrgUnit.objects.descendants_of(unit), year__in=list(years),
        state=State.PUBLISHED,
    ).order_by("year", "unit__path")


def series_for(
    unit: OrgUnit,
    figures_of: Callable[[OrgUnit, int], dict | None],
    years: Iterable[int],
    rounds=None,
    predecessors: list[str] | None = None,
) -> tuple[Series, dict[int, tuple[OrgUnit, dict]]]:
    """The unit's trend over ``years``, reaching back through its predecessors.

    ``figures_of(unit, year)`` gives a year's figures (a dict that may name
    its ``levekarsindeks_regel``) or None. Returns the series (rows, gaps,
    breaks, segments) and ``{year: (unit the figures are from, figures)}``.
    ``rounds``: the rounds behind the figures, already read (a round's own
    trend); otherwise each year's published rounds of the unit and its
    bydeler are read (a kommune's sum). ``predecessors``: the unit's
    ``predecessor_codes``, when the caller has them.
    """
    years = sorted(years)
    units = {unit.code: unit}
    if predecessors is None:
        predecessors = predecessor_codes(unit.code)
    if predecessors:  # a unit without predecessors needs no reform read at all
        units.update({u.code: u for u in OrgUnit.objects.filter(code__in=predecessors)})
    values: dict[str, dict[int, dict]] = {}
    for code, u in units.items():
        for year in years:
            figures = figures_of(u, year)
            if figures is not None:
                values.setdefault(code, {})[year] = figures
    joined, breaks = with_history(unit.code, values, reforms_of() if predecessors else {})
    by_year = {year: (units[code], figures) for year, (code, figures) in joined.items()}
    read: dict[tuple[int, int], list[Runde]] = {}  # (source unit, year) -> its rounds
    if rounds is not None:
        for r in rounds:
            read.setdefault((r.unit_id, r.year), []).append(r)
    else:  # a kommune's sum: the published rounds of it and its bydeler, one query per unit
        for source in {u for u, _f in by_year.values()}:
            years_of = [y for y, (u, _f) in by_year.items() if u == source]
            for r in _rounds_behind(source, years_of):
                read.setdefault((source.pk, r.year), []).append(r)
    for year, (source, _figures) in by_year.items():
        for runde in read.get((source.pk, year), []):
            brudd = round_break(runde)
            if brudd and brudd.reason not in {b.reason for b in breaks if b.year == year}:
                breaks.append(brudd)
    breaks += rule_breaks({y: f.get("levekarsindeks_regel") for y, (_u, f) in by_year.items()})
    present = list(by_year)
    gaps = {}
    if present:
        gap_years = [y for y in range(min(present), max(present) + 1) if y not in by_year]
        unpublished = set(Runde.objects.filter(unit=unit, year__in=gap_years).exclude(
            state=State.PUBLISHED).values_list("year", flat=True)) if gap_years else set()
        for year in gap_years:  # one query for all gaps
            gaps[year] = _("Ikke publisert") if year in unpublished else _("Ikke kartlagt")
    series = build_series(present, breaks, gaps, first=years[0] if years else None,
                          last=years[-1] if years else None)
    return series, by_year
