"""Imports of indicator values and definitions: all or nothing, audited.

Used by the command line, the browser and the demo; ``services`` re-exports
the entry points.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import chain, repeat
from operator import itemgetter

from django.db import transaction
from django.utils import timezone

from rusfelt.core import audit, bulkload
from rusfelt.core.domain.tabular import (
    InvalidRows,
    ParsedColumn,
    RowError,
    read_records,
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

#: The columns ``store_values`` writes for a new value, in the order of its rows:
#: (indikator pk, unit pk, year, value as text, missing reason, merknad,
#: provisional, break, break reason).
VALUE_FIELDS = ["indikator", "unit", "year", "value", "missing_reason", "merknad",
                "provisional", "break_in_series", "break_reason"]
#: The fields the value table's queries choose rows by: what ``bulkload`` analyses
#: after a large import on PostgreSQL.
ANALYZED_COLUMNS = ["indikator", "unit", "year"]
#: The columns an import changes in a value already stored (``updated_by`` is set
#: beside them).
CHANGED_FIELDS = VALUE_FIELDS[3:]
#: Rows of a long file whose values are read and handed to the database at a time.
#: The database takes each batch (COPY on PostgreSQL) while the next one is read: at
#: national scale its loading, not Python's reading, is the longer (issue 12).
BATCH_ROWS = 10_000


class _Refused(Exception):
    """A file's rows refused while they were being loaded: ``errors`` are every bad
    cell, raised as ``InvalidRows`` once the load has been abandoned.

    Its own text names no cell: on PostgreSQL the exception that ends a COPY early is
    sent to the server in the COPY's failure message, which the server logs."""

    def __init__(self, errors: list[RowError]):
        super().__init__("rader avvist")
        self.errors = errors


def _value_cell(text: str) -> tuple:
    """(value as stored, missing reason, decimal places up to two) of a value cell, read
    once per distinct text (-1 places for no value: it settles nothing).

    The value is stored as ``str(Decimal)``: the text Django's SQLite adapter
    writes for a Decimal and PostgreSQL's ``numeric`` reads, given once per
    distinct text rather than converted on each of 300 000 rows.
    """
    value, missing = parsing.parse_value(text)
    if value is None:
        return None, missing, -1
    return str(value), missing, min(2, max(0, -value.as_tuple().exponent))


def _read_plain_values(memo, texts) -> None:
    """Put in ``memo`` (a ``ParsedColumn`` of ``_value_cell``) the answer to each plainly
    written value of ``texts`` it has not read yet, as ``_value_cell`` gives it.

    Most of a national file's values are distinct (some 47 000 texts in 100 000
    rows) and plainly written (``parsing.PLAIN_VALUE_RE``): read one by one
    through the memo's parser, with its layers of calls and the decimal places
    from ``Decimal.as_tuple``, they took more than twice the time they take
    here (0.36 against 0.16 s for those 47 000, issue 12). Such a text's value
    is ``Decimal`` of it with a point, and its places are the digits after the
    point; every other text is left for the memo's parser, with its messages.
    """
    plain = parsing.PLAIN_VALUE_RE.fullmatch
    for text in set(texts).difference(memo):
        if plain(text):
            number = text.replace(",", ".")
            point = number.find(".")
            memo[text] = (True, (str(Decimal(number)), "",
                                 min(2, len(number) - 1 - point) if point >= 0 else 0))


