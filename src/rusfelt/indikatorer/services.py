"""Reads and writes of indicator data; each write is audited.

The browser, the command line and other apps (kartlegging, planer) use the
functions here. Callers that act for a user scope first (``Verdi.objects.
for_user``) or pass ``allowed_units``; the functions for other apps take a
unit the caller has already scoped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.domain.serier import Brudd, BruddType, build_series, with_history
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.services import predecessor_codes, reforms_of

from .domain.change import (
    PLAN_RULE,
    Change,
    Direction,
    GoalSummary,
    IndicatorSpec,
    Judgement,
    Measure,
    Point,
    Thresholds,
    change_between,
    change_columns,
    plan_suggestion,
    ratio_rule_met,
    summarise,
)
from .imports import (  # noqa: F401 - the import entry points are part of this API
    DEFINITION_COLUMNS,
    NATIONAL_CODE,
    import_definitions,
    import_values,
    store_values,
)
from .models import Direction as DirectionChoice
from .models import (
    Gruppe,
    IndicatorType,
    Indikator,
    Indikatorsett,
    Kind,
    Maalvurdering,
    Verdi,
)

# --- Building blocks -----------------------------------------------------


def thresholds_of(sett: Indikatorsett) -> Thresholds:
    return Thresholds(share=sett.share_threshold, number=sett.number_threshold)


def spec_of(indikator: Indikator) -> IndicatorSpec:
    return IndicatorSpec(
        kind=indikator.kind,
        direction=Direction(indikator.direction),
        baseline_year=indikator.baseline_year,
        compute_change=indikator.compute_change,
    )


def points_by_indicator(values) -> dict[int, dict[int, Point]]:
    """{indikator_id: {year: Point}} from a queryset of ``Verdi`` (one query)."""
    points: dict[int, dict[int, Point]] = defaultdict(dict)
    for indikator_id, year, value, brk in values.values_list(
        "indikator_id", "year", "value", "break_in_series"
    ):
        points[indikator_id][year] = Point(value, brk)
    return points


def year_range(sett: Indikatorsett, values, span: int = 3) -> tuple[int, int] | None:
    """(first, last) year of a status table: ``span`` years ending with the latest value."""
    agg = values.filter(indikator__sett=sett).aggregate(first=Min("year"), last=Max("year"))
    return span_of(sett, agg["first"], agg["last"], span)


def span_of(sett: Indikatorsett, first, last, span: int = 3) -> tuple[int, int] | None:
    """``year_range`` from the first and last year with values (None, None: none)."""
    if last is None:
        return None
    first = max(first, last - span + 1)
    if sett.baseline_year and sett.baseline_year <= last:
        first = max(first, sett.baseline_year)
    return first, last


#: Seconds the coverage of a set stays cached (a new data version is a new key anyway).
COVERAGE_SECONDS = 24 * 60 * 60


def coverage(sett: Indikatorsett) -> dict[int, tuple[int, ...]]:
    """{unit id: the years it has value rows in} for the whole set, unscoped.

    One scan of the set's values per data version (``Indikatorsett.
    data_version``), then from the cache: the status pages take their filter
    choices and default years from this instead of scanning the values on
    every request. Callers narrow it to the units the user may see.
    """
    key = f"indikatorer:dekning:{sett.pk}:{sett.data_version}"
    found = cache.get(key)
    if found is None:
        years: dict[int, set[int]] = defaultdict(set)
        for unit_id, year in (Verdi.objects.filter(indikator__sett=sett).order_by()
                              .values_list("unit_id", "year").distinct()):
            years[unit_id].add(year)
        found = {unit_id: tuple(sorted(ys)) for unit_id, ys in years.items()}
        cache.set(key, found, COVERAGE_SECONDS)
    return found


def years_of_units(sett: Indikatorsett, unit_ids) -> list[int]:
    """The years any of ``unit_ids`` has value rows in, in the set, oldest first:
    ``coverage(sett)`` of those units alone, unscoped as it is, read from their own rows
    (the unit's index) rather than from a scan of the whole set."""
    return list(Verdi.objects.filter(indikator__sett=sett, unit_id__in=list(unit_ids))
                .order_by("year").values_list("year", flat=True).distinct())


# --- Status tables -----------------------------------------------------------


@dataclass
class StatusRow:
    indikator: Indikator
    values: list[Verdi | None]
    changes: list[Change]
    rule_met: bool | None = None  # ratio indicators: the golden rule in the last year
    #: Per year: True where the series breaks (the value's own break or a reform).
    breaks: list[bool] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[Verdi | None, bool]]:
        return list(zip(self.values, self.breaks or [False] * len(self.values), strict=True))


