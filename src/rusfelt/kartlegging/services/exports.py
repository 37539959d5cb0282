"""The municipality's own pseudonymised record-level export (audited)."""

from __future__ import annotations

import csv
import io

from rusfelt.core import audit
from rusfelt.core.models import AuditAction

from ..domain.levels import AREAS
from ..models import Registrering, Runde
from .imports import FLAG_COLUMNS

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
