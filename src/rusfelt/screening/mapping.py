"""Screening results in the mapping (issue #16, part 4): the registration
form's and the import's optional fields, and the writes.

Fields and columns, per instrument (AUDIT, DUDIT): ``<code>_sum`` (the
total) and ``<code>_dato`` (the day it was taken). Both or neither. The
category is derived from the total and the registration's legal sex.
"""

from __future__ import annotations

import random
from datetime import date

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rusfelt.core import audit
from rusfelt.core.domain.tabular import RowError
from rusfelt.core.models import AuditAction

from .domain import scoring
from .domain.instruments import INSTRUMENTS
from .models import ScreeningResultat

#: Import columns, all optional.
COLUMNS = [f"{code}_{part}" for code in scoring.MAPPING_INSTRUMENTS for part in ("sum", "dato")]


# --- The registration form ---------------------------------------------------


def add_form_fields(form: forms.Form) -> None:
    """Add the optional screening fields to kartlegging's registration form."""
    for code in scoring.MAPPING_INSTRUMENTS:
        instr = INSTRUMENTS[code]
        form.fields[f"{code}_sum"] = forms.IntegerField(
            label=_("%(name)s: sum") % {"name": instr.name}, required=False,
            min_value=0, max_value=instr.max_points,
            help_text=_("0–%(max)s. Tom hvis testen ikke er tatt.") % {"max": instr.max_points},
        )
        form.fields[f"{code}_dato"] = forms.DateField(
            label=_("%(name)s: dato") % {"name": instr.name}, required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )


def form_fields(form: forms.Form) -> list:
    return [form[name] for name in COLUMNS]


def clean_form(form: forms.Form) -> None:
    data = form.cleaned_data
    for code in scoring.MAPPING_INSTRUMENTS:
        total, day = data.get(f"{code}_sum"), data.get(f"{code}_dato")
        if total is not None and day is None:
            form.add_error(f"{code}_dato", _("Fyll inn datoen testen ble tatt."))
        elif total is None and day is not None and f"{code}_sum" not in form.errors:
            form.add_error(f"{code}_sum", _("Fyll inn summen, eller fjern datoen."))
        elif day is not None and day > date.today():
            form.add_error(f"{code}_dato", _("Datoen kan ikke være fram i tid."))


def form_values(form: forms.Form) -> list[tuple[str, int, date]]:
    data = form.cleaned_data
    return [(code, data[f"{code}_sum"], data[f"{code}_dato"])
            for code in scoring.MAPPING_INSTRUMENTS if data.get(f"{code}_sum") is not None]


# --- The import ----------------------------------------------------------------


def clean_import_row(row, sex: str | None, errors: list) -> list[tuple[str, int, date]]:
    """The screening columns of one import row; RowErrors appended (in bokmål)."""
    results = []
    for code in scoring.MAPPING_INSTRUMENTS:
        total_text = (row.get(f"{code}_sum") or "").strip()
        day_text = (row.get(f"{code}_dato") or "").strip()
        if not total_text and not day_text:
            continue
        total = day = None
        if not total_text:
            errors.append(RowError(row.line, f"{code}_sum", "mangler (datoen er fylt inn)"))
        elif not total_text.isdigit():
            errors.append(RowError(row.line, f"{code}_sum", "må være et helt tall"))
        else:
            total = int(total_text)
            if total > INSTRUMENTS[code].max_points:
                errors.append(RowError(row.line, f"{code}_sum",
                                       f"må være fra 0 til {INSTRUMENTS[code].max_points}"))
                total = None
        try:
            day = date.fromisoformat(day_text) if day_text else None
        except ValueError:
            errors.append(RowError(row.line, f"{code}_dato", "må være en dato (ÅÅÅÅ-MM-DD)"))
        else:
            if day is None:
                errors.append(RowError(row.line, f"{code}_dato", "mangler (summen er fylt inn)"))
            elif day > date.today():
                errors.append(RowError(row.line, f"{code}_dato", "kan ikke være fram i tid"))
                day = None
        if total is not None and day is not None and sex:
            results.append((code, total, day))
    return results


# --- Writes --------------------------------------------------------------------


def build(registrering, code: str, total: int, day: date, user=None) -> ScreeningResultat:
    result = scoring.mapping_result(code, total, registrering.kjonn)
    return ScreeningResultat(registrering=registrering, instrument=code, sum=result.sum,
                             kategori=result.kategori.value, dato=day, created_by=user)


@transaction.atomic
def attach(registrering, values, *, user=None, request=None) -> list[ScreeningResultat]:
    """Store the screening results of one registration (replacing earlier ones)."""
    saved = []
    for code, total, day in values:
        obj = build(registrering, code, total, day, user)
        ScreeningResultat.objects.filter(registrering=registrering, instrument=code).delete()
        obj.save()
        saved.append(obj)
    if saved:
        audit.record(AuditAction.CREATE, request=request, user=user, obj=registrering,
                     unit=registrering.runde.unit,
                     detail={"screening": [o.instrument for o in saved]})
    return saved


@transaction.atomic
def register_with_screening(runde, number: str, values: dict, screening, *, user=None,
                            request=None):
    """kartlegging's ``register`` and the screening results, in one transaction."""
    from rusfelt.kartlegging import services as kartlegging  # it imports COLUMNS from here

    registrering = kartlegging.register(runde, number, values, user=user, request=request)
    attach(registrering, screening, user=user, request=request)
    return registrering


def bulk_attach(pairs, user=None) -> int:
    """After an import's bulk_create: ``pairs`` of (saved registration, values)."""
    objects = [build(reg, code, total, day, user)
               for reg, values in pairs for code, total, day in values]
    ScreeningResultat.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


# --- Demo ----------------------------------------------------------------------


def demo_values(code: str, day: date, count: int) -> list[list[tuple[str, int, date]]]:
    """Synthetic AUDIT/DUDIT results for ``count`` demo registrations of round ``code``.

    About 40 % screened with AUDIT and 35 % with DUDIT, with made-up totals
    (no seed gives screening figures). A generator of its own, seeded by the
    round, so the round's other demo figures stay as they were.
    """

    rng = random.Random(f"screening-{code}")
    out = []
    for _i in range(count):
        values = []
        if rng.random() < 0.40:
            band = rng.choices([(0, 7), (8, 15), (16, 40)], (0.45, 0.35, 0.20))[0]
            values.append(("audit", rng.randint(*band), day))
        if rng.random() < 0.35:
            band = rng.choices([(0, 5), (6, 24), (25, 44)], (0.35, 0.40, 0.25))[0]
            values.append(("dudit", rng.randint(*band), day))
        out.append(values)
    return out