@dataclass
class StatusGroup:
    gruppe: Gruppe
    rows: list[StatusRow] = field(default_factory=list)

    def summary(self, column: int) -> GoalSummary:
        # A unit with one year has no change yet: each indicator is grey (first year).
        return summarise(row.changes[column].judgement if row.changes else Judgement.GRA
                         for row in self.rows)


@dataclass
class StatusTable:
    sett: Indikatorsett
    unit: OrgUnit
    years: list[int]
    columns: list[tuple[int, int]]
    groups: list[StatusGroup]
    #: Footnotes: reforms inside the table's years, and where earlier values come from.
    notes: list[str] = field(default_factory=list)

    @property
    def latest_column(self) -> int:
        """Index of the last one-year column (the status year's change)."""
        ones = [i for i, (a, b) in enumerate(self.columns) if b - a == 1]
        return ones[-1] if ones else 0


def status_table(
    sett: Indikatorsett, unit: OrgUnit, values, *, first_year=None, last_year=None,
    indicators=None,
) -> StatusTable:
    """The seed's status tables (one per group) for ``unit``.

    ``values`` is a scoped ``Verdi`` queryset (the caller's ``visible_to``);
    ``indicators`` optionally narrows the rows (filters).
    """
    # The unit and the units it took over at a reform (Bergen 4601 and 1201).
    codes = [unit.code, *predecessor_codes(unit.code)]
    unit_values = values.filter(indikator__sett=sett, unit__code__in=codes)
    if first_year is None or last_year is None:
        found = year_range(sett, unit_values)
        if found is None:
            found = (sett.baseline_year or 2016, (sett.baseline_year or 2016) + 2)
        first_year = first_year or found[0]
        last_year = last_year or found[1]
    years = list(range(first_year, last_year + 1))
    columns = change_columns(first_year, last_year)
    per_indicator: dict[int, dict[str, dict[int, Verdi]]] = defaultdict(dict)
    # Each value with its unit's code, not with the unit: a unit made for every value was
    # a fifth of a kommune's table, for the CLI and each first view or export (issue 12).
    for v in unit_values.filter(year__gte=first_year, year__lte=last_year).annotate(
        unit_code=F("unit__code")
    ).order_by():
        per_indicator[v.indikator_id].setdefault(v.unit_code, {})[v.year] = v
    reforms = reforms_of() if len(codes) > 1 else {}
    by_key: dict[tuple[int, int], Verdi] = {}
    points: dict[int, dict[int, Point]] = defaultdict(dict)
    notes: list[str] = []
    sources: set[str] = set()
    for ind_id, by_code in per_indicator.items():
        joined, breaks = with_history(unit.code, by_code, reforms)
        reform_years = {b.year for b in breaks}
        for year, (code, v) in joined.items():
            by_key[(ind_id, year)] = v
            points[ind_id][year] = Point(v.value, v.break_in_series or year in reform_years)
            if code != unit.code:
                sources.add(code)
        for b in breaks:
            note = f"{b.year} |: {b.reason}"
            if first_year < b.year <= last_year and note not in notes:
                notes.append(note)
    if sources:
        notes.append(_("Verdier før reformen er fra %(units)s.") % {
            "units": ", ".join(sorted(sources))})
    thresholds = thresholds_of(sett)
    if indicators is None:
        indicators = sett.indikatorer.all()
    # The groups as the indicators bring them, in the groups' order (order, code): no
    # query of their own (issue 12); a group without indicators shows no table anyway.
    groups: dict[int, StatusGroup] = {}
    for ind in indicators.select_related("gruppe").order_by("gruppe__order", "gruppe__code",
                                                            "number"):
        if ind.gruppe_id not in groups:
            groups[ind.gruppe_id] = StatusGroup(ind.gruppe)
        spec = spec_of(ind)
        ind_points = points.get(ind.pk, {})
        row = StatusRow(
            indikator=ind,
            values=[by_key.get((ind.pk, y)) for y in years],
            changes=[change_between(spec, ind_points, a, b, thresholds) for a, b in columns],
            breaks=[bool(ind_points.get(y) and ind_points[y].break_in_series) for y in years],
        )
        if ind.kind == Kind.RATIO:
            last = ind_points.get(last_year)
            row.rule_met = ratio_rule_met(last.value if last else None)
        groups[ind.gruppe_id].rows.append(row)
    return StatusTable(
        sett, unit, years, columns, [g for g in groups.values() if g.rows], notes
    )


