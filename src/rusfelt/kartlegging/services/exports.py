"""The municipality's own pseudonymised record-level export (audited)."""

from __future__ import annotations

import io
from itertools import chain

from rusfelt.core import audit
from rusfelt.core.dokumenter import sheets
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
    rows = Registrering.objects.filter(runde=runde).order_by("pk").values_list(*RECORD_FIELDS)
    stream = io.StringIO()
    n = sheets.write_csv(stream, chain([RECORD_FIELDS], rows.iterator())) - 1
    audit.record(AuditAction.EXPORT, request=request, user=user, obj=runde,
                 detail={"export": "registreringer_csv", "rows": n})
    return stream.getvalue()
