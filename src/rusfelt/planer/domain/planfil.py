"""The plan file: one table (CSV or the first sheet of an XLSX) holding a
plan's main goals, areas and measures, one row each.

Layout (header row first; column names are case-insensitive; order free):

========================  ===================================================
column                    meaning
========================  ===================================================
``type``                  ``hovedmal``, ``omrade`` or ``tiltak`` (required)
``kode``                  goal code, area code or measure number (required,
                          unique per type in the file), e.g. ``HM1``, ``I2``,
                          ``12``
``tekst``                 goal text, area title or measure text (required)
``forelder``              area: code of the parent area (areas nest to any
                          depth; the parent must come earlier in the file)
``art``                   area: ``innsatsomrade``, ``kapittel``, ``trinn``,
                          ``strategi``, ``tema``; measure: ``gjennomfore`` or
                          ``vurdere`` (empty: innsatsomrade / gjennomfore)
``omrade``                measure: code of its area
``hovedmal``              measure: goal codes separated by ``|`` or space
``ansvarlig_enhet``       measure: unit code of the responsible unit
``ansvarlig``             measure: responsible service in words
``frist``                 measure: deadline, ``YYYY-MM-DD`` or ``DD.MM.YYYY``
``fra_ar``, ``til_ar``    measure: first and last year
``kostnad``               measure: cost in whole kroner (spaces allowed)
``finansiering``          measure: how it is financed
``overordnet_tiltak``     measure: the measure it answers, ``plan-slug/nummer``
                          (another plan) or ``nummer`` (this plan)
``kilde``                 any row: source reference, e.g. ``seed 004 L757``
========================  ===================================================

Every error is collected with its line and column; nothing is stored if
there is one (the service runs in one transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from rusfelt.core.domain.rounding import rounded

COLUMNS = [
    "type", "kode", "tekst", "forelder", "art", "omrade", "hovedmal", "ansvarlig_enhet",
    "ansvarlig", "frist", "fra_ar", "til_ar", "kostnad", "finansiering",
    "overordnet_tiltak", "kilde",
]
REQUIRED = ["type", "kode", "tekst"]
TYPES = ("hovedmal", "omrade", "tiltak")
AREA_KINDS = ("innsatsomrade", "kapittel", "trinn", "strategi", "tema")
MEASURE_KINDS = ("gjennomfore", "vurdere")


@dataclass
class GoalRow:
    line: int
    code: str
    text: str
    kilde: str = ""


@dataclass
class AreaRow:
    line: int
    code: str
    title: str
    parent: str = ""
    kind: str = "innsatsomrade"
    kilde: str = ""


@dataclass
class MeasureRow:
    line: int
    number: str
    text: str
    area: str = ""
    goals: list[str] = field(default_factory=list)
    responsible_unit: str = ""
    responsible_text: str = ""
    deadline: date | None = None
    period_from: int | None = None
    period_to: int | None = None
    cost: Decimal | None = None
    financing: str = ""
    kind: str = "gjennomfore"
    parent: str = ""
    kilde: str = ""


@dataclass
class PlanFile:
    goals: list[GoalRow] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)


@dataclass
class Problem:
    line: int
    column: str
    message: str


def parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("ugyldig dato, skriv ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ")


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("årstall må ha fire siffer")
    return int(text)


def parse_cost(text: str) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("kr", "")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError("kostnad må være et tall i hele kroner") from exc
    if value < 0:
        raise ValueError("kostnad kan ikke være negativ")
    return rounded(value, 0)


def parse(rows) -> tuple[PlanFile, list[Problem]]:
    """Check ``rows`` (objects with ``.line`` and ``.get(col)``) and build a PlanFile.

    Returns every problem found; the caller stores nothing when there is one.
    """
    plan = PlanFile()
    problems: list[Problem] = []
    seen: dict[str, set[str]] = {t: set() for t in TYPES}

    def bad(row, column, message):
        problems.append(Problem(row.line, column, message))

    for row in rows:
        kind = row.get("type").strip().lower()
        code = row.get("kode").strip()
        text = row.get("tekst").strip()
        kilde = row.get("kilde").strip()
        if kind not in TYPES:
            bad(row, "type", "må være hovedmal, omrade eller tiltak")
            continue
        if not code:
            bad(row, "kode", "mangler")
        elif code in seen[kind]:
            bad(row, "kode", f"koden «{code}» er brukt før i filen")
        seen[kind].add(code)
        if not text:
            bad(row, "tekst", "mangler")
        if kind == "hovedmal":
            plan.goals.append(GoalRow(row.line, code, text, kilde))
        elif kind == "omrade":
            parent = row.get("forelder").strip()
            art = row.get("art").strip().lower() or "innsatsomrade"
            if art not in AREA_KINDS:
                bad(row, "art", "må være " + ", ".join(AREA_KINDS))
            if parent and parent not in seen["omrade"]:
                bad(row, "forelder", f"området «{parent}» må stå tidligere i filen")
            if parent and parent == code:
                bad(row, "forelder", "et område kan ikke ligge under seg selv")
            plan.areas.append(AreaRow(row.line, code, text, parent, art, kilde))
        else:
            plan.measures.append(_measure(row, code, text, kilde, bad))

    area_codes = {a.code for a in plan.areas}
    goal_codes = {g.code for g in plan.goals}
    measure_numbers = {m.number for m in plan.measures}
    for m in plan.measures:
        if m.area and m.area not in area_codes:
            problems.append(Problem(m.line, "omrade", f"området «{m.area}» finnes ikke i filen"))
        for g in m.goals:
            if g not in goal_codes:
                problems.append(
                    Problem(m.line, "hovedmal", f"hovedmålet «{g}» finnes ikke i filen")
                )
        if m.parent and "/" not in m.parent and m.parent not in measure_numbers:
            problems.append(
                Problem(m.line, "overordnet_tiltak", f"tiltak «{m.parent}» finnes ikke i filen")
            )
        if m.parent and m.parent == m.number:
            problems.append(
                Problem(m.line, "overordnet_tiltak", "et tiltak kan ikke svare på seg selv")
            )
    problems.sort(key=lambda p: (p.line, COLUMNS.index(p.column) if p.column in COLUMNS else 99))
    return plan, problems


def _measure(row, code, text, kilde, bad) -> MeasureRow:
    m = MeasureRow(row.line, code, text, kilde=kilde)
    m.area = row.get("omrade").strip()
    m.goals = [g for g in re.split(r"[|\s]+", row.get("hovedmal").strip()) if g]
    m.responsible_unit = row.get("ansvarlig_enhet").strip()
    m.responsible_text = row.get("ansvarlig").strip()
    m.financing = row.get("finansiering").strip()
    m.parent = row.get("overordnet_tiltak").strip()
    art = row.get("art").strip().lower() or "gjennomfore"
    if art not in MEASURE_KINDS:
        bad(row, "art", "må være gjennomfore eller vurdere")
    m.kind = art
    for column, attr, parser in (
        ("frist", "deadline", parse_date),
        ("fra_ar", "period_from", parse_year),
        ("til_ar", "period_to", parse_year),
        ("kostnad", "cost", parse_cost),
    ):
        value = row.get(column).strip()
        if value:
            try:
                setattr(m, attr, parser(value))
            except ValueError as exc:
                bad(row, column, str(exc))
    if m.period_from and m.period_to and m.period_from > m.period_to:
        bad(row, "til_ar", "til år kan ikke være før fra år")
    return m