@dataclass
class GoalStatus:
    gruppe: Gruppe
    summary: GoalSummary
    assessment: Maalvurdering | None


@dataclass
class GoalOverview:
    year: int
    column: tuple[int, int]
    goals: list[GoalStatus]
    suggestion: bool | None
    rule: str = PLAN_RULE


@dataclass(frozen=True)
class GoalCounts:
    """What a goal overview takes from the status table: the year, the change column
    and each group's counts (plain data, kept per data version by the goals page)."""

    year: int
    column: tuple[int, int]
    goals: list[tuple[Gruppe, GoalSummary]]


def goal_counts(table: StatusTable) -> GoalCounts:
    """Counts per goal on the status year's change."""
    column = table.latest_column
    year = table.years[-1]
    span = table.columns[column] if table.columns else (year - 1, year)
    return GoalCounts(year, span, [(g.gruppe, g.summary(column)) for g in table.groups])


def goal_overview(table: StatusTable | GoalCounts, assessments) -> GoalOverview:
    """Counts per goal on the status year's change, and the L285 suggestion."""
    counts = table if isinstance(table, GoalCounts) else goal_counts(table)
    by_group = {a.gruppe_id: a for a in assessments}
    goals = [GoalStatus(gruppe, summary, by_group.get(gruppe.pk))
             for gruppe, summary in counts.goals]
    suggestion = plan_suggestion(s.summary.trend for s in goals if s.gruppe.is_goal)
    return GoalOverview(counts.year, counts.column, goals, suggestion)


@transaction.atomic
def save_assessment(*, gruppe, unit, year, text, version, user, request=None) -> Maalvurdering:
    """Write a goal assessment and its audit; refuse (ValueError) if someone saved in
    between. A written assessment is a new data version of the set (``models``): the
    goals page keeps what it shows readers per data version."""
    assessment, created = Maalvurdering.objects.get_or_create(
        gruppe=gruppe, unit=unit, year=year,
        defaults={"text": text, "updated_by": user, "version": 1},
    )
    if not created:
        changed = Maalvurdering.objects.filter(pk=assessment.pk, version=version).update(
            text=text, updated_by=user, version=version + 1
        )
        if changed != 1:
            raise ValueError("stale")
        assessment.refresh_from_db()
        # An UPDATE sends no post_save: the new data version is noted here.
        Indikatorsett.values_changed(gruppe.sett_id)
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE, request=request, user=user,
        obj=assessment, unit=unit, detail={"gruppe": gruppe.code, "year": year},
    )
    return assessment



# --- Changes as rows (CLI and XLSX) -------------------------------------------


def change_rows(table: StatusTable):
    """(indikator number, from, to, change, measure, judgement) per indicator and column."""
    for group in table.groups:
        for row in group.rows:
            for change in row.changes:
                yield row.indikator.number, change


# --- For kartlegging: key figures of a published round ----------------------

KARTLEGGING_SLUG = "kartlegging-nokkeltall"
KARTLEGGING_INDICATORS = [
    # (number, key, title, kind, unit label, direction)
    (1, "andel_levekarsindeks_gronn", "Andel med grønn levekårsindeks", Kind.ANDEL, "%",
     DirectionChoice.UP),
    (2, "andel_rod_blalys", "Andel med rød eller blålys levekårsindeks", Kind.ANDEL, "%",
     DirectionChoice.DOWN),
    (3, "andel_bostedslos", "Andel bostedsløse (bolig rød)", Kind.ANDEL, "%",
     DirectionChoice.DOWN),
    (4, "andel_individuell_plan", "Andel med individuell plan", Kind.ANDEL, "%",
     DirectionChoice.UP),
    # More people mapped may mean better coverage as well as more need: no wanted direction.
    (5, "rate_per_1000", "Kartlagte per 1 000 innbyggere 16 år og over", Kind.ANTALL,
     "per 1 000 innbyggere 16+", DirectionChoice.UNKNOWN),
    # Screening (issue #16): seed 002 L460 asks for standardised screening.
    (6, "andel_screenet", "Andel screenet med AUDIT eller DUDIT", Kind.ANDEL, "%",
     DirectionChoice.UP),
    # Better screening may find more: no wanted direction.
    (7, "andel_sannsynlig_avhengighet",
     "Andel med sannsynlig avhengighet (DUDIT 25+) blant de screenet med DUDIT", Kind.ANDEL, "%",
     DirectionChoice.UNKNOWN),
]
# Why a figure is missing, when it is (the default: no population figures).
KARTLEGGING_MISSING = {"andel_sannsynlig_avhengighet": "Ingen screenet med DUDIT"}


