"""Mapping rounds: creation and the state machine planned → open → closed → published."""

from __future__ import annotations

import re
from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone

from rusfelt.core import audit
from rusfelt.core.locking import Busy, lock_rows
from rusfelt.core.models import AuditAction, Niva, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role

from ..domain.levels import TJENESTER
from ..models import Runde, State, results_changed
from .errors import KartleggingError
from .publication import publish, withdraw

CODE_RE = re.compile(r"^(?P<unit>\d{4}|\d{6})-(?P<year>\d{4})$")


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
    reference_date = reference_date or date(year, 12, 31)
    # A unit that ended at a reform is still in its successor's scope (core.scoping),
    # for its history; a new round belongs to the unit valid on the reference date.
    if (unit.valid_to and reference_date > unit.valid_to) or (
            unit.valid_from and reference_date < unit.valid_from):
        raise KartleggingError(
            f"{unit.name} ({unit.code}) fantes ikke {reference_date:%d.%m.%Y} "
            "(se enhetens gyldighet); lag runden for enheten som gjaldt da.")
    runde = Runde.objects.create(
        code=f"{unit.code}-{year}", unit=unit, year=year,
        reference_date=reference_date, opens=opens, deadline=deadline,
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
    # Serialised with imports and registrations on the round's row: closing
    # waits for an import that is being stored (core.locking).
    try:
        [fresh] = lock_rows(Runde.objects.filter(pk=runde.pk), "state")
    except Busy:
        raise KartleggingError(
            "Runden er opptatt: en import lagres nå. Prøv igjen om litt.") from None
    if fresh.state != runde.state:
        raise KartleggingError("Runden ble endret av noen andre. Last siden på nytt.")
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
    results_changed()  # update() sends no post_save (models.Resultatstand)
    if new_state == State.PUBLISHED:
        runde.published_at = timezone.now()
        runde.save(update_fields=["published_at"])
        publish(runde, user=user, request=request)  # joint suppression + intruder
        # The results page's charts, once the figures are committed: its first view
        # reads them (issue 12). A failure here loses no publication.
        transaction.on_commit(partial(prerender_charts, runde), robust=True)
    elif old == State.PUBLISHED:
        runde.published_at = None
        runde.save(update_fields=["published_at"])
        withdraw(runde)
    detail = {"from": old, "to": new_state}
    if reason:
        detail["reason"] = reason[:500]
    audit.record(AuditAction.UPDATE, request=request, user=user, obj=runde,
                 username="" if user else "kommandolinje", detail=detail)
    return runde


def prerender_charts(runde: Runde) -> None:
    """Render the charts of ``runde``'s results page (``presentation.prerender``)."""
    # Imported here: presentation reads the results through this package.
    from ..presentation import prerender

    prerender(runde)
