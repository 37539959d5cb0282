"""Registrations of one person in one round, and the right of access and correction.

The fødselsnummer enters only as an argument, is turned into a per-round
pseudonym, age and sex, and is never stored, logged or put in a message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from rusfelt.core import audit
from rusfelt.core.locking import Busy, lock_rows
from rusfelt.core.models import AuditAction

from ..domain.classification import is_rop
from ..domain.levekarsindeks import levekarsindeks
from ..domain.levels import AREAS, parse_level
from ..domain.person import compact, person_from_number
from ..domain.pseudonym import pseudonym
from ..models import Registrering, Runde, State
from .errors import DuplicateRegistration, KartleggingError


def pseudonym_key() -> str:
    return getattr(settings, "RUSFELT_PSEUDONYM_KEY", "")


def allow_synthetic() -> bool:
    """Skatteetaten's synthetic test numbers: demo and test settings only."""
    return getattr(settings, "RUSFELT_ALLOW_SYNTHETIC_NUMBERS", False)


@sensitive_variables()
def pseudonym_for(number: str, runde: Runde) -> str:
    return pseudonym(compact(number), runde.code, pseudonym_key())


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


@sensitive_variables()
@transaction.atomic
def register(runde: Runde, number: str, values: dict, *, user=None, request=None
             ) -> Registrering:
    """Register one person. ``values`` hold the form's cleaned fields (no number).

    The round's row is locked and its state read again, so a registration
    cannot land in a round closed meanwhile (core.locking).
    """
    try:
        [current] = lock_rows(Runde.objects.filter(pk=runde.pk), "state")
    except Busy:
        raise KartleggingError("Runden er opptatt med en import. Prøv igjen om litt.") from None
    check_open_for(current, values["tjeneste"])
    person = person_from_number(number, runde.reference_date, allow_synthetic=allow_synthetic())
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


@sensitive_variables()
def find_person(number: str, rounds) -> list[Registrering]:
    """Registrations of the person with ``number`` in ``rounds`` (right of access).

    Computes each round's pseudonym; the number itself is never queried.
    """
    value = compact(number)
    pairs = {pseudonym(value, r.code, pseudonym_key()): r.pk for r in rounds}
    found = Registrering.objects.filter(pseudonym__in=list(pairs)).select_related("runde__unit")
    return [reg for reg in found if pairs.get(reg.pseudonym) == reg.runde_id]