def kartlegging_set() -> Indikatorsett:
    """The set of key figures computed from mapping rounds; made on first use."""
    sett, _ = Indikatorsett.objects.get_or_create(
        slug=KARTLEGGING_SLUG,
        defaults={
            "name": "Nøkkeltall fra kartlegging",
            "description": "Beregnet fra publiserte kartleggingsrunder, per enhet og år.",
        },
    )
    gruppe, _ = Gruppe.objects.get_or_create(
        sett=sett, code="KN", defaults={"name": "Nøkkeltall fra kartlegging", "order": 1}
    )
    for number, key, title, kind, unit_label, direction in KARTLEGGING_INDICATORS:
        Indikator.objects.get_or_create(
            sett=sett, number=number,
            defaults={
                "key": key, "title": title, "kind": kind, "unit_label": unit_label,
                "direction": direction, "gruppe": gruppe, "type": IndicatorType.RESULTAT,
                "source": "Kartlegging", "decimals": 1,  # shares and rates: one decimal
            },
        )
    return sett


@transaction.atomic
def record_kartlegging_values(
    *, unit: OrgUnit, year: int, values: dict, rule: str, break_reason: str = ""
) -> int:
    """Upsert the key figures of a published mapping round of ``unit`` and ``year``.

    ``values``: "andel_levekarsindeks_gronn", "andel_rod_blalys",
    "andel_bostedslos", "andel_individuell_plan" (shares in %, Decimal) and
    "rate_per_1000" (Decimal, or None without population figures); ``":"``
    where the published figure is suppressed. ``rule``
    names the levekårsindeks rule used; it goes into each value's merknad.
    ``break_reason``: the round's break in series (its values then get no
    change from the year before). Returns the number of values written.
    """
    sett = kartlegging_set()
    indicators = {i.key: i for i in sett.indikatorer.all()}
    unknown = set(values) - set(indicators)
    if unknown:
        raise ValueError(f"Unknown kartlegging figures: {sorted(unknown)}")
    merknad = f"Beregnet fra kartlegging {year}, regel {rule}"[:300]
    written = 0
    for key, value in values.items():
        reason = "" if value is not None else KARTLEGGING_MISSING.get(
            key, "Mangler befolkningstall" if key == "rate_per_1000"
            else "Ikke registrert i kartleggingen")
        if value == ":":  # suppressed at publishing (kartlegging's linked suppression)
            value, reason = None, "Prikket (små tall)"
        Verdi.objects.update_or_create(
            indikator=indicators[key], unit=unit, year=year,
            defaults={
                "value": None if value is None else Decimal(value),
                "missing_reason": reason, "merknad": merknad,
                "break_in_series": bool(break_reason), "break_reason": break_reason[:300],
            },
        )
        written += 1
    Indikatorsett.values_changed(sett.pk)
    audit.record(AuditAction.UPDATE, unit=unit,
                 detail={"indikatorer": KARTLEGGING_SLUG, "year": year, "rule": rule,
                         "values": written})
    return written


# --- For planer: judgements of linked indicators -----------------------------


@dataclass(frozen=True)
class IndicatorJudgement:
    indikator: Indikator
    year: int | None  # year of the latest value up to the asked year
    value: Decimal | None
    change: Decimal | None  # one-year change to ``year``, None = N/A
    measure: Measure
    judgement: Judgement


