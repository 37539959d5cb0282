"""Validating organisation-unit and population rows (no Django).

Unit CSV columns: ``kode,navn,niva,overordnet,gyldig_fra,gyldig_til[,forgjengere]``
(``niva`` is ``land|fylke|kommune|bydel``; dates ``YYYY-MM-DD`` or empty).
``forgjengere`` (optional) names the units this one took over at a reform, as
``kode:type`` separated by ``;``, with ``type`` one of ``sammenslaing``
(merger), ``deling`` (split) or ``nytt_nummer`` (renumbering): Bergen 4601
has ``1201:nytt_nummer``, Stavanger 1103 ``1141:sammenslaing;1142:sammenslaing``.
The reform date is the day after the predecessor's ``gyldig_til``, which must
therefore be set.

Population CSV columns: ``enhet,ar,kjonn,alder_fra,alder_til,antall[,omtrentlig]``
(``kjonn`` is ``mann|kvinne``; ``alder_til`` empty for an open band such as
90+; ``omtrentlig`` is ``ja|nei``, default ``nei``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .sex import Sex
from .tabular import InvalidRows, Row, RowError, require_columns

UNIT_COLUMNS = ["kode", "navn", "niva", "overordnet", "gyldig_fra", "gyldig_til"]
#: Optional column: the units a unit took over at a reform.
PREDECESSOR_COLUMN = "forgjengere"
#: Kinds of reform, as written in the column (stored as they are).
REFORM_KINDS = ("sammenslaing", "deling", "nytt_nummer")
POPULATION_COLUMNS = ["enhet", "ar", "kjonn", "alder_fra", "alder_til", "antall", "omtrentlig"]
LEVELS = ["land", "fylke", "kommune", "bydel"]
# Code lengths by level: land 0, fylke 03, kommune 0301, bydel 030104.
CODE_PATTERN = {
    "land": re.compile(r"^\d{1,3}$"),
    "fylke": re.compile(r"^\d{2}$"),
    "kommune": re.compile(r"^\d{4}$"),
    "bydel": re.compile(r"^\d{6}$"),
}


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: (predecessor code, kind, reform date) taken over at a reform.
    predecessors: tuple[tuple[str, str, dt.date], ...] = ()


@dataclass(frozen=True)
class PopulationRow:
    line: int
    unit_code: str
    year: int
    sex: str
    age_from: int
    age_to: int | None
    count: int
    approximate: bool


def _parse_date(row: Row, column: str, errors: list[RowError]) -> dt.date | None:
    text = row.get(column)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(RowError(row.line, column, f"«{text}» er ikke en dato på formen ÅÅÅÅ-MM-DD"))
        return None


def _parse_predecessors(row: Row, errors: list[RowError]) -> list[tuple[str, str]]:
    text = row.get(PREDECESSOR_COLUMN).strip()
    out: list[tuple[str, str]] = []
    for item in filter(None, (p.strip() for p in text.split(";"))):
        code, sep, kind = (part.strip() for part in item.partition(":"))
        if not sep or not code:
            errors.append(RowError(row.line, PREDECESSOR_COLUMN,
                                   f"«{item}» er ikke på formen kode:type"))
        elif kind not in REFORM_KINDS:
            errors.append(RowError(
                row.line, PREDECESSOR_COLUMN,
                f"ukjent type «{kind}» (bruk sammenslaing, deling eller nytt_nummer)"))
        elif code == row.get("kode"):
            errors.append(RowError(row.line, PREDECESSOR_COLUMN,
                                   "en enhet kan ikke være sin egen forgjenger"))
        else:
            out.append((code, kind))
    return out


def validate_units(
    header: list[str], rows: list[Row], existing: dict[str, str],
    existing_valid_to: dict[str, dt.date | None] | None = None,
) -> list[UnitRow]:
    """Check every row; return them parents first, or raise all errors together.

    ``existing`` maps codes already in the database to their level, so a file
    may add bydeler under a kommune that is already there; ``existing_valid_to``
    gives their end dates, from which a reform date in ``forgjengere`` is read.
    """
    require_columns(header, UNIT_COLUMNS)
    errors: list[RowError] = []
    parsed: list[UnitRow] = []
    levels = dict(existing)
    valid_to_of = dict(existing_valid_to or {})
    wanted: dict[int, list[tuple[str, str]]] = {}
    seen: dict[str, int] = {}
    for row in rows:
        code, name, level = row.get("kode"), row.get("navn"), row.get("niva").lower()
        parent = row.get("overordnet")
        if not code:
            errors.append(RowError(row.line, "kode", "mangler"))
        elif code in seen:
            errors.append(RowError(row.line, "kode", f"{code} står også på linje {seen[code]}"))
        else:
            seen[code] = row.line
        if not name:
            errors.append(RowError(row.line, "navn", "mangler"))
        if level not in LEVELS:
            errors.append(
                RowError(
                    row.line, "niva",
                    f"ukjent nivå «{level}» (bruk land, fylke, kommune eller bydel)",
                )
            )
        elif code and not CODE_PATTERN[level].match(code):
            errors.append(
                RowError(row.line, "kode", f"«{code}» er ikke en gyldig kode for {level}")
            )
        valid_from = _parse_date(row, "gyldig_fra", errors)
        valid_to = _parse_date(row, "gyldig_til", errors)
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(RowError(row.line, "gyldig_til", "er før gyldig_fra"))
        if level in LEVELS and code:
            levels[code] = level
        if code:
            valid_to_of[code] = valid_to
        wanted[row.line] = _parse_predecessors(row, errors)
        parsed.append(UnitRow(row.line, code, name, level, parent, valid_from, valid_to))

    with_predecessors = []
    for unit in parsed:
        found = []
        for code, kind in wanted.get(unit.line, []):
            if code not in levels:
                errors.append(RowError(unit.line, PREDECESSOR_COLUMN,
                                       f"{code} finnes ikke i filen eller basen"))
            elif valid_to_of.get(code) is None:
                errors.append(RowError(
                    unit.line, PREDECESSOR_COLUMN,
                    f"{code} har ingen gyldig_til, så reformdatoen er ukjent"))
            else:
                found.append((code, kind, valid_to_of[code] + dt.timedelta(days=1)))
        with_predecessors.append(
            UnitRow(unit.line, unit.code, unit.name, unit.level, unit.parent_code,
                    unit.valid_from, unit.valid_to, tuple(found)))
    parsed = with_predecessors
    # A unit that several successors took over was split: each has only a part,
    # and core.scoping opens a predecessor's records only to a successor that
    # took it over whole. Say so rather than store a contradiction.
    takers: dict[str, list[UnitRow]] = {}
    for unit in parsed:
        for code, _kind, _day in unit.predecessors:
            takers.setdefault(code, []).append(unit)
    for code, successors in takers.items():
        if len(successors) > 1:
            for unit in successors:
                kinds = {k for c, k, _d in unit.predecessors if c == code}
                if kinds != {"deling"}:
                    errors.append(RowError(
                        unit.line, PREDECESSOR_COLUMN,
                        f"{code} er forgjenger for flere enheter "
                        f"({', '.join(u.code for u in successors)}) og må ha typen deling"))

    for unit in parsed:
        if unit.level not in LEVELS:
            continue
        if unit.level == "land":
            if unit.parent_code:
                errors.append(RowError(unit.line, "overordnet", "et land har ingen overordnet"))
            continue
        if not unit.parent_code:
            errors.append(RowError(unit.line, "overordnet", "mangler"))
            continue
        parent_level = levels.get(unit.parent_code)
        if parent_level is None:
            errors.append(
                RowError(
                    unit.line, "overordnet",
                    f"{unit.parent_code} finnes ikke i filen eller basen",
                )
            )
        elif LEVELS.index(parent_level) >= LEVELS.index(unit.level):
            errors.append(
                RowError(
                    unit.line, "overordnet",
                    f"{unit.parent_code} er {parent_level} og kan ikke ligge over en {unit.level}",
                )
            )
    if errors:
        raise InvalidRows(sorted(errors, key=lambda e: e.line))
    return sorted(parsed, key=lambda u: (LEVELS.index(u.level), u.code))


def _parse_int(row: Row, column: str, errors: list[RowError], *, required=True) -> int | None:
    text = row.get(column).replace(" ", "").replace("\xa0", "")
    if not text:
        if required:
            errors.append(RowError(row.line, column, "mangler"))
        return None
    try:
        value = int(text)
    except ValueError:
        errors.append(RowError(row.line, column, f"«{text}» er ikke et heltall"))
        return None
    if value < 0:
        errors.append(RowError(row.line, column, "kan ikke være negativt"))
        return None
    return value


def validate_population(
    header: list[str], rows: list[Row], known_units: set[str]
) -> list[PopulationRow]:
    require_columns(header, [c for c in POPULATION_COLUMNS if c != "omtrentlig"])
    errors: list[RowError] = []
    parsed: list[PopulationRow] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        unit = row.get("enhet")
        if unit not in known_units:
            errors.append(RowError(row.line, "enhet", f"ukjent enhet «{unit}»"))
        year = _parse_int(row, "ar", errors)
        if year is not None and not 1900 <= year <= 2100:
            errors.append(RowError(row.line, "ar", f"{year} er ikke et rimelig år"))
        sex = row.get("kjonn").lower()
        if sex not in tuple(Sex):
            errors.append(RowError(row.line, "kjonn", f"«{sex}» må være mann eller kvinne"))
        age_from = _parse_int(row, "alder_fra", errors)
        age_to = _parse_int(row, "alder_til", errors, required=False)
        if age_from is not None and age_to is not None and age_to < age_from:
            errors.append(RowError(row.line, "alder_til", "er lavere enn alder_fra"))
        count = _parse_int(row, "antall", errors)
        approx_text = row.get("omtrentlig", "nei").lower()
        if approx_text not in ("ja", "nei"):
            errors.append(RowError(row.line, "omtrentlig", "må være ja eller nei"))
        key = (unit, year, sex, age_from)
        if key in seen:
            errors.append(RowError(row.line, "", f"samme celle som linje {seen[key]}"))
        seen[key] = row.line
        parsed.append(
            PopulationRow(row.line, unit, year or 0, sex, age_from or 0, age_to, count or 0,
                          approx_text == "ja")
        )
    if errors:
        raise InvalidRows(errors)
    return parsed
