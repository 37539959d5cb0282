"""Building the yearly knowledge-base report of a unit from the other capabilities.

The report uses only what may leave a unit: published, suppressed mapping
figures (``kartlegging.services.key_figures``), indicator values and their
judgements, and the status of the unit's plans. A section says plainly when
its capability has nothing for the unit and year. The result is a
``core.dokumenter`` document: the page shows it, ``render`` writes the PDF.
"""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

from rusfelt.core.charts import broken_lines
from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter import model as d
from rusfelt.core.models import Niva, OrgUnit
from rusfelt.indikatorer.documents import change_cell, judgement_cell, value_cell
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Verdi
from rusfelt.indikatorer.services import judgements_for
from rusfelt.kartlegging.models import Runde, State
from rusfelt.kartlegging.services import key_figures
from rusfelt.kartlegging.trends import series_for
from rusfelt.planer import services as plan_services
from rusfelt.planer.domain import status as st
from rusfelt.planer.models import Plan, Statusoppdatering

TREND_YEARS = 10

KEY_FIGURE_COLUMNS = [
    ("antall", d.count),
    ("rate_per_1000", d.rate),
    ("andel_levekarsindeks_gronn", d.share),
    ("andel_rod_blalys", d.share),
    ("andel_bostedslos", d.share),
    ("andel_individuell_plan", d.share),
]


def key_figure_headings():
    return [
        _("Kartlagt"),
        _("Per 1 000 innb. 16+"),
        _("Levekårsindeks grønn"),
        _("Rød + blålys"),
        _("Bolig rød"),
        _("Individuell plan"),
    ]


def comparison_units(unit: OrgUnit) -> list[OrgUnit]:
    """The unit, the units right below it, and for a bydel its kommune."""
    units = [unit]
    if unit.level == Niva.BYDEL and unit.parent:
        units.append(unit.parent)
    units.extend(unit.children.order_by("code"))
    return units


def _figure_cells(figures: dict) -> list[d.Cell]:
    return [cell(figures.get(key)) for key, cell in KEY_FIGURE_COLUMNS]


def mapping_section(unit: OrgUnit, year: int, rules: list[str]) -> d.Section:
    section = d.Section(_("Kartlegging"), [d.Paragraph(_(
        "Publiserte tall fra kartleggingen av tjenestemottakere. Tall fra 1 til 4 er "
        "prikket (:), og nok andre celler er skjult til at de ikke kan regnes ut."
    ))], key="kartlegging")
    rows = []
    notes = []  # kartlegging's note on «:» and the suppression method, once
    missing = False
    for other in comparison_units(unit):
        figures = key_figures(other, year)
        if figures is None:
            continue
        if figures.get("fotnote") and figures["fotnote"] not in notes:
            notes.append(figures["fotnote"])
        if figures.get("levekarsindeks_regel") and figures["levekarsindeks_regel"] not in rules:
            rules.append(figures["levekarsindeks_regel"])
        rows.append([other.name, *_figure_cells(figures)])
        missing = missing or any(c.kind == d.Kind.SYMBOL and c.value == d.MISSING
                                 for c in rows[-1][1:])
    if not rows:
        return section.add(d.Paragraph(
            _("Ingen publisert kartlegging for enheten dette året."), note=True))
    if missing:
        notes.append(_("«..» betyr at tallet mangler: det ble ikke registrert i "
                       "kartleggingen (eller enheten mangler befolkningstall). Det er ikke null."))
    section.add(d.Table(_("Nøkkeltall %(year)s") % {"year": year},
                        [_("Enhet"), *key_figure_headings()], rows, notes=notes))

    trend = mapping_trend(unit, year)
    if trend is not None:
        section.add(trend)
    return section


