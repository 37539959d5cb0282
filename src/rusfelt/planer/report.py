"""The yearly status report of a plan: one neutral structure (headings,
facts, tables, notes) built once, then written as HTML, PDF (WeasyPrint,
the same template with print CSS) and DOCX (python-docx).

Numbers are formatted Norwegian style (space as thousands separator,
decimal comma) when the structure is built, so every writer shows the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from .charts import status_chart_spec
from .domain import status as st
from .models import Endring, Plan, Tiltak
from .services import (
    area_progress,
    overdue,
    status_counts,
    status_over_periods,
    with_status,
)

JUDGEMENT_LABELS = {"gronn": "Grønn", "gul": "Gul", "rod": "Rød", "gra": "Grå"}
FIGURE_LABELS = [
    ("antall", "Kartlagte personer"),
    ("rate_per_1000", "Kartlagte per 1 000 innbyggere 16 år+"),
    ("andel_levekarsindeks_gronn", "Andel med levekårsindeks grønn (%)"),
    ("andel_rod_blalys", "Andel rød eller blålys (%)"),
    ("andel_bostedslos", "Andel bostedsløse (%)"),
    ("andel_individuell_plan", "Andel med individuell plan (%)"),
]


@dataclass
class Cell:
    text: str
    judgement: str = ""  # gronn|gul|rod|gra: shown as a labelled judgement cell


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list]
    numeric: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: dict | None = None  # a Vega-Lite spec; its figures are in ``tables`` too
    chart_alt: str = ""

    @property
    def chart_uri(self) -> str:
        from rusfelt.core.charts import svg_data_uri

        return svg_data_uri(self.chart) if self.chart else ""


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def fmt_int(n) -> str:
    with translation.override("nb"):
        return formats.number_format(n, decimal_pos=0, use_l10n=True, force_grouping=True)


def fmt_dec(value, places=1) -> str:
    with translation.override("nb"):
        return formats.number_format(Decimal(value), decimal_pos=places, use_l10n=True,
                                     force_grouping=True)


def fmt_date(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "–"


def fmt_pct(part: int, total: int) -> str:
    return fmt_dec(Decimal(100 * part) / total, 1) + " %" if total else "–"


def fmt_signed(n: int) -> str:
    return "±0" if n == 0 else (f"+{fmt_int(n)}" if n > 0 else f"−{fmt_int(-n)}")


def build(plan: Plan, year: int) -> Report:
    """The report of ``plan`` for the period ``year`` (status at the end of the year)."""
    counts = status_counts(plan, year)
    before = status_counts(plan, year - 1)
    total = sum(counts.values())
    measures = list(
        with_status(plan.tiltak.select_related("area", "responsible_unit"), year)
    )
    sections = [_about(plan, year, total)]

    rows = [
        [st.LABELS[s], fmt_int(n), fmt_pct(n, total), fmt_signed(n - before[s])]
        for s, n in counts.items()
    ]
    rows.append(["Sum", fmt_int(total), fmt_pct(total, total) if total else "–", ""])
    sections.append(Section(
        f"Status for tiltakene ved utgangen av {year}",
        paragraphs=[f"{fmt_int(counts['gjennomfort'] + counts['avsluttet'])} av "
                    f"{fmt_int(total)} tiltak er gjennomført eller avsluttet."],
        tables=[Table("Tiltak etter status", ["Status", "Antall", "Andel",
                                              f"Endring fra {year - 1}"], rows, {1, 2, 3})],
    ))

    over_periods = [(y, c) for y, c in status_over_periods(plan) if y <= year]
    if over_periods:
        sections.append(Section(
            "Status over periodene",
            chart=status_chart_spec(over_periods),
            chart_alt="Stolpediagram over antall tiltak per status ved utgangen av hvert år. "
                      "Tallene står i tabellen under.",
            tables=[Table(
                "Antall tiltak per status ved utgangen av hvert år",
                ["År"] + [st.LABELS[s] for s in st.SUMMARY_ORDER],
                [[str(y)] + [fmt_int(n) for n in c.values()] for y, c in over_periods],
                set(range(1, len(st.SUMMARY_ORDER) + 1)),
            )],
        ))

    progress = area_progress(plan, year)
    area_rows = [
        [p["area"].title if p["area"] else "Uten område"]
        + [fmt_int(p["counts"][s]) for s in st.SUMMARY_ORDER] + [fmt_int(p["total"])]
        for p in progress
    ]
    sections.append(Section("Status per innsatsområde", tables=[Table(
        "Antall tiltak per område og status",
        ["Område"] + [st.LABELS[s] for s in st.SUMMARY_ORDER] + ["Sum"],
        area_rows, set(range(1, len(st.SUMMARY_ORDER) + 2)),
    )]))

    moved = {c.key: c for c in st.changes((str(t.pk), t.prev, t.cur) for t in measures)}
    change_rows = [
        [t.number, t.text, st.LABELS[moved[str(t.pk)].before], st.LABELS[moved[str(t.pk)].after],
         t.cur_comment or ""]
        for t in measures if str(t.pk) in moved
    ]
    sections.append(Section(
        f"Endringer siden {year - 1}",
        paragraphs=[f"{fmt_int(len(change_rows))} tiltak har endret status siden forrige "
                    "periode."],
        tables=[Table("Tiltak med endret status", ["Nr.", "Tiltak", f"Status {year - 1}",
                                                   f"Status {year}", "Kommentar"],
                      change_rows)] if change_rows else [],
    ))

    by_status = Section("Tiltakene etter status")
    for s in st.SUMMARY_ORDER:
        group = [t for t in measures if st.normalise(t.cur) == s]
        if not group:
            continue
        by_status.tables.append(Table(
            f"{st.LABELS[s]} ({fmt_int(len(group))})",
            ["Nr.", "Tiltak", "Område", "Ansvarlig", "Kommentar"],
            [[t.number, t.text, t.area.title if t.area_id else "", t.responsible_label or "–",
              t.cur_comment or ""] for t in group],
        ))
    sections.append(by_status)

    # Overdue as the year closes (or today, for the running year).
    day = min(timezone.localdate(), date(year, 12, 31))
    late = overdue(plan, day)
    sections.append(Section(
        f"Forfalte tiltak per {fmt_date(day)}",
        paragraphs=[f"{fmt_int(len(late))} tiltak har passert fristen eller siste år uten å "
                    "være gjennomført eller avsluttet."],
        tables=[Table("Forfalte tiltak", ["Nr.", "Tiltak", "Frist", "Status"], [
            [t.number, t.text, fmt_date(t.deadline) if t.deadline else f"til {t.period_to}",
             st.LABELS[st.normalise(t.cur)]] for t in late
        ])] if late else [],
    ))

    amendments = Endring.objects.filter(plan=plan, date__year=year).select_related("tiltak")
    if amendments:
        sections.append(Section(f"Endringer i planen vedtatt i {year}", tables=[Table(
            "Endringer", ["Dato", "Vedtak", "Tiltak", "Endring"],
            [[fmt_date(e.date), e.decision_ref, e.tiltak.number if e.tiltak_id else "",
              e.description] for e in amendments],
        )]))

    sections.append(_indicators(plan, year))
    sections.append(_key_figures(plan, year))
    return Report(
        title=f"Statusrapport {year}",
        subtitle=f"{plan.title} {plan.period_from}–{plan.period_to}",
        sections=sections,
        notes=["Status er siste rapporterte status til og med perioden. Tiltak uten "
               "rapport telles som «Ikke rapportert»."],
        counts=counts,
    )


def _about(plan: Plan, year: int, total: int) -> Section:
    return Section("Om planen", facts=[
        ("Eier", plan.owner.name),
        ("Planperiode", f"{plan.period_from}–{plan.period_to}"),
        ("Vedtatt", fmt_date(plan.adopted_on)),
        ("Vedtak", plan.decision_ref or "–"),
        ("Status", plan.get_state_display()),
        ("Antall tiltak", fmt_int(total)),
        ("Rapporteringsperiode", str(year)),
    ])


def _indicators(plan: Plan, year: int) -> Section:
    section = Section("Indikatorer knyttet til tiltakene")
    try:
        from rusfelt.indikatorer.models import Indikator
        from rusfelt.indikatorer.services import judgements_for
    except (ImportError, AttributeError):
        section.paragraphs.append("Indikatormodulen er ikke tilgjengelig.")
        return section
    indicators = Indikator.objects.filter(tiltak__plan=plan).distinct()
    if not indicators.exists():
        section.paragraphs.append("Ingen indikatorer er knyttet til tiltakene.")
        return section
    measures_of: dict[int, list[str]] = {}
    for ind_id, number in Tiltak.indikatorer.through.objects.filter(
        tiltak__plan=plan
    ).values_list("indikator_id", "tiltak__number"):
        measures_of.setdefault(ind_id, []).append(number)
    rows = []
    for j in judgements_for(indicators, plan.owner, year):
        unit = "p.p." if str(j.measure) in ("prosentpoeng", "points", "pp") else "%"
        rows.append([
            str(j.indikator.number), j.indikator.title,
            ", ".join(measures_of.get(j.indikator.pk, [])),
            str(j.year) if j.year else "–",
            fmt_dec(j.value, 1) if j.value is not None else "..",
            f"{fmt_dec(j.change, 1)} {unit}" if j.change is not None else "..",
            Cell(JUDGEMENT_LABELS.get(str(j.judgement), str(j.judgement)), str(j.judgement)),
        ])
    section.tables.append(Table(
        f"Indikatorer for {plan.owner.name}",
        ["Nr.", "Indikator", "Tiltak", "År", "Verdi", "Endring", "Vurdering"], rows, {3, 4, 5},
        notes=["Symboler: .. mangler. Vurdering etter indikatorsettets terskler."],
    ))
    return section


def _key_figures(plan: Plan, year: int) -> Section:
    section = Section(f"Nøkkeltall fra kartleggingen {year}")
    try:
        from rusfelt.kartlegging.services import key_figures
    except (ImportError, AttributeError):
        section.paragraphs.append("Kartleggingsmodulen er ikke tilgjengelig.")
        return section
    figures = key_figures(plan.owner, year)
    if not figures:
        section.paragraphs.append(
            f"Det finnes ingen publisert kartlegging for {plan.owner.name} i {year}."
        )
        return section
    for key, label in FIGURE_LABELS:
        value = figures.get(key, "..")
        section.facts.append((label, _figure(value)))
    section.paragraphs.append(
        f"Levekårsindeks beregnet etter regel {figures.get('levekarsindeks_regel', '–')}. "
        "Symboler: : prikket (små tall), .. mangler."
    )
    return section


def _figure(value) -> str:
    text = str(value)
    if text in (":", "..", ".", "-", "|"):
        return text
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return fmt_int(number) if number == number.to_integral_value() and "." not in text \
        else fmt_dec(number, 1)


# --- Writers -------------------------------------------------------------------


CSS_PATH = Path(__file__).parent / "static" / "planer" / "report.css"


def to_html(report: Report) -> str:
    """A standalone HTML file (styles inlined: it is saved, not served)."""
    return render_to_string("planer/report_document.html",
                            {"report": report, "css": CSS_PATH.read_text()})


def to_pdf(report: Report) -> bytes:
    """The same template through WeasyPrint, with the print rules and @page."""
    from weasyprint import CSS, HTML

    html = render_to_string("planer/report_document.html", {"report": report, "pdf": True})
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(string=CSS_PATH.read_text(), media_type="print")]
    )


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    for section in report.sections:
        doc.add_heading(section.heading, level=1)
        if section.facts:
            table = doc.add_table(rows=0, cols=2)
            table.style = "Light List"
            for label, value in section.facts:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
                cells[0].paragraphs[0].runs[0].bold = True
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        if section.chart:
            import vl_convert as vlc

            png = vlc.vegalite_to_png(section.chart, scale=2)
            doc.add_picture(io.BytesIO(png), width=Cm(15))
            doc.add_paragraph(section.chart_alt).italic = True
        for t in section.tables:
            doc.add_heading(t.caption, level=2)
            table = doc.add_table(rows=1, cols=len(t.columns))
            table.style = "Light Grid Accent 1"
            for i, heading in enumerate(t.columns):
                table.rows[0].cells[i].text = heading
            for row in t.rows:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = value.text if isinstance(value, Cell) else str(value)
                    if i in t.numeric:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for note in t.notes:
                doc.add_paragraph(note).italic = True
    for note in report.notes:
        doc.add_paragraph(note)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return to_html(report).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(report)
    if fmt == "docx":
        return to_docx(report)
    raise ValueError(fmt)