def _parse_values(header, records, sett, default_unit_code, allowed_units):
    """Check every row; returns (batches of rows to store, {indicator number: most
    decimal places}, (unit keys, years) of the rows).

    ``records`` are (line, cells) in the header's order (``read_records``);
    each row to store is a tuple in the order of ``VALUE_FIELDS``, the
    indicator and unit already their keys. Each column's distinct texts are
    read once (``ParsedColumn``): a national file repeats few indicator
    numbers, unit codes and years, and its values repeat too. Raises
    ``InvalidRows`` with every bad cell.

    A long file's value cells are read a batch of ``BATCH_ROWS`` at a time, as
    the batches are taken, so that the database loads one while the next is
    read; the decimal places are complete once every batch is taken. Every
    other column is checked before the first batch; a bad value cell, or a
    value that repeats one of an earlier row, ends the batches with
    ``_Refused`` (every bad cell of the file), which the caller raises as
    ``InvalidRows``.
    """
    indicator_pks = dict(sett.indikatorer.values_list("number", "pk"))
    unit_pks = dict(OrgUnit.objects.values_list("code", "pk"))
    errors: list[RowError] = []
    stored: list[tuple] = []
    seen: dict[tuple, int] = {}
    typed: dict[int, int] = {}

    def known_indicator(text):
        number = parsing.indicator_number(text)
        if number not in indicator_pks:
            raise parsing.CellError(f"indikator {number} finnes ikke i settet")
        return number, indicator_pks[number]

    def known_unit(text):
        code = text.strip() or default_unit_code
        if not code:
            raise parsing.CellError("enhetskoden mangler")
        if code not in unit_pks:
            raise parsing.CellError(f"ukjent enhet «{code}»")
        if allowed_units is not None and code not in allowed_units:
            raise parsing.CellError(f"du kan ikke registrere for enhet {code}")
        return unit_pks[code]

    def year(text):
        return parsing.parse_year(text.strip())

    def flag(text):
        return parsing.parse_bool(text.strip())

    indicators = ParsedColumn(known_indicator, parsing.CellError)
    units = ParsedColumn(known_unit, parsing.CellError)
    years = ParsedColumn(year, parsing.CellError)
    flags = ParsedColumn(flag, parsing.CellError)
    values = ParsedColumn(_value_cell, parsing.CellError)
    row_error = errors.append
    store = stored.append

    wide = parsing.is_wide(header)
    if not wide:
        require_columns(header, parsing.LONG_COLUMNS)
        default_unit_code = ""  # a long row names its unit
    # Each column's position (as a dict of the row would keep the last of a repeated name).
    column = {name: i for i, name in enumerate(header) if name}
    at_indicator, at_unit = column["indikator"], column.get("enhet")

    if wide:
        year_columns = [(column[name], name, int(name)) for name in parsing.year_columns(header)]
        for line, cells in records:
            ok, result = indicators[cells[at_indicator]]
            if not ok:
                row_error(RowError(line, "indikator", result))
                continue
            number, indikator = result
            ok, unit = units[cells[at_unit] if at_unit is not None else ""]
            if not ok:
                row_error(RowError(line, "enhet", unit))
                continue
            for at, name, year_ in year_columns:
                text = cells[at].strip()
                if not text:
                    continue
                ok, result = values[text]
                if not ok:
                    row_error(RowError(line, name, result))
                    continue
                key = (indikator, unit, year_)
                first = seen.setdefault(key, line)
                if first != line:
                    row_error(RowError(line, name, f"gjentar verdien fra linje {first}"))
                    continue
                value, missing, places = result
                if places > typed.get(number, -1):
                    typed[number] = places
                store((*key, value, missing, "", False, False, ""))
        if errors:
            raise InvalidRows(errors)
        return [stored], typed, ({row[1] for row in stored}, {row[2] for row in stored})

    at_year, at_value = column["ar"], column["verdi"]
    at_provisional, at_break = column.get("forelopig"), column.get("brudd")
    has_flags = at_provisional is not None or at_break is not None
    at_reason, at_merknad = column.get("mangler_arsak"), column.get("merknad")
    at_why = column.get("brudd_arsak")

    # The long layout column by column: each column's cells taken out and mapped through
    # its distinct texts' answers by ``map`` and ``zip``, so no Python runs per row.
    # Where any cell cannot be read or a value repeats, the rows are walked one by one
    # (``_long_errors``) for every message in line order.
    records = list(records)
    cells = list(map(itemgetter(1), records))

    def cells_of(at):
        return list(map(itemgetter(at), cells)) if at is not None else [""] * len(cells)

    def answers(memo, texts):
        """{text: answer} of the distinct ``texts``, or None if one cannot be read."""
        found = {text: memo[text] for text in set(texts)}
        if all(ok for ok, _ in found.values()):
            return {text: answer for text, (_ok, answer) in found.items()}
        return None

    indicator_texts, unit_texts = cells_of(at_indicator), cells_of(at_unit)
    year_texts, value_texts = cells_of(at_year), cells_of(at_value)
    flag_texts = (cells_of(at_provisional), cells_of(at_break)) if has_flags else ()
    indicator, unit = answers(indicators, indicator_texts), answers(units, unit_texts)
    year_ = answers(years, year_texts)
    flag = answers(flags, flag_texts[0] + flag_texts[1]) if has_flags else {}

    def refused():
        return _long_errors(records, column, indicators, units, years, flags, values,
                            has_flags)

    if None in (indicator, unit, year_, flag):
        raise InvalidRows(refused())
    indicator_key = {t: pk for t, (_n, pk) in indicator.items()}.__getitem__
    number_of = {t: number for t, (number, _pk) in indicator.items()}
    keys: set[tuple] = set()  # (indicator, unit, year) of the batches so far
    # The columns a file leaves out: repeat() is cut to each batch by zip.
    given_reasons = list(map(str.strip, cells_of(at_reason))) if at_reason is not None else None
    merknader = list(map(str.strip, cells_of(at_merknad))) if at_merknad is not None else None
    provisional = list(map(flag.__getitem__, flag_texts[0])) if has_flags else None
    breaks = list(map(flag.__getitem__, flag_texts[1])) if has_flags else None
    why = None
    if at_why is not None:  # a break's reason marks a break even where brudd is empty
        why = list(map(str.strip, cells_of(at_why)))
        breaks = list(map(_either, breaks or repeat(False), map(bool, why)))

    def column_of(cells_, start, end, missing):
        return cells_[start:end] if cells_ is not None else repeat(missing)

    def batches():
        for start in range(0, len(cells), BATCH_ROWS):
            end = start + BATCH_ROWS
            texts = value_texts[start:end]
            indicator_keys = list(map(indicator_key, indicator_texts[start:end]))
            unit_keys = list(map(unit.__getitem__, unit_texts[start:end]))
            year_list = list(map(year_.__getitem__, year_texts[start:end]))
            before = len(keys)
            keys.update(zip(indicator_keys, unit_keys, year_list, strict=True))
            _read_plain_values(values, texts)
            value = answers(values, texts)
            if value is None or len(keys) - before < len(texts):
                raise _Refused(refused())  # every bad cell of the file, in line order
            places_of = {t: places for t, (_v, _m, places) in value.items()}
            for number, places in set(zip(map(number_of.__getitem__,
                                              indicator_texts[start:end]),
                                          map(places_of.__getitem__, texts), strict=True)):
                if places > typed.get(number, -1):  # a missing value (-1) settles nothing
                    typed[number] = places
            reasons = map({t: missing for t, (_v, missing, _p) in value.items()}.__getitem__,
                          texts)
            if given_reasons is not None:  # a reason written in the file wins over the marker's
                reasons = map(_either, given_reasons[start:end], reasons)
            yield list(zip(
                indicator_keys, unit_keys, year_list,
                map({t: text for t, (text, _m, _p) in value.items()}.__getitem__, texts),
                reasons, column_of(merknader, start, end, ""),
                column_of(provisional, start, end, False), column_of(breaks, start, end, False),
                column_of(why, start, end, ""), strict=False,  # repeat(): left out
            ))

    return batches(), typed, (set(unit.values()), set(year_.values()))