def mapping_trend(unit: OrgUnit, year: int):
    """«Utvikling i …»: one row per year from the first to the last with figures.

    A year that breaks the series is labelled ``2015 |`` (SSB's symbol) and
    a year without published figures shows ``..``; the table's notes give
    each reason and say that no change is read across them. The chart
    draws each continuous piece as its own line and marks every break.
    """
    series, by_year = series_for(unit, lambda u, y: key_figures(u, y),
                                 range(year - TREND_YEARS + 1, year + 1))
    if len(by_year) < 2:
        return None
    rows = []
    for item in series:
        if item.present:
            rows.append([d.year(item.year, brudd=item.has_break),
                         *_figure_cells(by_year[item.year][1])])
        else:
            rows.append([d.year(item.year), *[d.symbol(d.MISSING) for _c in KEY_FIGURE_COLUMNS]])
    notes = series.footnotes()
    notes += sorted({f["fotnote"] for _u, f in by_year.values() if f.get("fotnote")})
    if series.breaks or series.gaps:
        notes.append(_(
            "«|» markerer brudd i serien og «..» år uten tall; tallene før og etter kan ikke "
            "sammenlignes direkte, og ingen endring regnes over dem."))
    sources = {u.code: u for u, _f in by_year.values() if u.code != unit.code}
    if sources:
        notes.append(_("Tall før reformen er fra %(units)s.") % {
            "units": ", ".join(f"{u.name} ({u.code})" for u in sources.values())})
    table = d.Table(_("Utvikling i %(unit)s") % {"unit": unit.name},
                    [_("År"), *key_figure_headings()], rows, notes=notes)
    shares = [("andel_levekarsindeks_gronn", _("Levekårsindeks grønn")),
              ("andel_rod_blalys", _("Rød + blålys")), ("andel_bostedslos", _("Bolig rød"))]
    points = [
        {"year": y, "measure": label, "value": float(cell.value)}
        for y, (_u, f) in by_year.items() for key, label in shares
        if (cell := d.share(f.get(key))).is_number
    ]
    gaps = [f"{label} {y}" for y, (_u, f) in by_year.items() for key, label in shares
            if not d.share(f.get(key)).is_number]
    if gaps:
        table.notes.append(_("Mangler eller er prikket, og er utelatt fra "
                             "diagrammet: %(gaps)s.") % {"gaps": ", ".join(gaps)})
    if not points:
        return table
    # Each line in the colour of the level it counts (labels), told apart by dash.
    scale = labels.measure_scale(
        [(shares[0][1], "gronn"), (shares[1][1], "rod"), (shares[2][1], "rod")])
    chart = broken_lines(points, series, x="year", y="value", color="measure",
                         x_title=_("År"), y_title=_("Andel (%)"), scale=scale, height=240)
    alt_text = _("Linjediagram over andelene i tabellen «Utvikling».")
    if series.breaks or series.gaps:
        alt_text += " " + _(
            "Linjene brytes ved år uten tall (%(gaps)s) og ved brudd i serien, merket "
            "med stiplet loddrett strek og «|» (%(breaks)s).") % {
            "gaps": ", ".join(str(g.year) for g in series.gaps) or "–",
            "breaks": ", ".join(str(b.year) for b in series.breaks) or "–"}
    return d.Chart(_("Andeler over år i %(unit)s") % {"unit": unit.name}, chart.to_dict(),
                   alt_text, table)


def years_with_data(units, user) -> dict[str, list[int]]:
    """The years with published mapping, indicator values and plan statuses for ``units``
    (a queryset the caller has scoped), by capability."""
    def years(queryset):
        return sorted(set(queryset.values_list("year", flat=True).distinct()))

    return {
        "kartlegging": years(Runde.objects.filter(unit__in=units, state=State.PUBLISHED)),
        "indikatorer": years(Verdi.objects.filter(unit__in=units, value__isnull=False)),
        "planer": years(Statusoppdatering.objects.filter(
            tiltak__plan__in=Plan.objects.for_user(user).filter(owner__in=units))),
    }


def latest_year(years: dict[str, list[int]]) -> int | None:
    every = [y for ys in years.values() for y in ys]
    return max(every) if every else None


