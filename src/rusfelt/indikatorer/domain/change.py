"""Change and judgement of indicators, as in the Fafo evaluation (seed 001).

Plain Python, no Django. The document does not print its formulas; the
notes (seed-notes/001 §2.5) reconstruct them and check them against every
printed row:

- Shares (andel, values in %): the one-year change is the difference in
  percentage points, v2 - v1; the period change (2016-2018) is the mean
  yearly change in points, (v_last - v_first) / years. Fafo's example: 59 %
  -> 60 % over two years is 0,5 points a year (seed 001 L1240).
- Numbers (count, NOK, årsverk, days, score): the one-year change is
  v2 / v1 - 1 in %; the period change is compound yearly growth,
  (v_last / v_first) ** (1 / years) - 1. Årsverk 13 936 -> 15 894 is
  «6,8 prosent per år» (seed 001 L159, L1090).
- N/A: a change needs both end values. Where the first data is from a later
  year than the set's first year, that later year is the indicator's
  baseline (nullpunkt, L355) and a column starting before it is N/A, not
  the change from the baseline (indicator 7, L1093). A break in series
  between the two years also makes the change N/A (indicator 32, L1302).
- Ratio indicators (indicator 6, «gylne regel», L1172) get no change; the
  rule is met when the value is above 1.
- Judgement (L357-368, figure 2.4): green when the change goes the wanted way
  by more than the threshold (1 percentage point for shares, 2,5 % for
  numbers), red when it goes the unwanted way by more, yellow within it
  (exactly at the threshold is yellow: «større enn», «mer enn»), grey where
  data is missing or it is the first year. Without a wanted direction a
  change beyond the threshold cannot be judged, so it is grey too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from rusfelt.core.domain import rounding

#: Default thresholds of a set (seed 001 L357).
DEFAULT_SHARE_THRESHOLD = Decimal("1")  # percentage points
DEFAULT_NUMBER_THRESHOLD = Decimal("2.5")  # per cent

SHARE_KINDS = frozenset({"andel"})
RATIO_KINDS = frozenset({"ratio"})

#: Name of the plan rule below, printed beside every suggestion.
PLAN_RULE = "planregel-v1"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    NONE = "none"
    UNKNOWN = "unknown"


class Judgement(StrEnum):
    """Colour of a change cell; values are the CLI's identifiers."""

    GRONN = "gronn"
    GUL = "gul"
    ROD = "rod"
    GRA = "gra"


class Measure(StrEnum):
    """Unit of a change: points for shares, per cent for numbers."""

    PROSENTPOENG = "prosentpoeng"
    PROSENT = "prosent"


@dataclass(frozen=True)
class Thresholds:
    share: Decimal = DEFAULT_SHARE_THRESHOLD
    number: Decimal = DEFAULT_NUMBER_THRESHOLD


@dataclass(frozen=True)
class Point:
    """One year's figure; ``value`` is None where it is missing."""

    value: Decimal | None
    break_in_series: bool = False


@dataclass(frozen=True)
class IndicatorSpec:
    """What the rules need to know of an indicator."""

    kind: str
    direction: Direction = Direction.UNKNOWN
    baseline_year: int | None = None
    compute_change: bool = True

    @property
    def is_share(self) -> bool:
        return self.kind in SHARE_KINDS

    @property
    def measure(self) -> Measure:
        return Measure.PROSENTPOENG if self.is_share else Measure.PROSENT


@dataclass(frozen=True)
class Change:
    from_year: int
    to_year: int
    value: Decimal | None  # None = N/A
    measure: Measure
    judgement: Judgement

    @property
    def is_period(self) -> bool:
        return self.to_year - self.from_year > 1


# --- Formulas -----------------------------------------------------------


def share_change(v1: Decimal, v2: Decimal) -> Decimal:
    """One-year change of a share in percentage points."""
    return Decimal(v2) - Decimal(v1)


def share_period_change(first: Decimal, last: Decimal, years: int) -> Decimal:
    """Mean yearly change of a share in points over ``years`` years."""
    if years < 1:
        raise ValueError("years must be at least 1")
    return (Decimal(last) - Decimal(first)) / years


def number_change(v1: Decimal, v2: Decimal) -> Decimal | None:
    """One-year relative change in %, or None where v1 is zero or negative."""
    v1, v2 = Decimal(v1), Decimal(v2)
    if v1 <= 0:
        return None
    return (v2 / v1 - 1) * 100


def number_period_change(first: Decimal, last: Decimal, years: int) -> Decimal | None:
    """Compound yearly growth in % over ``years`` years, or None where undefined."""
    if years < 1:
        raise ValueError("years must be at least 1")
    first, last = Decimal(first), Decimal(last)
    if first <= 0 or last < 0:
        return None
    if last == 0:
        return Decimal(-100)
    with localcontext() as ctx:
        ctx.prec = 28
        growth = (last / first) ** (Decimal(1) / Decimal(years))
    return (growth - 1) * 100


