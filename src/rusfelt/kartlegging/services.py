"""Writes and reads of kartlegging: rounds, registrations, import, results.

Each write runs in a transaction and is audited through ``core.audit``. The
fødselsnummer enters here only as an argument, is turned into a pseudonym,
age and sex, and is never stored, logged or put in an error message.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rusfelt.core import audit
from rusfelt.core.models import AuditAction, Niva, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role
from rusfelt.core.services import rate_per_1000_adults

from . import results as results_mod
from .domain.classification import is_rop
from .domain.levekarsindeks import levekarsindeks
from .domain.levels import (
    ANBEFALTE_TILTAK,
    AREAS,
    BARN_KONTAKT,
    BOSITUASJON,
    FODESTED,
    KATEGORIER,
    KOMMUNALE_TJENESTER,
    SPESIALIST_TJENESTER,
    TJENESTER,
    parse_choice,
    parse_level,
    parse_multi,
    parse_yes_no,
)
from .domain.person import InvalidNumber, compact, person_from_number
from .domain.pseudonym import pseudonym
from .domain.shares import share
from .models import Registrering, Runde, RundeResultat, State, Tjeneste

CODE_RE = re.compile(r"^(?P<unit>\d{4}|\d{6})-(?P<year>\d{4})$")

REQUIRED_COLUMNS = ["fodselsnummer", "tjeneste", "kategori", *AREAS]
FLAG_COLUMNS = [
    "varighet_over_3_ar", "selvmordsforsok", "selvmordsfare", "overdose", "overdosefare",
    "vold_utsatt", "vold_utover", "individuell_plan", "tiltaksplan", "kriseplan",
    "ansvarsgruppe", "koordinator",
]
CHOICE_COLUMNS = {"fodested": FODESTED, "bosituasjon": BOSITUASJON,
                  "barn_kontakt": BARN_KONTAKT}
MULTI_COLUMNS = {"kommunale_tjenester": KOMMUNALE_TJENESTER,
                 "spesialist_tjenester": SPESIALIST_TJENESTER,
                 "anbefalte_tiltak": ANBEFALTE_TILTAK}
OPTIONAL_COLUMNS = [*FLAG_COLUMNS, *CHOICE_COLUMNS, *MULTI_COLUMNS, "antall_barn",
                    "informert", "ikke_informert_grunn"]


class KartleggingError(ValueError):
    """A refused action, with a bokmål message safe to show (no fødselsnummer)."""


class DuplicateRegistration(KartleggingError):
    def __init__(self, tjeneste: str):
        self.tjeneste = tjeneste
        label = dict(Tjeneste.choices).get(tjeneste, tjeneste)
        super().__init__(
            f"Personen er allerede registrert i denne runden, av tjenesten «{label}»."
        )


def pseudonym_key() -> str:
    return getattr(settings, "RUSFELT_PSEUDONYM_KEY", "")


def pseudonym_for(number: str, runde: Runde) -> str:
    return pseudonym(compact(number), runde.code, pseudonym_key())


# --- Rounds ---------------------------------------------------------------------


def parse_round_code(code: str) -> tuple[OrgUnit, int]:
    match = CODE_RE.match(code.strip())
    if not match:
        raise KartleggingError("Rundekoden må ha formen <enhetskode>-<år>, f.eks. 030104-2019.")
    unit = OrgUnit.objects.filter(code=match["unit"]).first()
    if unit is None:
        raise KartleggingError(f"Enheten {match['unit']} finnes ikke.")
    if unit.level not in (Niva.KOMMUNE, Niva.BYDEL):
        raise KartleggingError("En runde hører til en kommune eller bydel.")
    return unit, int(match["year"])


@transaction.atomic
def create_round(code: str, *, hjemmel: str, formal: str, dpia_ref: str,
                 tjenester: list[str] | None = None, reference_date: date | None = None,
                 opens: date | None = None, deadline: date | None = None,
                 state: str = State.OPEN, user=None, request=None) -> Runde:
    """Create a round; it cannot open without legal basis, purpose and DPIA."""
    unit, year = parse_round_code(code)
    missing = [label for label, value in (("hjemmel", hjemmel), ("formål", formal),
                                          ("DPIA-referanse", dpia_ref)) if not value.strip()]
    if missing:
        raise KartleggingError("Runden mangler " + ", ".join(missing) + ".")
    tjenester = list(tjenester or TJENESTER)
    bad = [t for t in tjenester if t not in TJENESTER]
    if bad or not tjenester:
        raise KartleggingError("Ukjent tjeneste; bruk " + ", ".join(TJENESTER) + ".")
    if Runde.objects.filter(code=f"{unit.code}-{year}").exists():
        raise KartleggingError(f"Runden {unit.code}-{year} finnes allerede.")
    runde = Runde.objects.create(
        code=f"{unit.code}-{year}", unit=unit, year=year,
        reference_date=reference_date or date(year, 12, 31), opens=opens, deadline=deadline,
        state=state, hjemmel=hjemmel.strip(), formal=formal.strip(), dpia_ref=dpia_ref.strip(),
        tjenester=tjenester, created_by=user,
    )
    audit.record(AuditAction.CREATE, request=request, user=user, obj=runde,
                 username="" if user else "kommandolinje", detail={"state": state})
    return runde


TRANSITIONS = {
    (State.PLANNED, State.OPEN), (State.OPEN, State.CLOSED), (State.CLOSED, State.OPEN),
    (State.CLOSED, State.PUBLISHED),
    # Reopening a published round: administrators only, with a reason.
    (State.PUBLISHED, State.OPEN), (State.PUBLISHED, State.CLOSED),
}


@transaction.atomic
def change_state(runde: Runde, new_state: str, *, user=None, reason: str = "",
                 request=None) -> Runde:
    old = runde.state
    if (old, new_state) not in TRANSITIONS:
        raise KartleggingError(
            f"Runden kan ikke gå fra «{State(old).label}» til «{State(new_state).label}».")
    if new_state == State.OPEN and not (runde.hjemmel and runde.formal and runde.dpia_ref):
        raise KartleggingError("Runden kan ikke åpnes uten hjemmel, formål og DPIA-referanse.")
    if old == State.PUBLISHED:
        if user is not None and not has_role(user, runde.unit, Role.ADMINISTRATOR):
            raise PermissionError("Bare en administrator kan gjenåpne en publisert runde.")
        if not reason.strip():
            raise KartleggingError("Oppgi en begrunnelse for å gjenåpne runden.")
        if runde.records_deleted_at:
            raise KartleggingError("Registreringene er slettet etter lagringstiden.")
    # Optimistic lock: go on only if nobody moved the round meanwhile.
    changed = Runde.objects.filter(pk=runde.pk, state=old).update(state=new_state)
    if not changed:
        raise KartleggingError("Runden ble endret av noen andre. Last siden på nytt.")
    runde.state = new_state
    if new_state == State.PUBLISHED:
        runde.published_at = timezone.now()
        runde.save(update_fields=["published_at"])
        store_result(runde)
        _notify_indikatorer(runde)
    elif old == State.PUBLISHED:
        runde.published_at = None
        runde.save(update_fields=["published_at"])
    detail = {"from": old, "to": new_state}
    if reason:
        detail["reason"] = reason[:500]
    audit.record(AuditAction.UPDATE, request=request, user=user, obj=runde,
                 username="" if user else "kommandolinje", detail=detail)
    return runde


def store_result(runde: Runde) -> RundeResultat:
    data = compute_results(runde)
    obj, _ = RundeResultat.objects.update_or_create(
        runde=runde, defaults={"data": data, "levekarsindeks_regel": runde.levekarsindeks_regel})
    return obj


def indicator_values(runde: Runde, data: dict) -> dict:
    n = data["n"]
    c = results_mod.count

    def pct(value):
        return share(value, n)

    rate = data.get("rate_per_1000")
    return {
        "andel_levekarsindeks_gronn": pct(c(data, "levekarsindeks", "totalt", "gronn")),
        "andel_rod_blalys": pct(c(data, "levekarsindeks", "totalt", "rod")
                                + c(data, "levekarsindeks", "totalt", "blalys")),
        "andel_bostedslos": pct(c(data, "levekarsomrader", "bolig", "rod")),
        "andel_individuell_plan": pct(c(data, "planer", "individuell_plan", "ja")),
        "rate_per_1000": Decimal(rate) if rate is not None else None,
    }


def _notify_indikatorer(runde: Runde) -> None:
    """Hand the round's key shares to indikatorer, if that app offers the hook.

    When this publication completes a kommune's bydeler for the year, the
    kommune's totals (the sum of its bydeler) are handed on as well.
    """
    try:
        from rusfelt.indikatorer.services import record_kartlegging_values
    except ImportError:
        return
    from . import presentation

    data = runde.resultat.data
    if data["n"]:
        record_kartlegging_values(unit=runde.unit, year=runde.year,
                                  values=indicator_values(runde, data),
                                  rule=runde.levekarsindeks_regel)
    kommune = runde.unit.parent
    if runde.unit.level == Niva.BYDEL and kommune and presentation.all_bydeler_published(
            kommune, runde.year):
        total = presentation.area_results_raw(kommune, runde.year)
        if total and total["n"]:
            record_kartlegging_values(unit=kommune, year=runde.year,
                                      values=indicator_values(runde, total),
                                      rule=runde.levekarsindeks_regel)


# --- Registrations ----------------------------------------------------------------


@dataclass
class Cleaned:
    """One validated registration, without the number: pseudonym + derived values."""

    pseudonym: str
    values: dict


def derived(values: dict, rule: str) -> dict:
    levels = [parse_level(values[a]) for a in AREAS]
    return {
        "levekarsindeks": levekarsindeks(levels, rule),
        "levekarsindeks_regel": rule,
        "rop": is_rop(parse_level(values["rusmiddelbruk"]), parse_level(values["psykisk_helse"])),
    }


def check_open_for(runde: Runde, tjeneste: str) -> None:
    if runde.state != State.OPEN:
        raise KartleggingError("Runden er ikke åpen for registrering.")
    if tjeneste not in runde.tjenester:
        raise KartleggingError("Tjenesten kan ikke registrere i denne runden.")


def existing_holder(runde: Runde, pseudo: str) -> str | None:
    return (Registrering.objects.filter(runde=runde, pseudonym=pseudo)
            .values_list("tjeneste", flat=True).first())


@transaction.atomic
def register(runde: Runde, number: str, values: dict, *, user=None, request=None
             ) -> Registrering:
    """Register one person. ``values`` hold the form's cleaned fields (no number)."""
    check_open_for(runde, values["tjeneste"])
    person = person_from_number(number, runde.reference_date)
    pseudo = pseudonym_for(number, runde)
    holder = existing_holder(runde, pseudo)
    if holder:
        raise DuplicateRegistration(holder)
    registrering = Registrering(
        runde=runde, pseudonym=pseudo, alder=person.age, kjonn=person.sex,
        created_by=user, **values, **derived(values, runde.levekarsindeks_regel),
    )
    try:
        with transaction.atomic():
            registrering.save()
    except IntegrityError:  # a concurrent registration of the same person
        raise DuplicateRegistration(existing_holder(runde, pseudo) or "") from None
    audit.record(AuditAction.CREATE, request=request, user=user, obj=registrering,
                 unit=runde.unit, detail={"runde": runde.code})
    return registrering