def _year_list(years: list[int]) -> str:
    """2017–2019, 2021 (runs of years joined by a dash)."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def data_section(unit: OrgUnit, year: int, user) -> d.Section:
    """Which years have figures for the unit, so nobody reads a blank year as zeros."""
    years = years_with_data(OrgUnit.objects.descendants_of(unit), user)
    names = {"kartlegging": _("kartlegging"), "indikatorer": _("indikatorer"),
             "planer": _("planstatus")}
    facts = [(names[k], _year_list(v) if v else "..") for k, v in years.items()]
    section = d.Section(_("Årene med tall"), [d.Facts(facts)], key="ar")
    if not any(year in v for v in years.values()):
        latest = latest_year(years)
        section.add(d.Paragraph(
            _("Det finnes ingen tall for %(unit)s i %(year)s. Siste år med tall er %(latest)s.")
            % {"unit": unit.name, "year": year, "latest": latest} if latest else
            _("Det finnes ingen tall for %(unit)s ennå.") % {"unit": unit.name}, note=True))
    return section


def plan_section(unit: OrgUnit, year: int, user) -> d.Section:
    section = d.Section(_("Planer"), [d.Paragraph(
        _("Status for tiltakene i enhetens planer ved utgangen av året."))], key="planer")
    plans = (
        Plan.objects.for_user(user)
        .filter(owner__in=OrgUnit.objects.descendants_of(unit))
        .select_related("owner")
        .order_by("owner__path", "period_from", "title")
    )
    rows, points, without = [], [], []
    for plan in plans:
        counts = plan_services.status_counts(plan, year)
        total = sum(counts.values())
        if counts[st.IKKE_RAPPORTERT] == total:
            # No status reported up to the year (or the plan had not begun): missing,
            # not «-» in every column; left out of the chart, with a note.
            rows.append([plan.title, plan.owner.name]
                        + [d.symbol(d.MISSING)] * len(st.SUMMARY_ORDER) + [d.count(total)])
            without.append(plan.title)
            continue
        rows.append([plan.title, plan.owner.name]
                    + [d.count(counts[s]) for s in st.SUMMARY_ORDER] + [d.count(total)])
        points.extend({"plan": plan.title[:40], "status": labels.label(s), "n": counts[s],
                       "rekkefolge": i} for i, s in enumerate(st.SUMMARY_ORDER))
    if not rows:
        return section.add(d.Paragraph(_("Enheten har ingen planer i Rusfelt."), note=True))
    notes = [_(".. Ingen status rapportert til og med %(year)s for: %(plans)s. "
               "Planen er utelatt fra diagrammet.") % {"year": year, "plans": "; ".join(without)}
             ] if without else []
    names = [labels.label(s) for s in st.SUMMARY_ORDER]
    table = d.Table(_("Tiltak etter status %(year)s") % {"year": year},
                    [_("Plan"), _("Eier"), *names, _("Totalt")], rows, notes=notes)
    if not points:
        return section.add(table)
    names, colours = labels.chart_scale(st.SUMMARY_ORDER)
    chart = (
        alt.Chart(alt.Data(values=points))
        .mark_bar()
        .encode(
            y=alt.Y("plan:N", title=None),
            x=alt.X("n:Q", title=_("Antall tiltak"), stack="zero"),
            color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                            sort=names, scale=alt.Scale(domain=names, range=colours)),
            order=alt.Order("rekkefolge:Q"),
        )
        .properties(width=520, height=max(60, 40 * (len(rows) - len(without))))
    )
    return section.add(d.Chart(
        _("Tiltak etter status"), chart.to_dict(),
        _("Stolpediagram over tiltakene i hver plan etter status, som i tabellen."), table,
    ))


def indicator_section(unit: OrgUnit, year: int) -> d.Section:
    section = d.Section(_("Indikatorer"), [d.Paragraph(_(
        "Siste verdi til og med året, endring fra året før og vurdering, for hvert "
        "indikatorsett enheten har verdier i."
    ))], key="indikatorer")
    sets = Indikatorsett.objects.filter(
        indikatorer__verdier__unit=unit, indikatorer__verdier__year__lte=year
    ).distinct()
    for sett in sets:
        indicators = Indikator.objects.filter(
            sett=sett, verdier__unit=unit, verdier__year__lte=year
        ).distinct().order_by("number")
        rows = [
            [d.count(item.indikator.number), item.indikator.title,
             str(item.year) if item.year else d.symbol(d.MISSING),
             value_cell(item.value, item.indikator), change_cell(item.change, item.measure),
             judgement_cell(item.judgement)]
            for item in judgements_for(indicators, unit, year)
        ]
        section.add(d.Table(sett.name, [_("Nr."), _("Indikator"), _("År"), _("Verdi"),
                                        _("Endring"), _("Vurdering")], rows, row_headers=False,
                            notes=_break_notes(indicators, unit, year)))
    if not section.tables():
        section.add(d.Paragraph(_("Ingen indikatorverdier for enheten dette året."), note=True))
    return section


def build_report(unit: OrgUnit, year: int, user) -> d.Document:
    rules: list[str] = []
    sections = [
        data_section(unit, year, user),
        mapping_section(unit, year, rules),
        indicator_section(unit, year),
        plan_section(unit, year, user),
    ]
    return d.Document(
        _("Kunnskapsgrunnlag for rusfeltet"),
        sections,
        subtitle=f"{unit.name} {year}",
        author=unit.name,
        subject=_("Kartlegging, indikatorer og planer for %(unit)s %(year)s") % {
            "unit": unit.name, "year": year},
        rules=rules,
        filename=f"rusfelt-{unit.code}-{year}",
    )


def _break_notes(indicators, unit: OrgUnit, year: int) -> list[str]:
    """Why a change is «.»: each break in series in the latest value's year, with its reason."""
    latest = {}
    for v in (Verdi.objects.filter(indikator__in=indicators, unit=unit, year__lte=year,
                                   value__isnull=False)
              .select_related("indikator").order_by("indikator__number", "year")):
        latest[v.indikator_id] = v
    grouped: dict[tuple[int, str], list[str]] = {}
    for v in latest.values():
        if v.break_in_series:
            reason = v.break_reason or _("definisjon eller metode endret")
            grouped.setdefault((v.year, reason), []).append(str(v.indikator.number))
    return [
        _("%(nr)s: brudd i serien %(year)s |, ingen endring regnet: %(reason)s") % {
            "nr": ", ".join(numbers), "year": year, "reason": reason}
        for (year, reason), numbers in grouped.items()
    ]
