"""The yearly status report of a plan, built once as a neutral document.

``build(plan, year)`` returns a ``core.dokumenter`` document; the page shows
it, and ``core.dokumenter.render`` writes it as HTML, PDF (tagged PDF/UA),
DOCX and XLSX for the council papers.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter import model as d
from rusfelt.core.dokumenter.formatting import format_date, percent
from rusfelt.indikatorer.documents import change_cell, judgement_cell, value_cell
from rusfelt.indikatorer.models import Indikator
from rusfelt.indikatorer.services import judgements_for
from rusfelt.kartlegging.services import key_figures

from .charts import kept_status_chart_spec
from .domain import status as st
from .models import Plan
from .services import (
    area_progress,
    indicator_links,
    overdue,
    plan_amendments,
    plan_areas,
    read_with_status,
    status_counts,
    status_over_periods,
    with_areas,
)

FIGURES = [
    ("antall", "Kartlagte personer", d.count),
    ("rate_per_1000", "Kartlagte per 1 000 innbyggere 16 år+", d.rate),
    ("andel_levekarsindeks_gronn", "Andel med levekårsindeks grønn", d.share),
    ("andel_rod_blalys", "Andel rød eller blålys", d.share),
    ("andel_bostedslos", "Andel bostedsløse", d.share),
    ("andel_individuell_plan", "Andel med individuell plan", d.share),
]
FORMATS = ("html", "pdf", "docx", "xlsx")


def _status(code: str) -> d.Cell:
    """A status as its word, coloured by the labels module."""
    return d.text(labels.label(code), tone=code)


def _share_of(part: int, total: int) -> d.Cell:
    return d.share(percent(part, total)) if total else d.symbol(d.NOT_APPLICABLE)


def build(plan: Plan, year: int) -> d.Document:
    """The report of ``plan`` for the period ``year`` (status at the end of the year)."""
    periods = dict(status_over_periods(plan))  # every reported year in one query
    counts = periods.get(year) or status_counts(plan, year)
    # The same as at the end of ``since``.
    before = periods.get(year - 1) or status_counts(plan, year - 1)
    # The latest year before ``year`` with reports (``previous_reported_year``): the
    # periods hold every reported year with its counts, a gap with None.
    since = max((y for y, c in periods.items() if c is not None and y < year), default=None)
    total = sum(counts.values())
    areas = plan_areas(plan)
    measures = with_areas(read_with_status(  # statuses and areas as kept: no subquery
        plan.tiltak.select_related("responsible_unit")  # per measure, no join
        .order_by("order", "id"),  # one plan: its own order, without joining the owner
        plan, year), areas)
    sections = [_about(plan, year, total)]

    # A change is «fra» the last period with reports, named as such: a status
    # carried forward through years without reports is not a report of those years.
    rows = [[_status(s), d.count(n), _share_of(n, total),
             d.count(n - before[s], signed=True) if since else d.symbol(d.MISSING)]
            for s, n in counts.items()]
    rows.append(["Sum", d.count(total), _share_of(total, total), ""])
    done = counts[st.GJENNOMFORT] + counts[st.AVSLUTTET]
    change_heading = f"Endring fra {since}" if since else "Endring"
    status_notes = ([f"Endring fra siste rapporterte periode, {since}."] if since and
                    since < year - 1 else [] if since else
                    [".. Ingen tidligere statusrapport å sammenligne med."])
    sections.append(d.Section(f"Status for tiltakene ved utgangen av {year}", [
        d.Paragraph(f"{done} av {total} tiltak er gjennomført eller avsluttet."),
        d.Table("Tiltak etter status", ["Status", "Antall", "Andel", change_heading], rows,
                notes=status_notes),
    ], key="status"))

    over_periods = [(y, c) for y, c in periods.items() if y <= year]
    if over_periods:
        gaps = [str(y) for y, c in over_periods if c is None]
        sections.append(d.Section("Status over periodene", [d.Chart(
            "Status ved utgangen av hvert år",
            kept_status_chart_spec(over_periods),
            "Stolpediagram over antall tiltak per status ved utgangen av hvert år. "
            "Tallene står i tabellen under.",
            d.Table("Antall tiltak per status ved utgangen av hvert år",
                    ["År"] + [labels.label(s) for s in st.SUMMARY_ORDER],
                    [[str(y)] + ([d.count(n) for n in c.values()] if c is not None else
                                 [d.symbol(d.MISSING)] * len(st.SUMMARY_ORDER))
                     for y, c in over_periods],
                    notes=[".. Ingen statusrapport i " + ", ".join(gaps)
                           + ". Året står tomt i diagrammet."] if gaps else []),
        )], key="perioder"))

    area_rows = [
        [p["area"].title if p["area"] else "Uten område"]
        + [d.count(p["counts"][s]) for s in st.SUMMARY_ORDER] + [d.count(p["total"])]
        for p in area_progress(plan, year, measures, areas)
    ]
    sections.append(d.Section("Status per innsatsområde", [d.Table(
        "Antall tiltak per område og status",
        ["Område"] + [labels.label(s) for s in st.SUMMARY_ORDER] + ["Sum"], area_rows,
    )], key="omrader"))

    moved = {c.key: c for c in st.changes((str(t.pk), t.prev, t.cur) for t in measures)}
    change_rows = [
        [t.number, t.text, _status(moved[str(t.pk)].before), _status(moved[str(t.pk)].after),
         t.cur_comment or ""]
        for t in measures if str(t.pk) in moved
    ]
    changed = d.Section(f"Endringer siden {since or year - 1}", [d.Paragraph(
        f"{len(change_rows)} tiltak har endret status siden forrige periode.")], key="endret")
    if change_rows:
        changed.add(d.Table("Tiltak med endret status",
                            ["Nr.", "Tiltak", f"Status {since or year - 1}", f"Status {year}",
                             "Kommentar"], change_rows))
    sections.append(changed)

    by_status = d.Section("Tiltakene etter status", key="tiltak")
    for s in st.SUMMARY_ORDER:
        group = [t for t in measures if st.normalise(t.cur) == s]
        if group:
            by_status.add(d.Table(
                f"{labels.label(s)} ({len(group)})",
                ["Nr.", "Tiltak", "Område", "Ansvarlig", "Kommentar"],
                [[t.number, t.text, t.area.title if t.area_id else "",
                  t.responsible_label or "–", t.cur_comment or ""] for t in group],
            ))
    sections.append(by_status)

    # Overdue as the year closes (its last day has then passed), or today for the
    # running year: the final report of a plan counts what was left undone.
    today = timezone.localdate()
    closed = today.year > year
    day = date(year, 12, 31) if closed else today
    # The measures' status is at the end of ``year``, the day's year but for a report
    # of a year still to come (then the status today is read).
    late = overdue(plan, day, year_closed=closed,
                   measures=measures if day.year == year else None)
    overdue_section = d.Section(
        f"Forfalte tiltak ved utgangen av {year}" if closed
        else f"Forfalte tiltak per {format_date(day)}", [d.Paragraph(
        f"{len(late)} tiltak har passert fristen eller siste år uten å være gjennomført "
        "eller avsluttet.")], key="forfalt")
    if late:
        overdue_section.add(d.Table("Forfalte tiltak", ["Nr.", "Tiltak", "Frist", "Status"], [
            [t.number, t.text, format_date(t.deadline) if t.deadline else f"til {t.due_year}",
             _status(st.normalise(t.cur))] for t in late
        ]))
    sections.append(overdue_section)

    amendments = [e for e in plan_amendments(plan) if e.date.year == year]  # kept
    if amendments:
        sections.append(d.Section(f"Endringer i planen vedtatt i {year}", [d.Table(
            "Endringer", ["Dato", "Vedtak", "Tiltak", "Endring"],
            [[format_date(e.date), e.decision_ref, e.tiltak.number if e.tiltak_id else "",
              e.description] for e in amendments],
        )], key="planendringer"))

    sections.append(_indicators(plan, year))
    sections.append(_key_figures(plan, year))
    return d.Document(
        f"Statusrapport {year}",
        sections,
        subtitle=f"{plan.title} {plan.period_from}–{plan.period_to}",
        author=plan.owner.name,
        subject=f"Status for tiltakene i {plan.title} ved utgangen av {year}",
        notes=["Status er siste rapporterte status til og med perioden. Tiltak uten "
               "rapport telles som «Ikke rapportert»."],
        filename=f"statusrapport-{plan.slug}-{year}",
    )


def _about(plan: Plan, year: int, total: int) -> d.Section:
    return d.Section("Om planen", [d.Facts([
        ("Eier", plan.owner.name),
        ("Planperiode", f"{plan.period_from}–{plan.period_to}"),
        ("Vedtatt", format_date(plan.adopted_on)),
        ("Vedtak", plan.decision_ref or "–"),
        ("Status", plan.get_state_display()),
        ("Antall tiltak", d.count(total)),
        ("Rapporteringsperiode", str(year)),
    ])], key="om")


def _indicators(plan: Plan, year: int) -> d.Section:
    section = d.Section("Indikatorer knyttet til tiltakene", key="indikatorer")
    measures_of: dict[int, list[str]] = {}
    for ind_id, _measure, number in indicator_links(plan):  # kept: no query for none
        measures_of.setdefault(ind_id, []).append(number)
    indicators = Indikator.objects.filter(pk__in=measures_of) if measures_of else []
    rows = [
        [d.count(j.indikator.number), j.indikator.title,
         ", ".join(measures_of.get(j.indikator.pk, [])),
         str(j.year) if j.year else d.symbol(d.MISSING),
         value_cell(j.value, j.indikator), change_cell(j.change, j.measure),
         judgement_cell(j.judgement)]
        for j in judgements_for(indicators, plan.owner, year)
    ]
    if not rows:  # none linked, or those linked deleted since
        return section.add(d.Paragraph("Ingen indikatorer er knyttet til tiltakene."))
    return section.add(d.Table(
        f"Indikatorer for {plan.owner.name}",
        ["Nr.", "Indikator", "Tiltak", "År", "Verdi", "Endring", "Vurdering"], rows,
        notes=["Vurdering etter indikatorsettets terskler."], row_headers=False,
    ))


def _key_figures(plan: Plan, year: int) -> d.Section:
    section = d.Section(f"Nøkkeltall fra kartleggingen {year}", key="kartlegging")
    figures = key_figures(plan.owner, year)
    if not figures:
        return section.add(d.Paragraph(
            f"Det finnes ingen publisert kartlegging for {plan.owner.name} i {year}."))
    section.add(d.Facts([(label, cell(figures.get(key))) for key, label, cell in FIGURES]))
    section.add(d.Paragraph(
        f"Levekårsindeks beregnet etter regel {figures.get('levekarsindeks_regel') or '–'}. "
        "Symboler: : prikket (små tall), .. mangler.", note=True))
    if figures.get("fotnote"):  # kartlegging's note on «:» and its method
        section.add(d.Paragraph(figures["fotnote"], note=True))
    return section