def _either(first, second):
    return first or second


def _long_errors(records, column, indicators, units, years, flags, values, has_flags):
    """Every bad cell of a long file, row by row, each row's first fault as ``RowError``."""
    at_indicator, at_unit, at_year, at_value = (column[c] for c in parsing.LONG_COLUMNS)
    at_provisional, at_break = column.get("forelopig"), column.get("brudd")
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    for line, cells in records:
        ok, result = indicators[cells[at_indicator]]
        if not ok:
            errors.append(RowError(line, "indikator", result))
            continue
        ok, unit = units[cells[at_unit]]
        if not ok:
            errors.append(RowError(line, "enhet", unit))
            continue
        ok, year = years[cells[at_year]]
        if not ok:
            errors.append(RowError(line, "ar", year))
            continue
        if has_flags:
            ok_f, provisional = flags[cells[at_provisional] if at_provisional is not None else ""]
            ok_b, break_in_series = flags[cells[at_break] if at_break is not None else ""]
            if not (ok_f and ok_b):
                errors.append(RowError(line, "forelopig/brudd",
                                       provisional if not ok_f else break_in_series))
                continue
        ok, message = values[cells[at_value]]
        if not ok:
            errors.append(RowError(line, "verdi", message))
            continue
        first = seen.setdefault((result[1], unit, year), line)
        if first != line:
            errors.append(RowError(line, "verdi", f"gjentar verdien fra linje {first}"))
    return errors