def judgements_for(indicators, unit: OrgUnit, year: int) -> list[IndicatorJudgement]:
    """For each indicator: its latest value up to ``year``, the one-year change and judgement.

    The caller has scoped ``unit`` to the user. Two queries in all.
    """
    indicators = list(indicators.select_related("sett") if hasattr(indicators, "select_related")
                      else indicators)
    points = points_by_indicator(
        Verdi.objects.filter(indikator__in=indicators, unit=unit, year__lte=year)
    )
    result = []
    for ind in indicators:
        ind_points = points.get(ind.pk, {})
        with_value = [y for y, p in ind_points.items() if p.value is not None]
        latest = max(with_value) if with_value else None
        spec = spec_of(ind)
        if latest is None:
            result.append(IndicatorJudgement(ind, None, None, None, spec.measure, Judgement.GRA))
            continue
        change = change_between(spec, ind_points, latest - 1, latest, thresholds_of(ind.sett))
        result.append(IndicatorJudgement(
            ind, latest, ind_points[latest].value, change.value, change.measure,
            change.judgement,
        ))
    return result


# --- Series with breaks and reforms ------------------------------------------------


@dataclass
class UnitSeries:
    """One unit's values of an indicator over years, through its reforms.

    ``values`` maps a year to its ``Verdi`` (perhaps a predecessor's, see
    ``sources``); ``series`` places breaks and gaps (``core.domain.serier``):
    a value's own break (indicator 32 in 2018, seed 001 L387) and the unit's
    reforms (Bergen 1201 → 4601 in 2020).
    """

    unit: OrgUnit
    values: dict
    sources: dict
    series: object

    @property
    def points(self) -> dict:
        """Change points: a year after a break or a gap counts as a break in series."""
        broken = {y.year for y in self.series if y.breaks}
        return {y: Point(v.value, v.break_in_series or y in broken)
                for y, v in self.values.items()}

    def points_between(self, first: int, last: int) -> dict:
        """``points`` of the years from ``first`` to ``last``: all that a change between
        them reads (a national page asks each of ~360 units for one change)."""
        broken = {y.year for y in self.series if y.breaks}
        return {y: Point(v.value, v.break_in_series or y in broken)
                for y in range(first, last + 1) if (v := self.values.get(y)) is not None}

    def notes(self) -> list[str]:
        return [f"{self.unit.name}: {note}" for note in self.series.footnotes()]


_broken = attrgetter("break_in_series")


def unit_series(values) -> list[UnitSeries]:
    """Group ``Verdi`` rows by unit, joining each successor with its predecessors.

    A predecessor whose history has gone into its successor's row is not
    listed on its own (Bergen 1201 appears as the first years of 4601).
    """
    by_code: dict[str, dict[int, Verdi]] = {}
    units: dict[str, OrgUnit] = {}
    for v in values:
        by_code.setdefault(v.unit.code, {})[v.year] = v
        units[v.unit.code] = v.unit
    return series_of(by_code, units)


def series_of(by_code: dict[str, dict[int, object]], units: dict[str, object]
              ) -> list[UnitSeries]:
    """``unit_series`` of values already grouped: ``by_code`` {unit code: {year: value}}
    (a value as ``Verdi`` has it: ``value``, ``break_in_series``, ``break_reason``),
    ``units`` {unit code: unit} (``code``, ``name``, ``path``). An indicator page groups
    its ~3 600 rows as the database gives them, without an object per row."""
    reforms = reforms_of()
    absorbed: set[str] = set()
    joined_of = {}
    for code in units:
        if code in reforms:
            joined, unit_breaks = with_history(code, by_code, reforms)
            absorbed |= {c for c, _v in joined.values() if c != code}
            joined_of[code] = ({y: v for y, (_c, v) in joined.items()},
                               {y: c for y, (c, _v) in joined.items()}, unit_breaks)
            continue
        # No reform (nearly every unit): its own values by year, as with_history gives
        # them, without three dicts more per unit on a national page (issue 12).
        own = by_code[code]
        if list(own) != sorted(own):
            own = dict(sorted(own.items()))
        joined_of[code] = (own, dict.fromkeys(own, code), [])
    # Translated once, not for each of ~360 units.
    broken, no_value = _("Brudd i serien"), _("Ingen verdi")
    out = []
    for code, unit in sorted(units.items(), key=lambda item: item[1].path):
        if code in absorbed:
            continue
        vals, sources, unit_breaks = joined_of[code]
        if not vals:
            continue
        breaks = list(unit_breaks)
        if any(map(_broken, vals.values())):  # nearly every unit has no break of its own
            breaks += [Brudd(y, v.break_reason or broken, BruddType.DEFINISJON)
                       for y, v in vals.items() if v.break_in_series]
        series = build_series(vals, breaks, {}, default_missing_reason=no_value)
        out.append(UnitSeries(unit, vals, sources, series))
    return out