@transaction.atomic
def update_registration(registrering: Registrering, values: dict, *, user, reason: str,
                        request=None) -> Registrering:
    """Correct a registration (right of correction); the reason is logged."""
    if not reason.strip():
        raise KartleggingError("Oppgi en begrunnelse for rettingen.")
    changed = [k for k, v in values.items() if getattr(registrering, k) != v]
    for key, value in values.items():
        setattr(registrering, key, value)
    for key, value in derived(
            {a: getattr(registrering, a) for a in AREAS},
            registrering.runde.levekarsindeks_regel).items():
        setattr(registrering, key, value)
    registrering.save()
    audit.record(AuditAction.UPDATE, request=request, user=user, obj=registrering,
                 unit=registrering.runde.unit,
                 detail={"fields": changed, "reason": reason[:500], "innsyn": True})
    return registrering


@transaction.atomic
def delete_registration(registrering: Registrering, *, user, reason: str, request=None) -> None:
    if not reason.strip():
        raise KartleggingError("Oppgi en begrunnelse for slettingen.")
    audit.record(AuditAction.DELETE, request=request, user=user, obj=registrering,
                 unit=registrering.runde.unit,
                 detail={"reason": reason[:500], "runde": registrering.runde.code})
    registrering.delete()


def find_person(number: str, rounds) -> list[Registrering]:
    """Registrations of the person with ``number`` in ``rounds`` (right of access).

    Computes each round's pseudonym; the number itself is never queried.
    """
    value = compact(number)
    pairs = {pseudonym(value, r.code, pseudonym_key()): r.pk for r in rounds}
    found = Registrering.objects.filter(pseudonym__in=list(pairs)).select_related("runde__unit")
    return [reg for reg in found if pairs.get(reg.pseudonym) == reg.runde_id]