@bulkload.without_cycle_collection()
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
    header, records = read_records(data, filename, limits())
    batches, places, (units, years) = _parse_values(header, records, sett, default_unit_code,
                                                    allowed_units)
    try:
        result = _store(sett, batches, units, years, user=user, places=places)
    except _Refused as refused:  # a bad value found while the rows were loading
        raise InvalidRows(refused.errors) from None
    result["layout"] = "bred" if parsing.is_wide(header) else "lang"
    if dry_run:
        transaction.set_rollback(True)
        return result
    audit.record(
        AuditAction.IMPORT, request=request, user=user,
        unit=OrgUnit.objects.get(pk=units.pop()) if len(units) == 1 else None,
        detail={"import": "indikatorverdier", "sett": sett.slug,
                "created": result["created"], "updated": result["updated"]},
    )
    # The columns the pages choose values by: on PostgreSQL a whole ANALYZE of the value
    # table (12 columns) after each file was about 1 s of a national import (issue 12).
    bulkload.analyze_after_load(Verdi, result["created"], columns=ANALYZED_COLUMNS)
    return result


def store_values(sett, parsed: list[parsing.ParsedValue], *, user=None,
                 places: dict[int, int] | None = None) -> dict:
    """Upsert parsed values: one read, the new values in one bulk load, the changed in one.

    ``places``: {indicator number: the most decimal places any of its values
    was written with}, when the caller has counted them.
    """
    indicators = dict(sett.indikatorer.values_list("number", "pk"))
    units = dict(OrgUnit.objects.filter(code__in={p.unit_code for p in parsed})
                 .values_list("code", "pk"))
    rows = [(indicators[p.number], units[p.unit_code], p.year,
             None if p.value is None else str(p.value), p.missing_reason, p.merknad,
             p.provisional, p.break_in_series, p.break_reason) for p in parsed]
    if places is None:
        places = {}
        for p in parsed:
            if p.value is not None:
                written = min(2, max(0, -p.value.as_tuple().exponent))
                places[p.number] = max(places.get(p.number, 0), written)
    return _store(sett, [rows], {row[1] for row in rows}, {row[2] for row in rows},
                  user=user, places=places)


def _store(sett, batches: Iterable[list[tuple]], units: set[int], years: set[int], *, user,
           places: dict[int, int]) -> dict:
    """Upsert the rows of ``batches`` (tuples in the order of ``VALUE_FIELDS``, for
    ``units`` and ``years``): one read of the values already stored, the new ones in
    one bulk load, the changed ones in one bulk update.

    New values go through ``core.bulkload`` (COPY on PostgreSQL, one prepared
    INSERT on SQLite) batch by batch, as ``_parse_values`` reads them;
    values already stored are compared and only the changed ones written
    (COPY to a temporary table and one UPDATE on PostgreSQL). The cached
    pages of the set are invalidated once. ``places`` is read after the load.
    """
    existing = {}
    if units:
        stored = Verdi.objects.filter(
            indikator__sett=sett, unit__in=units, year__in=years,
        ).values_list("indikator_id", "unit_id", "year", "pk", *CHANGED_FIELDS)
        existing = {(ind, unit, year): rest for ind, unit, year, *rest in stored.iterator()}
    changed = []
    counted = [0]

    def new_batches():
        for rows in batches:
            counted[0] += len(rows)
            if existing:
                new = []
                for row in rows:
                    old = existing.get(row[:3])
                    if old is None:
                        new.append(row)
                        continue
                    pk, *was = old
                    given = [None if row[3] is None else Decimal(row[3]), *row[4:]]
                    if was != given:  # Decimal("9.3000") == Decimal("9.3"): only real changes
                        changed.append((pk, *row[3:]))
                rows = new
            if rows:
                yield rows

    new = new_batches()
    first = next(new, None)  # no load at all where every row is stored already
    created = 0
    if first is not None:
        with transaction.atomic():
            created = bulkload.insert_rows(Verdi, VALUE_FIELDS,
                                           chain(first, chain.from_iterable(new)),
                                           constants={"updated_by": user,
                                                      "updated_at": timezone.now()})
    if changed:  # updated_by only, as bulk_update wrote them: updated_at is left as it was
        with transaction.atomic():
            bulkload.update_rows(Verdi, CHANGED_FIELDS, changed, constants={"updated_by": user})
    _settle_decimals(dict(sett.indikatorer.values_list("number", "pk")), places)
    Indikatorsett.values_changed(sett.pk)
    return {"created": created, "updated": len(changed), "rows": counted[0]}


def _settle_decimals(indicators: dict, typed: dict[int, int]) -> None:
    """Give each indicator without decimals the most any of its values was written with
    (at most two), so every year and unit prints alike: «9,0 %» beside «9,3 %», never
    «9 %» (issue 15). An indicator whose decimals are set keeps them."""
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
