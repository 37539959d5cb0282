"""Plans at national scale: one plan per municipality, its status history,
and the time of the overview figures and the yearly report.

Everything is written inside one transaction that is rolled back, so the
benchmark leaves the database as it found it.
"""

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rusfelt.core.dokumenter import render
from rusfelt.core.models import Niva, OrgUnit

from . import report, services
from .domain import perioder
from .models import Omrade, Plan, Statusoppdatering, Tiltak

STATUSES = ["ikke_startet", "pagar", "pagar", "gjennomfort", "utsatt", "avsluttet"]


class _Rollback(Exception):
    pass


def add_arguments(parser):
    parser.add_argument("--kommuner", type=int, default=356, help="plans (one per kommune)")
    parser.add_argument("--tiltak", type=int, default=40, help="measures per plan")
    parser.add_argument("--ar", type=int, default=5, help="years of status history")


def run(stdout, kommuner=356, tiltak=40, ar=5, **options):
    try:
        with transaction.atomic():
            _run(stdout, kommuner, tiltak, ar)
            raise _Rollback
    except _Rollback:
        stdout.write("Alt er rullet tilbake.")


def _timed(stdout, label, func, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = func()
    ms = (time.perf_counter() - start) * 1000 / repeat
    stdout.write(f"{label}: {ms:.1f} ms")
    return result


def _run(stdout, n_plans, n_measures, n_years):
    top = OrgUnit.objects.create(code="BENCHF", name="Benkfylke", level=Niva.FYLKE)
    first_year = 2020
    tz = timezone.get_current_timezone()
    start = time.perf_counter()
    units = [OrgUnit(code=f"B{i:04d}", name=f"Benk {i}", level=Niva.KOMMUNE, parent=top,
                     path=f"{top.path}B{i:04d}/") for i in range(n_plans)]
    OrgUnit.objects.bulk_create(units)
    plans = Plan.objects.bulk_create([
        Plan(owner=u, slug=f"benk-{u.code.lower()}", title=f"Rusplan {u.name}",
             period_from=first_year, period_to=first_year + n_years - 1)
        for u in OrgUnit.objects.filter(parent=top)
    ])
    areas = Omrade.objects.bulk_create([
        Omrade(plan=p, code=f"I{a}", title=f"Område {a}") for p in plans for a in range(6)
    ])
    area_of = {(a.plan_id, a.code): a for a in areas}
    measures = Tiltak.objects.bulk_create([
        Tiltak(plan=p, number=str(m), text=f"Tiltak {m}", area=area_of[(p.pk, f"I{m % 6}")],
               period_to=first_year + n_years - 1, order=m)
        for p in plans for m in range(n_measures)
    ], batch_size=5000)
    updates = [
        Statusoppdatering(
            tiltak=t, year=first_year + y, tertial=0,
            period_key=perioder.period_key(first_year + y),
            status=STATUSES[(t.pk + y) % len(STATUSES)], comment="",
            created_at=datetime(first_year + y, 12, 1, tzinfo=tz),
        )
        for t in measures for y in range(n_years)
    ]
    Statusoppdatering.objects.bulk_create(updates, batch_size=5000)
    stdout.write(
        f"Laget {len(plans)} planer, {len(measures)} tiltak og {len(updates)} "
        f"statusoppdateringer på {time.perf_counter() - start:.1f} s."
    )
    plan = plans[len(plans) // 2]
    year = first_year + n_years - 1
    counts = _timed(stdout, "Status per plan og år (GROUP BY)",
                    lambda: services.status_counts(plan, year), repeat=20)
    assert sum(counts.values()) == n_measures
    _timed(stdout, "Fremdrift per område", lambda: services.area_progress(plan, year), 20)
    _timed(stdout, "Status over alle år (diagramtabellen)",
           lambda: services.status_over_periods(plan), 5)
    built = _timed(stdout, "Bygge årsrapporten", lambda: report.build(plan, year), 5)
    _timed(stdout, "Årsrapport som HTML", lambda: render.render(built, "html"), 3)
    _timed(stdout, "Årsrapport som PDF", lambda: render.render(built, "pdf"), 1)
    _timed(stdout, "Årsrapport som DOCX", lambda: render.render(built, "docx"), 1)

    class Sink:
        def write(self, _):
            pass

    _timed(stdout, f"Planliste som CSV ({len(plans)} planer)",
           lambda: services.list_csv(Sink(), Plan.objects.filter(owner__parent=top)), 3)
