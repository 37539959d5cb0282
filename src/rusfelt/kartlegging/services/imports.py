"""Import of registrations from CSV or XLSX, validated row by row, all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from rusfelt.core import audit
from rusfelt.core.domain.tabular import InvalidRows, RowError, read_table, require_columns
from rusfelt.core.locking import Busy, lock_rows
from rusfelt.core.models import AuditAction
from rusfelt.core.uploads import limits
from rusfelt.screening import mapping as screening

from ..domain.levels import (
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
from ..domain.person import InvalidNumber, compact, person_from_number
from ..domain.pseudonym import pseudonym
from ..models import Registrering, Runde, State
from .errors import KartleggingError
from .registrations import derived, pseudonym_key

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
                    "informert", "ikke_informert_grunn", *screening.COLUMNS]


@sensitive_variables()
def clean_row(row, runde: Runde, errors: list):
    """Validate one import row; append RowErrors; return (number, values, person) or None."""
    start = len(errors)
    values: dict = {}
    number = row.get("fodselsnummer")
    person = None
    try:
        person = person_from_number(
            number, runde.reference_date,
            allow_synthetic=getattr(settings, "RUSFELT_ALLOW_SYNTHETIC_NUMBERS", False))
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
    # Optional AUDIT/DUDIT results (screening app); kept apart from the model's values.
    # ``values["screening"]`` is popped before the model is built.
    values["screening"] = screening.clean_import_row(row, person.sex if person else None, errors)
    return None if len(errors) > start else (number, values, person)


@sensitive_variables()
def import_registrations(runde: Runde, data: bytes, filename: str = "", *, user=None,
                         request=None, progress=None, dry_run: bool = False) -> int:
    """Import registrations from CSV/XLSX; all or nothing.

    Raises ``InvalidRows`` (every bad line and column, never the number),
    ``TableError`` (unreadable or over a limit of ``core.uploads.limits()``) or
    ``KartleggingError``. ``progress(done, total)`` is called every 1 000 rows.

    The file is checked first; then, in one transaction, the round's row is
    locked (``core.locking``), its state is read again and the people already
    registered are read again, so an import cannot land in a round closed
    meanwhile, and a concurrent import of the same people gets the duplicate
    message. ``sensitive_variables``: no traceback shows this function's
    locals or those of anything it calls (the file's numbers).
    """
    if runde.state != State.OPEN:
        raise KartleggingError("Runden er ikke åpen for registrering.")
    header, rows = read_table(data, filename, limits())
    require_columns(header, REQUIRED_COLUMNS)
    errors: list = []
    objects = []
    screenings = []  # per object: its screening results (screening.mapping)
    seen: dict[str, int] = {}
    secret = pseudonym_key()
    rule = runde.levekarsindeks_regel
    for i, row in enumerate(rows, start=1):
        if progress and i % 1000 == 0:
            progress(i, len(rows))
        cleaned = clean_row(row, runde, errors)
        if cleaned is None:
            continue
        number, values, person = cleaned
        row_screening = values.pop("screening")
        value = compact(number)
        pseudo = pseudonym(value, runde.code, secret)
        if pseudo in seen:
            errors.append(RowError(row.line, "fodselsnummer",
                                   f"samme person som på linje {seen[pseudo]}"))
            continue
        seen[pseudo] = row.line
        objects.append(Registrering(
            runde=runde, pseudonym=pseudo, alder=person.age, kjonn=person.sex,
            created_by=user, **values, **derived(values, rule)))
        screenings.append(row_screening)
    if progress:
        progress(len(rows), len(rows))
    if errors:
        raise InvalidRows(errors)
    if not objects:
        raise InvalidRows([RowError(2, "", "filen har ingen registreringer")])
    with transaction.atomic():
        try:
            [current] = lock_rows(Runde.objects.filter(pk=runde.pk), "state")
        except Busy:
            raise KartleggingError(
                "Runden er opptatt med en annen import. Prøv igjen om litt.") from None
        if current.state != State.OPEN:
            raise KartleggingError("Runden er ikke åpen for registrering (den ble lukket "
                                   "mens filen ble kontrollert). Ingenting er lagret.")
        existing = set(Registrering.objects.filter(runde=runde)
                       .values_list("pseudonym", flat=True))
        clashes = [RowError(seen[o.pseudonym], "fodselsnummer",
                            "personen er allerede registrert i runden")
                   for o in objects if o.pseudonym in existing]
        if clashes:
            raise InvalidRows(sorted(clashes, key=lambda e: e.line))
        if dry_run:
            return len(objects)
        try:
            with transaction.atomic():
                Registrering.objects.bulk_create(objects, batch_size=2000)
        except IntegrityError:  # a registration of one of them committed meanwhile
            raise KartleggingError(
                "Noen av personene ble registrert i runden mens filen ble lest inn. "
                "Ingenting er lagret; last inn filen på nytt for å se hvilke.") from None
        n_screening = screening.bulk_attach(
            [(obj, s) for obj, s in zip(objects, screenings, strict=True) if s], user=user)
        audit.record(AuditAction.IMPORT, request=request, user=user, obj=runde,
                     username="" if user else "kommandolinje",
                     detail={"import": "registreringer", "rows": len(objects),
                             "screening": n_screening})
    return len(objects)
