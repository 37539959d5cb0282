"""Exports that leave the system, each audited: results and the record-level file.

The web and the command line call the same functions here, so both write
the same audit event (the command line as ``kommandolinje`` or the user
named with ``--bruker``).
"""

from __future__ import annotations

import io
from itertools import chain

from rusfelt.core import audit
from rusfelt.core.dokumenter import sheets
from rusfelt.core.models import AuditAction
from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role

from ..domain.levels import AREAS
from ..models import Registrering, Runde
from .errors import KartleggingError
from .imports import FLAG_COLUMNS
from .results import published_results
from .stored import results_for

RECORD_FIELDS = ["pseudonym", "tjeneste", "alder", "kjonn", "kategori", *AREAS,
                 "levekarsindeks", "levekarsindeks_regel", "rop", *FLAG_COLUMNS,
                 "fodested", "bosituasjon", "antall_barn", "barn_kontakt",
                 "kommunale_tjenester", "spesialist_tjenester", "anbefalte_tiltak", "informert"]


def export_records_csv(runde: Runde, *, user, request=None) -> str:
    """The round's pseudonymised record-level data as CSV; audited."""
    rows = Registrering.objects.filter(runde=runde).order_by("pk").values_list(*RECORD_FIELDS)
    stream = io.StringIO()
    n = sheets.write_csv(stream, chain([RECORD_FIELDS], rows.iterator())) - 1
    audit.record(AuditAction.EXPORT, request=request, user=user, obj=runde,
                 detail={"export": "registreringer_csv", "rows": n})
    return stream.getvalue()


def results_for_export(runde: Runde, *, fmt: str, unsuppressed: bool = False, user=None,
                       request=None) -> dict:
    """The round's results to be written as ``fmt``; audited.

    Suppressed (small numbers hidden) unless ``unsuppressed``, which needs a
    user holding the planner role on the round's unit (the same rule as the
    unit's own results page). Raises PermissionError otherwise.
    """
    if unsuppressed:
        if user is None or not has_role(user, runde.unit, Role.PLANLEGGER):
            raise PermissionError(
                "Upubliserte tall krever en bruker med rollen planlegger på enheten.")
        if runde.records_deleted_at and runde.state != "published":
            raise KartleggingError("Registreringene er slettet etter lagringstiden.")
        data = results_for(runde)
    else:
        data = published_results(runde)
    audit.record(AuditAction.EXPORT, request=request, user=user, obj=runde,
                 username="" if user else "kommandolinje",
                 detail={"export": f"resultater_{fmt}", "suppressed": not unsuppressed})
    return data