# --- Import -----------------------------------------------------------------------


def clean_row(row, runde: Runde, errors: list):
    """Validate one import row; append RowErrors; return (number, values, person) or None."""
    from rusfelt.core.domain.tabular import RowError

    start = len(errors)
    values: dict = {}
    number = row.get("fodselsnummer")
    person = None
    try:
        person = person_from_number(number, runde.reference_date)
    except InvalidNumber as exc:
        errors.append(RowError(row.line, "fodselsnummer", str(exc)))
    try:
        values["tjeneste"] = parse_choice(row.get("tjeneste"), TJENESTER, blank_ok=False)
        if values["tjeneste"] not in runde.tjenester:
            errors.append(RowError(row.line, "tjeneste",
                                   "tjenesten kan ikke registrere i denne runden"))
    except ValueError as exc:
        errors.append(RowError(row.line, "tjeneste", str(exc)))
    try:
        values["kategori"] = parse_choice(row.get("kategori"), KATEGORIER, blank_ok=False)
    except ValueError as exc:
        errors.append(RowError(row.line, "kategori", str(exc)))
    for area in AREAS:
        try:
            values[area] = parse_level(row.get(area)).key
        except ValueError as exc:
            errors.append(RowError(row.line, area, str(exc)))
    for column in FLAG_COLUMNS:
        try:
            values[column] = parse_yes_no(row.get(column))
        except ValueError as exc:
            errors.append(RowError(row.line, column, str(exc)))
    for column, allowed in CHOICE_COLUMNS.items():
        try:
            values[column] = parse_choice(row.get(column), allowed)
        except ValueError as exc:
            errors.append(RowError(row.line, column, str(exc)))
    for column, allowed in MULTI_COLUMNS.items():
        try:
            values[column] = " ".join(parse_multi(row.get(column), allowed))
        except ValueError as exc:
            errors.append(RowError(row.line, column, str(exc)))
    text = row.get("antall_barn")
    if text and not text.isdigit():
        errors.append(RowError(row.line, "antall_barn", "må være et helt tall"))
    else:
        values["antall_barn"] = int(text or 0)
    try:
        values["informert"] = parse_yes_no(row.get("informert"), default=False)
    except ValueError as exc:
        errors.append(RowError(row.line, "informert", str(exc)))
    values["ikke_informert_grunn"] = row.get("ikke_informert_grunn")[:300]
    return None if len(errors) > start else (number, values, person)