def ratio_rule_met(value: Decimal | None) -> bool | None:
    """The golden rule (gylne regel) holds when TSB grows faster: value > 1 (L1172)."""
    if value is None:
        return None
    return Decimal(value) > 1


# --- Judgement ----------------------------------------------------------


def judge(change: Decimal | None, direction: Direction, limit: Decimal) -> Judgement:
    """Colour of a change: beyond ``limit`` in the wanted way green, unwanted red.

    Exactly at the limit is yellow (seed 001 L357: «større enn», «mer enn»).
    """
    if change is None:
        return Judgement.GRA
    if abs(change) <= limit:
        return Judgement.GUL
    direction = Direction(direction)
    if direction is Direction.UP:
        return Judgement.GRONN if change > 0 else Judgement.ROD
    if direction is Direction.DOWN:
        return Judgement.GRONN if change < 0 else Judgement.ROD
    return Judgement.GRA


def change_between(
    spec: IndicatorSpec,
    points: Mapping[int, Point],
    from_year: int,
    to_year: int,
    thresholds: Thresholds = Thresholds(),
) -> Change:
    """The change from ``from_year`` to ``to_year`` with its judgement."""
    value = _change_value(spec, points, from_year, to_year)
    limit = thresholds.share if spec.is_share else thresholds.number
    return Change(
        from_year, to_year, value, spec.measure, judge(value, spec.direction, limit)
    )


def _change_value(spec, points, from_year, to_year) -> Decimal | None:
    if not spec.compute_change or spec.kind in RATIO_KINDS or to_year <= from_year:
        return None
    if spec.baseline_year is not None and from_year < spec.baseline_year:
        return None  # the first year of the indicator: no change yet (L355, L1093)
    first, last = points.get(from_year), points.get(to_year)
    if first is None or last is None or first.value is None or last.value is None:
        return None
    if any(
        points.get(year, Point(None)).break_in_series for year in range(from_year + 1, to_year + 1)
    ):
        return None
    years = to_year - from_year
    if spec.is_share:
        if years == 1:
            return share_change(first.value, last.value)
        return share_period_change(first.value, last.value, years)
    if years == 1:
        return number_change(first.value, last.value)
    return number_period_change(first.value, last.value, years)


def change_columns(first_year: int, last_year: int) -> list[tuple[int, int]]:
    """The seed's change columns: each one-year step, then the whole period."""
    columns = [(y, y + 1) for y in range(first_year, last_year)]
    if last_year - first_year > 1:
        columns.append((first_year, last_year))
    return columns


def changes_for(
    spec: IndicatorSpec,
    points: Mapping[int, Point],
    first_year: int,
    last_year: int,
    thresholds: Thresholds = Thresholds(),
) -> list[Change]:
    """All change columns of one indicator between ``first_year`` and ``last_year``."""
    return [
        change_between(spec, points, a, b, thresholds)
        for a, b in change_columns(first_year, last_year)
    ]


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    """Round half up, as the seed prints (188 % for 187,5 %, L1646)."""
    if value is None:
        return None
    return rounding.rounded(value, places)


# --- Goal summaries and the plan rule -----------------------------------


class Trend(StrEnum):
    POSITIVE = "positiv"
    NEGATIVE = "negativ"
    UNCHANGED = "uendret"
    MIXED = "uavklart"
    NO_DATA = "ingen_data"


@dataclass(frozen=True)
class GoalSummary:
    gronn: int = 0
    gul: int = 0
    rod: int = 0
    gra: int = 0

    @property
    def total(self) -> int:
        return self.gronn + self.gul + self.rod + self.gra

    @property
    def trend(self) -> Trend:
        """More green than red is progress, more red than green is worsening.

        Our reading of «positiv utvikling» per goal (seed 001 L285); the
        seed gives no count rule, so this is part of ``PLAN_RULE``.
        """
        if self.gronn + self.gul + self.rod == 0:
            return Trend.NO_DATA
        if self.gronn > self.rod:
            return Trend.POSITIVE
        if self.rod > self.gronn:
            return Trend.NEGATIVE
        return Trend.UNCHANGED if self.gronn == 0 else Trend.MIXED


def summarise(judgements: Iterable[Judgement]) -> GoalSummary:
    counts = {j: 0 for j in Judgement}
    for judgement in judgements:
        counts[Judgement(judgement)] += 1
    return GoalSummary(
        counts[Judgement.GRONN], counts[Judgement.GUL], counts[Judgement.ROD],
        counts[Judgement.GRA],
    )


def plan_suggestion(trends: Iterable[Trend]) -> bool | None:
    """Seed 001 L285: the plan as a whole progresses if at least one main goal
    develops positively, unless another main goal worsens.

    True = positive goal attainment, False = not, None = no goal has data.
    """
    trends = [Trend(t) for t in trends]
    if all(t is Trend.NO_DATA for t in trends):
        return None
    return Trend.POSITIVE in trends and Trend.NEGATIVE not in trends
