"""Imports of indicator values and definitions: all or nothing, audited.

Used by the command line, the browser and the demo; ``services`` re-exports
the entry points.
"""

from __future__ import annotations

from django.db import transaction

from rusfelt.core import audit
from rusfelt.core.domain.tabular import InvalidRows, RowError, read_table, require_columns
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.uploads import limits

from .domain import parsing
from .models import Direction as DirectionChoice
from .models import Gruppe, IndicatorType, Indikator, Indikatorsett, Kind, Verdi

NATIONAL_CODE = "0"


# --- Import of values -------------------------------------------------------


def _parse_values(header, rows, sett, default_unit_code, allowed_units):
    numbers = set(sett.indikatorer.values_list("number", flat=True))
    unit_codes = set(OrgUnit.objects.values_list("code", flat=True))
    errors: list[RowError] = []
    parsed: list[parsing.ParsedValue] = []
    seen: dict[tuple, int] = {}

    def check_unit(row, column, code):
        if code not in unit_codes:
            errors.append(RowError(row.line, column, f"ukjent enhet «{code}»"))
            return False
        if allowed_units is not None and code not in allowed_units:
            errors.append(RowError(row.line, column, f"du kan ikke registrere for enhet {code}"))
            return False
        return True

    def add(row, number, code, year, cell_column, text, extra):
        try:
            value, reason = parsing.parse_value(text)
        except parsing.CellError as exc:
            errors.append(RowError(row.line, cell_column, str(exc)))
            return
        key = (number, code, year)
        if key in seen:
            errors.append(
                RowError(row.line, cell_column, f"gjentar verdien fra linje {seen[key]}")
            )
            return
        seen[key] = row.line
        parsed.append(
            parsing.ParsedValue(
                number, code, year, value, extra.get("mangler_arsak") or reason,
                extra.get("merknad", ""), extra.get("forelopig", False),
                extra.get("brudd", False), row.line,
            )
        )

    wide = parsing.is_wide(header)
    if not wide:
        require_columns(header, parsing.LONG_COLUMNS)
    for row in rows:
        try:
            number = parsing.indicator_number(row.get("indikator"))
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "indikator", str(exc)))
            continue
        if number not in numbers:
            errors.append(
                RowError(row.line, "indikator", f"indikator {number} finnes ikke i settet")
            )
            continue
        code = row.get("enhet") or (default_unit_code if wide else "")
        if not code:
            errors.append(RowError(row.line, "enhet", "enhetskoden mangler"))
            continue
        if not check_unit(row, "enhet", code):
            continue
        if wide:
            for column in parsing.year_columns(header):
                if row.get(column):
                    add(row, number, code, int(column), column, row.get(column), {})
            continue
        try:
            year = parsing.parse_year(row.get("ar"))
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "ar", str(exc)))
            continue
        extra = {"merknad": row.get("merknad"), "mangler_arsak": row.get("mangler_arsak")}
        try:
            extra["forelopig"] = parsing.parse_bool(row.get("forelopig"))
            extra["brudd"] = parsing.parse_bool(row.get("brudd"))
        except parsing.CellError as exc:
            errors.append(RowError(row.line, "forelopig/brudd", str(exc)))
            continue
        add(row, number, code, year, "verdi", row.get("verdi"), extra)
    if errors:
        raise InvalidRows(errors)
    return parsed


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
    parsed = _parse_values(header, rows, sett, default_unit_code, allowed_units)
    result = store_values(sett, parsed, user=user)
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
    return result


def store_values(sett, parsed: list[parsing.ParsedValue], *, user=None) -> dict:
    """Upsert parsed values (two queries plus the bulk writes)."""
    indicators = {i.number: i for i in sett.indikatorer.all()}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p.unit_code for p in parsed})}
    existing = {
        (v.indikator_id, v.unit_id, v.year): v
        for v in Verdi.objects.filter(
            indikator__sett=sett, unit__in=units.values(),
            year__in={p.year for p in parsed},
        )
    }
    new, changed = [], []
    fields = ["value", "missing_reason", "merknad", "provisional", "break_in_series",
              "updated_by"]
    for p in parsed:
        ind, unit = indicators[p.number], units[p.unit_code]
        attrs = {
            "value": p.value, "missing_reason": p.missing_reason, "merknad": p.merknad,
            "provisional": p.provisional, "break_in_series": p.break_in_series,
            "updated_by": user,
        }
        verdi = existing.get((ind.pk, unit.pk, p.year))
        if verdi is None:
            new.append(Verdi(indikator=ind, unit=unit, year=p.year, **attrs))
            continue
        if any(getattr(verdi, k) != v for k, v in attrs.items() if k != "updated_by"):
            for k, v in attrs.items():
                setattr(verdi, k, v)
            changed.append(verdi)
    Verdi.objects.bulk_create(new)
    if changed:
        Verdi.objects.bulk_update(changed, fields)
    return {"created": len(new), "updated": len(changed), "rows": len(parsed)}


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