def import_registrations(runde: Runde, data: bytes, filename: str = "", *, user=None,
                         request=None, progress=None, dry_run: bool = False) -> int:
    """Import registrations from CSV/XLSX; all or nothing.

    Raises ``ImportErrors`` (every bad line and column, never the number) or
    ``TableError``. ``progress(done, total)`` is called every 1 000 rows.
    """
    from rusfelt.core.domain.tabular import ImportErrors, RowError, read_table, require_columns

    if runde.state != State.OPEN:
        raise KartleggingError("Runden er ikke åpen for registrering.")
    header, rows = read_table(data, filename)
    require_columns(header, REQUIRED_COLUMNS)
    errors: list = []
    objects = []
    seen: dict[str, int] = {}
    existing = set(Registrering.objects.filter(runde=runde)
                   .values_list("pseudonym", flat=True))
    secret = pseudonym_key()
    rule = runde.levekarsindeks_regel
    for i, row in enumerate(rows, start=1):
        if progress and i % 1000 == 0:
            progress(i, len(rows))
        cleaned = clean_row(row, runde, errors)
        if cleaned is None:
            continue
        number, values, person = cleaned
        value = compact(number)
        pseudo = pseudonym(value, runde.code, secret)
        if pseudo in seen:
            errors.append(RowError(row.line, "fodselsnummer",
                                   f"samme person som på linje {seen[pseudo]}"))
            continue
        if pseudo in existing:
            errors.append(RowError(row.line, "fodselsnummer",
                                   "personen er allerede registrert i runden"))
            continue
        seen[pseudo] = row.line
        objects.append(Registrering(
            runde=runde, pseudonym=pseudo, alder=person.age, kjonn=person.sex,
            created_by=user, **values, **derived(values, rule)))
    if progress:
        progress(len(rows), len(rows))
    if errors:
        raise ImportErrors(errors)
    if not objects:
        raise ImportErrors([RowError(2, "", "filen har ingen registreringer")])
    if dry_run:
        return len(objects)
    with transaction.atomic():
        Registrering.objects.bulk_create(objects, batch_size=2000)
        audit.record(AuditAction.IMPORT, request=request, user=user, obj=runde,
                     username="" if user else "kommandolinje",
                     detail={"import": "registreringer", "rows": len(objects)})
    return len(objects)


