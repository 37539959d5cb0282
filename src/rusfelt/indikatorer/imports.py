"""Imports of indicator values and definitions: all or nothing, audited.

Used by the command line, the browser and the demo; ``services`` re-exports
the entry points.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rusfelt.core import audit, bulkload
from rusfelt.core.domain.tabular import (
    InvalidRows,
    ParsedColumn,
    RowError,
    read_table,
    require_columns,
)
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.uploads import limits

from .domain import parsing
from .models import Direction as DirectionChoice
from .models import Gruppe, IndicatorType, Indikator, Indikatorsett, Kind, Verdi

NATIONAL_CODE = "0"


# --- Import of values -------------------------------------------------------


def _value_and_places(text: str) -> tuple:
    """(value, missing reason, decimal places up to two) of a value cell; the places
    are counted once per distinct text, for ``_settle_decimals`` (-1 for no value)."""
    value, missing = parsing.parse_value(text)
    places = -1 if value is None else min(2, max(0, -value.as_tuple().exponent))
    return value, missing, places


def _parse_values(header, rows, sett, default_unit_code, allowed_units):
    """Check every row; returns (parsed values, {number: most decimal places written}).

    Each column's distinct texts are parsed once (``ParsedColumn``): a national
    file repeats few indicator numbers, unit codes and years, and its values
    repeat too, so a row costs a few dict look-ups. Raises ``InvalidRows``
    with every bad cell.
    """
    numbers = set(sett.indikatorer.values_list("number", flat=True))
    unit_codes = set(OrgUnit.objects.values_list("code", flat=True))
    errors: list[RowError] = []
    parsed: list[parsing.ParsedValue] = []
    seen: dict[tuple, int] = {}
    typed: dict[int, int] = {}

    def known_indicator(text):
        number = parsing.indicator_number(text)
        if number not in numbers:
            raise parsing.CellError(f"indikator {number} finnes ikke i settet")
        return number

    def known_unit(code):
        if code not in unit_codes:
            raise parsing.CellError(f"ukjent enhet «{code}»")
        if allowed_units is not None and code not in allowed_units:
            raise parsing.CellError(f"du kan ikke registrere for enhet {code}")
        return code

    indicators = ParsedColumn(known_indicator, parsing.CellError)
    units = ParsedColumn(known_unit, parsing.CellError)
    years = ParsedColumn(parsing.parse_year, parsing.CellError)
    flags = ParsedColumn(parsing.parse_bool, parsing.CellError)
    values = ParsedColumn(_value_and_places, parsing.CellError)
    new_value = parsing.ParsedValue
    row_error = errors.append

    def add(line, number, code, year, cell_column, text, merknad="", reason="",
            provisional=False, break_in_series=False, break_reason=""):
        ok, result = values[text]
        if not ok:
            row_error(RowError(line, cell_column, result))
            return
        key = (number, code, year)
        first = seen.setdefault(key, line)
        if first != line:
            row_error(RowError(line, cell_column, f"gjentar verdien fra linje {first}"))
            return
        value, missing, places = result
        if places > typed.get(number, -1):  # a missing value (-1) settles nothing
            typed[number] = places
        # A break's reason (brudd_arsak) marks a break even where brudd is empty.
        parsed.append(new_value(number, code, year, value, reason or missing, merknad,
                                provisional, break_in_series or bool(break_reason), line,
                                break_reason))

    wide = parsing.is_wide(header)
    if not wide:
        require_columns(header, parsing.LONG_COLUMNS)
    # Long files without the flag columns: no flags to read on any row.
    has_flags = "forelopig" in header or "brudd" in header
    year_columns = [(column, int(column)) for column in parsing.year_columns(header)]
    for row in rows:
        get = row.values.get
        line = row.line
        ok, number = indicators[get("indikator") or ""]
        if not ok:
            row_error(RowError(line, "indikator", number))
            continue
        code = get("enhet") or (default_unit_code if wide else "")
        if not code:
            row_error(RowError(line, "enhet", "enhetskoden mangler"))
            continue
        ok, message = units[code]
        if not ok:
            row_error(RowError(line, "enhet", message))
            continue
        if wide:
            for column, year in year_columns:
                text = get(column)
                if text:
                    add(line, number, code, year, column, text)
            continue
        ok, year = years[get("ar") or ""]
        if not ok:
            row_error(RowError(line, "ar", year))
            continue
        provisional = break_in_series = False
        if has_flags:
            ok_f, provisional = flags[get("forelopig") or ""]
            ok_b, break_in_series = flags[get("brudd") or ""]
            if not (ok_f and ok_b):
                row_error(RowError(line, "forelopig/brudd",
                                   provisional if not ok_f else break_in_series))
                continue
        # add() written out for the long layout: one call less on each of 300 000 rows.
        ok, result = values[get("verdi") or ""]
        if not ok:
            row_error(RowError(line, "verdi", result))
            continue
        key = (number, code, year)
        first = seen.setdefault(key, line)
        if first != line:
            row_error(RowError(line, "verdi", f"gjentar verdien fra linje {first}"))
            continue
        value, missing, places = result
        if places > typed.get(number, -1):
            typed[number] = places
        break_reason = get("brudd_arsak") or ""
        parsed.append(new_value(number, code, year, value, get("mangler_arsak") or missing,
                                get("merknad") or "", provisional,
                                break_in_series or bool(break_reason), line, break_reason))
    if errors:
        raise InvalidRows(errors)
    return parsed, typed


@transaction.atomic
def import_values(
    sett: Indikatorsett, data: bytes, filename: str = "", *, default_unit_code=NATIONAL_CODE,
    allowed_units: set[str] | None = None, user=None, request=None, dry_run=False,
) -> dict:
    """Import values in the long or wide layout; all or nothing.

    Raises ``InvalidRows`` (line and column of every bad cell) or
    ``TableError``; then nothing is stored. ``allowed_units``: the codes the
    user may write for (None on the command line).
    """
    header, rows = read_table(data, filename, limits())
    parsed, places = _parse_values(header, rows, sett, default_unit_code, allowed_units)
    result = store_values(sett, parsed, user=user, places=places)
    result["layout"] = "bred" if parsing.is_wide(header) else "lang"
    if dry_run:
        transaction.set_rollback(True)
        return result
    codes = {p.unit_code for p in parsed}
    audit.record(
        AuditAction.IMPORT, request=request, user=user,
        unit=OrgUnit.objects.get(code=codes.pop()) if len(codes) == 1 else None,
        detail={"import": "indikatorverdier", "sett": sett.slug,
                "created": result["created"], "updated": result["updated"]},
    )
    bulkload.analyze_after_load(Verdi, result["created"])
    return result


#: The columns ``store_values`` writes for a new value, in the order of its tuples.
VALUE_FIELDS = ["indikator", "unit", "year", "value", "missing_reason", "merknad",
                "provisional", "break_in_series", "break_reason"]


def store_values(sett, parsed: list[parsing.ParsedValue], *, user=None,
                 places: dict[int, int] | None = None) -> dict:
    """Upsert parsed values: two reads, the new values in one bulk load, one bulk update.

    New values go through ``core.bulkload`` (COPY on PostgreSQL, full-size
    batches on SQLite); values already stored are compared and only the
    changed ones updated. ``places``: {indicator number: the most decimal places
    any of its values was written with}, when the caller has counted them.
    """
    indicators = dict(sett.indikatorer.values_list("number", "pk"))
    units = dict(OrgUnit.objects.filter(code__in={p.unit_code for p in parsed})
                 .values_list("code", "pk"))
    existing = {
        (v.indikator_id, v.unit_id, v.year): v
        for v in Verdi.objects.filter(
            indikator__sett=sett, unit__in=list(units.values()),
            year__in={p.year for p in parsed},
        )
    } if parsed else {}
    new, changed = [], []
    fields = ["value", "missing_reason", "merknad", "provisional", "break_in_series",
              "break_reason", "updated_by"]
    # Unpacked, not read by name: a national file is 300 000 of them.
    for number, code, year, value, reason, merknad, provisional, brk, _line, why in parsed:
        ind, unit = indicators[number], units[code]
        verdi = existing.get((ind, unit, year)) if existing else None
        if verdi is None:
            new.append((ind, unit, year, value, reason, merknad, provisional, brk, why))
            continue
        attrs = {
            "value": value, "missing_reason": reason, "merknad": merknad,
            "provisional": provisional, "break_in_series": brk, "break_reason": why,
        }
        if any(getattr(verdi, k) != v for k, v in attrs.items()):
            for k, v in attrs.items():
                setattr(verdi, k, v)
            verdi.updated_by = user
            changed.append(verdi)
    if new:
        with transaction.atomic():
            bulkload.insert_rows(Verdi, VALUE_FIELDS, new, constants={
                "updated_by": user, "updated_at": timezone.now()})
    if changed:
        Verdi.objects.bulk_update(changed, fields)
    _settle_decimals(indicators, parsed if places is None else None, places)
    Indikatorsett.values_changed(sett.pk)
    return {"created": len(new), "updated": len(changed), "rows": len(parsed)}


def _settle_decimals(indicators: dict, parsed, typed: dict[int, int] | None = None) -> None:
    """Give each indicator without decimals the most any of its values was written with
    (at most two), so every year and unit prints alike: «9,0 %» beside «9,3 %», never
    «9 %» (issue 15). An indicator whose decimals are set keeps them."""
    if typed is None:
        typed = {}
        for p in parsed:
            if p.value is None:
                continue
            places = min(2, max(0, -p.value.as_tuple().exponent))
            typed[p.number] = max(typed.get(p.number, 0), places)
    by_places: dict[int, list[int]] = {}
    for number, places in typed.items():
        by_places.setdefault(places, []).append(indicators[number])  # number -> pk
    for places, pks in by_places.items():  # one UPDATE per precision, not per indicator
        Indikator.objects.filter(pk__in=pks, decimals__isnull=True).update(decimals=places)


# --- Import of definitions ---------------------------------------------------

DEFINITION_COLUMNS = [
    "nummer", "gruppe", "tittel", "type", "art", "maleenhet", "kilde", "retning",
    "nullpunkt", "beregn_endring", "kildehenvisning",
]
#: Optional: gruppenavn (creates a new group), desimaler, nokkel, merknad.
REQUIRED_DEFINITION_COLUMNS = ["nummer", "gruppe", "tittel", "art"]
DIRECTION_ALIASES = {"opp": "up", "ned": "down", "ingen": "none", "ukjent": "unknown"}


@transaction.atomic
def import_definitions(
    sett: Indikatorsett, data: bytes, filename: str = "", *, user=None, request=None,
) -> dict:
    """Create or update the indicators of ``sett`` from a table; all or nothing.

    Columns (header row, CSV or XLSX): nummer, gruppe (group code; with
    gruppenavn a new group is made), tittel, art (andel, antall, kroner,
    arsverk, dager, score, ratio), and optionally type (innsats, aktivitet,
    resultat, effekt, ukjent), maleenhet, kilde, retning (up/down/none/unknown
    or opp/ned/ingen/ukjent), nullpunkt (year), beregn_endring (ja/nei),
    desimaler (decimals shown), kildehenvisning, nokkel, merknad.
    """
    header, rows = read_table(data, filename, limits())
    require_columns(header, REQUIRED_DEFINITION_COLUMNS)
    groups = {g.code: g for g in sett.grupper.all()}
    errors: list[RowError] = []
    parsed = []
    seen: dict[int, int] = {}
    new_groups: dict[str, str] = {}
    for row in rows:
        try:
            number = parsing.parse_int(row.get("nummer"), "nummeret")
            if number < 1:
                raise parsing.CellError("nummeret må være større enn 0")
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "nummer", str(exc)))
            continue
        if number in seen:
            errors.append(
                RowError(row.line, "nummer", f"gjentar nummeret fra linje {seen[number]}")
            )
            continue
        seen[number] = row.line
        code = row.get("gruppe")
        if code not in groups and code not in new_groups:
            if row.get("gruppenavn"):
                new_groups[code] = row.get("gruppenavn")
            else:
                errors.append(RowError(
                    row.line, "gruppe", f"ukjent gruppe «{code}» (oppgi gruppenavn for å lage den)"
                ))
        if not row.get("tittel"):
            errors.append(RowError(row.line, "tittel", "tittelen mangler"))
        item = {"number": number, "gruppe": code, "title": row.get("tittel")[:300]}
        checks = [
            ("type", IndicatorType.values, row.get("type", "ukjent").lower(), "type"),
            ("art", Kind.values, row.get("art").lower(), "kind"),
            ("retning", DirectionChoice.values,
             DIRECTION_ALIASES.get(row.get("retning", "unknown").lower(),
                                   row.get("retning", "unknown").lower()), "direction"),
        ]
        for column, allowed, value, attr in checks:
            if value not in allowed:
                errors.append(RowError(
                    row.line, column, f"«{value}» er ikke en av {', '.join(allowed)}"
                ))
            item[attr] = value
        try:
            item["baseline_year"] = (
                parsing.parse_year(row.get("nullpunkt")) if row.get("nullpunkt") else None
            )
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "nullpunkt", str(exc)))
        try:
            item["decimals"] = (
                parsing.parse_int(row.get("desimaler"), "desimaler")
                if row.get("desimaler") else None
            )
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "desimaler", str(exc)))
        try:
            item["compute_change"] = parsing.parse_bool(row.get("beregn_endring", "ja"))
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "beregn_endring", str(exc)))
        item.update(
            unit_label=row.get("maleenhet")[:80], source=row.get("kilde")[:100],
            source_ref=row.get("kildehenvisning")[:100], key=row.get("nokkel")[:60],
            description=row.get("merknad"),
        )
        parsed.append(item)
    if errors:
        raise InvalidRows(errors)
    order = max((g.order for g in groups.values()), default=0)
    for code, name in new_groups.items():
        order += 1
        groups[code] = Gruppe.objects.create(sett=sett, code=code, name=name, order=order)
    created = updated = 0
    for item in parsed:
        item["gruppe"] = groups[item["gruppe"]]
        _, was_created = Indikator.objects.update_or_create(
            sett=sett, number=item.pop("number"), defaults=item
        )
        created += was_created
        updated += not was_created
    result = {"created": created, "updated": updated, "groups": len(new_groups)}
    audit.record(AuditAction.IMPORT, request=request, user=user,
                 detail={"import": "indikatordefinisjoner", "sett": sett.slug, **result})
    return result
