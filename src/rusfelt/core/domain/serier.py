"""Time series with breaks and gaps: which years can be read as one line (no Django).

A series is a set of years with data. Two things cut it:

- a **break** (brudd): the figure of a year is not comparable with the years
  before it, because the age groups, the population, a rule, a definition or
  the unit itself changed. Statistics Norway marks such a year with ``|``
  (DESIGN.md, table symbols) and explains it in a footnote.
- a **gap**: a year between the first and the last with no data, shown as a
  row with ``..`` and its reason (for a mapping round: «ikke kartlagt»).

The rule: a *segment* is a run of consecutive years with data in which no
year after the first carries a break. A new segment starts after every gap
and at every break. Lines are drawn per segment and a change is computed
only between years of the same segment. Seed 004 L325-348 is the worked
example: Stavanger was mapped 2010-2012, 2014-2016 and 2018; the age groups
changed in 2015 and mainly-psychiatric users were included from 2018, so
the segments are 2010-2012, 2014, 2015-2016 and 2018.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

#: SSB's table symbols used here (DESIGN.md, "Small numbers are never published").
BREAK_SYMBOL = "|"
MISSING = ".."


class BruddType(StrEnum):
    """Why a series breaks. The interface labels live with the models (gettext)."""

    ALDERSGRUPPER = "aldersgrupper"  # age groups changed (seed 004 L348)
    POPULASJON = "populasjon"  # the population was widened (seed 004 L325)
    REGEL = "regel"  # a rule was re-weighted or replaced (seed 001 L1270)
    DEFINISJON = "definisjon"  # definition or answer categories changed (seed 001 L387)
    ENHET = "enhet"  # the unit was merged, split or renumbered


@dataclass(frozen=True)
class Brudd:
    """A break at ``year``: the year is not comparable with the years before it."""

    year: int
    reason: str
    kind: str = ""


@dataclass(frozen=True)
class SeriesYear:
    """One row of a trend: a year with data, or a gap with its reason."""

    year: int
    present: bool
    breaks: tuple[Brudd, ...] = ()
    missing_reason: str = ""
    #: Index of the segment the year belongs to; None for a gap.
    segment: int | None = None

    @property
    def has_break(self) -> bool:
        return bool(self.breaks)

    @property
    def label(self) -> str:
        """The year as a table shows it: ``2015 |`` at a break (SSB's symbol)."""
        return f"{self.year} {BREAK_SYMBOL}" if self.breaks else str(self.year)


@dataclass(frozen=True)
class Series:
    years: tuple[SeriesYear, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.years)

    def __len__(self) -> int:
        return len(self.years)

    def get(self, year: int) -> SeriesYear | None:
        return next((y for y in self.years if y.year == year), None)

    @property
    def segments(self) -> list[list[int]]:
        """The years of each continuous segment, in order."""
        out: dict[int, list[int]] = {}
        for y in self.years:
            if y.segment is not None:
                out.setdefault(y.segment, []).append(y.year)
        return [out[k] for k in sorted(out)]

    @property
    def breaks(self) -> list[Brudd]:
        return [b for y in self.years for b in y.breaks]

    @property
    def gaps(self) -> list[SeriesYear]:
        return [y for y in self.years if not y.present]

    def comparable(self, from_year: int, to_year: int) -> bool:
        """True when both years have data and lie in one segment (a change may be computed)."""
        a, b = self.get(from_year), self.get(to_year)
        return bool(a and b and a.segment is not None and a.segment == b.segment)

    def why_not_comparable(self, from_year: int, to_year: int) -> str:
        """Why no change is computed between the years ('' when it is)."""
        if self.comparable(from_year, to_year):
            return ""
        lo, hi = sorted((from_year, to_year))
        for y in self.years:
            if lo < y.year <= hi and y.breaks:
                return "; ".join(f"{b.year}: {b.reason}" for b in y.breaks)
        for y in self.years:
            if lo <= y.year <= hi and not y.present:
                return f"{y.year}: {y.missing_reason or MISSING}"
        return ""

    def footnotes(self) -> list[str]:
        """One line per break and per gap, in year order, for the table's notes."""
        notes = []
        for y in self.years:
            for b in y.breaks:
                notes.append(f"{y.year} {BREAK_SYMBOL} {b.reason}")
            if not y.present and y.missing_reason:
                notes.append(f"{y.year} {MISSING} {y.missing_reason}")
        return notes


def build_series(
    data_years: Iterable[int],
    breaks: Iterable[Brudd] = (),
    missing_reasons: Mapping[int, str] | None = None,
    *,
    default_missing_reason: str = "",
    first: int | None = None,
    last: int | None = None,
) -> Series:
    """Every year from the first to the last with data, gaps and breaks placed.

    ``first``/``last`` bound the window (years outside it are left out). A
    break in a gap year moves to the next year with data (the reform of 1
    January 2020 marks the first figure after it); a break at or before the
    first year with data cuts nothing and is dropped. Several breaks in one
    year are all kept.
    """
    if first is None and last is None:
        present = tuple(sorted(set(data_years)))
    else:
        present = tuple(sorted(
            {y for y in data_years
             if (first is None or y >= first) and (last is None or y <= last)}))
    if not present:
        return Series(())
    return _placed(present, tuple(breaks), tuple(sorted((missing_reasons or {}).items())),
                   default_missing_reason)


#: Distinct (years, breaks, reasons) kept by ``_placed``: a national indicator page asks
#: for ~360 units' series, nearly all with the same years and no break.
SERIES_KEPT = 1024


@lru_cache(maxsize=SERIES_KEPT)
def _placed(present: tuple[int, ...], breaks: tuple[Brudd, ...],
            missing_reasons: tuple[tuple[int, str], ...], default_missing_reason: str
            ) -> Series:
    """``build_series`` of the years in the window, built once per distinct question:
    a ``Series`` and its ``SeriesYear`` rows are frozen, so units with the same years,
    breaks and reasons share one (a national page built ten objects per unit)."""
    reasons = dict(missing_reasons)
    by_year: dict[int, list[Brudd]] = {}
    for b in sorted(breaks, key=lambda b: b.year):
        if b.year <= present[0] or b.year > present[-1]:
            continue
        at = next(y for y in present if y >= b.year)
        by_year.setdefault(at, []).append(b)

    rows: list[SeriesYear] = []
    segment = -1
    previous_present = False
    for year in range(present[0], present[-1] + 1):
        if year in present:
            year_breaks = tuple(by_year.get(year, ()))
            if not previous_present or year_breaks:
                segment += 1
            rows.append(SeriesYear(year, True, year_breaks, segment=segment))
            previous_present = True
        else:
            rows.append(
                SeriesYear(year, False, missing_reason=reasons.get(year, default_missing_reason))
            )
            previous_present = False
    return Series(tuple(rows))


# --- Units through reforms --------------------------------------------------------


@dataclass(frozen=True)
class Reform:
    """A reform that made ``successor`` out of ``predecessors`` from ``year`` on."""

    year: int
    successor: str
    predecessors: tuple[str, ...]
    reason: str


def with_history(
    code: str,
    values_by_unit: Mapping[str, Mapping[int, object]],
    reforms_of: Mapping[str, Iterable[Reform]],
    *,
    _depth: int = 0,
) -> tuple[dict[int, tuple[str, object]], list[Brudd]]:
    """The series of ``code`` reaching back through its predecessors.

    Returns ``{year: (unit code the figure comes from, value)}`` and one break
    per reform that falls inside the series (kind ``enhet``). Before a reform
    a year keeps the successor's own figure where it has one (Stavanger kept
    1103 when it took over Finnøy and Rennesøy); otherwise the figure of the
    predecessor is used when the reform had exactly one (Bergen 1201 became
    4601). Several predecessors without the successor's own figure give no
    history: their figures describe different areas and cannot be joined
    into one line. Chains of reforms are followed (at most ten deep).
    """
    own = values_by_unit.get(code, {})
    series: dict[int, tuple[str, object]] = {y: (code, v) for y, v in own.items()}
    breaks: list[Brudd] = []
    if _depth > 10:
        return series, breaks
    for reform in sorted(reforms_of.get(code, ()), key=lambda r: r.year):
        breaks.append(Brudd(reform.year, reform.reason, BruddType.ENHET))
        if len(reform.predecessors) != 1:
            continue
        earlier, earlier_breaks = with_history(
            reform.predecessors[0], values_by_unit, reforms_of, _depth=_depth + 1
        )
        for year, item in earlier.items():
            if year < reform.year and year not in series:
                series[year] = item
        breaks.extend(b for b in earlier_breaks if b.year < reform.year)
    return dict(sorted(series.items())), breaks