# --- Results ------------------------------------------------------------------------


def compute_results(runde: Runde) -> dict:
    """Neutral results of one round, computed in the database."""
    data = results_mod.compute(Registrering.objects.filter(runde=runde),
                               rule=runde.levekarsindeks_regel)
    rate = rate_per_1000_adults(data["n"], runde.unit, runde.year) if data["n"] else None
    data["rate_per_1000"] = str(rate) if rate is not None else None
    data["runde"] = runde.code
    return data


def results_for(runde: Runde) -> dict:
    """Stored aggregates of a published round, otherwise computed now."""
    if runde.state == State.PUBLISHED or runde.records_deleted_at:
        stored = RundeResultat.objects.filter(runde=runde).first()
        if stored:
            return stored.data
    return compute_results(runde)


def published_results(runde: Runde) -> dict:
    """Suppressed results for tables leaving the unit; the rate hides too when n is 1-4.

    A published round's tables cannot change until it is reopened (which
    clears ``published_at``), so they are cached under its publishing time.
    """
    from django.core.cache import cache

    key = None
    if runde.state == State.PUBLISHED and runde.published_at:
        key = f"kartlegging:pub:{runde.code}:{runde.pk}:{runde.published_at.timestamp()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    data = results_mod.suppress_results(results_for(runde))
    if data["n"] == ":":
        data["rate_per_1000"] = ":"
    if key:
        cache.set(key, data, 3600)
    return data


def results_csv(data: dict, stream) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["tabell", "rad", "kolonne", "verdi"])
    writer.writerow(["regel", "levekarsindeks", "navn", data.get("rule") or ""])
    for row in results_mod.csv_rows(data):
        writer.writerow(row)
    writer.writerow(["rate", "per_1000_16_ar", "verdi", data.get("rate_per_1000") or ".."])


def key_figures(unit, year: int) -> dict | None:
    """Published, suppressed key figures of ``unit`` and ``year`` (for planer and rapporter).

    A kommune without its own round gets the sum of its bydeler, but only
    when every bydel has published that year (a partial sum would mislead).
    Counts are strings, since a suppressed count is ``:``.
    """
    from . import presentation

    runde = Runde.objects.filter(unit=unit, year=year, state=State.PUBLISHED).first()
    if runde is not None:
        raw, shown, rule = results_for(runde), published_results(runde), \
            runde.levekarsindeks_regel
    elif unit.level == Niva.KOMMUNE and presentation.all_bydeler_published(unit, year):
        raw = presentation.area_results_raw(unit, year)
        shown = presentation.area_results(unit, year)
        rule = Runde.objects.filter(unit__parent=unit, year=year).values_list(
            "levekarsindeks_regel", flat=True).first()
    else:
        return None
    n = raw["n"]

    def pct(table, row, col, extra=()):
        counts = [(table, row, col), *extra]
        shown_values = [results_mod.count(shown, t, r, c) for t, r, c in counts]
        if ":" in shown_values:
            return ":"
        value = share(sum(results_mod.count(raw, t, r, c) for t, r, c in counts), n)
        return str(value) if value is not None else ".."

    return {
        "antall": str(shown["n"]),
        "rate_per_1000": shown.get("rate_per_1000") or "..",
        "andel_levekarsindeks_gronn": pct("levekarsindeks", "totalt", "gronn"),
        "andel_rod_blalys": pct("levekarsindeks", "totalt", "rod",
                                [("levekarsindeks", "totalt", "blalys")]),
        "andel_bostedslos": pct("levekarsomrader", "bolig", "rod"),
        "andel_individuell_plan": pct("planer", "individuell_plan", "ja"),
        "levekarsindeks_regel": rule,
    }


# --- Exports and retention ----------------------------------------------------------

RECORD_FIELDS = ["pseudonym", "tjeneste", "alder", "kjonn", "kategori", *AREAS,
                 "levekarsindeks", "levekarsindeks_regel", "rop", *FLAG_COLUMNS,
                 "fodested", "bosituasjon", "antall_barn", "barn_kontakt",
                 "kommunale_tjenester", "spesialist_tjenester", "anbefalte_tiltak", "informert"]


def export_records_csv(runde: Runde, *, user, request=None) -> str:
    """The round's pseudonymised record-level data as CSV; audited."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(RECORD_FIELDS)
    rows = Registrering.objects.filter(runde=runde).order_by("pk").values_list(*RECORD_FIELDS)
    n = 0
    for row in rows.iterator():
        writer.writerow(["" if v is None else v for v in row])
        n += 1
    audit.record(AuditAction.EXPORT, request=request, user=user, obj=runde,
                 detail={"export": "registreringer_csv", "rows": n})
    return stream.getvalue()


@transaction.atomic
def apply_retention(now=None, *, user=None) -> list[tuple[str, int]]:
    """Delete record-level data of rounds published longer ago than the retention period.

    The aggregates (RundeResultat) are kept; each deletion is logged.
    """
    from datetime import timedelta

    now = now or timezone.now()
    days = getattr(settings, "RUSFELT_RETENTION_DAYS", 365)
    due = Runde.objects.filter(state=State.PUBLISHED, records_deleted_at__isnull=True,
                               published_at__lte=now - timedelta(days=days))
    done = []
    for runde in due:
        if not RundeResultat.objects.filter(runde=runde).exists():
            store_result(runde)
        count, _ = Registrering.objects.filter(runde=runde).delete()
        runde.records_deleted_at = now
        runde.save(update_fields=["records_deleted_at"])
        audit.record(AuditAction.DELETE, user=user, obj=runde,
                     username="" if user else "lagringstid",
                     detail={"retention_days": days, "rows": count})
        done.append((runde.code, count))
    return done
