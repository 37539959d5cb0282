"""Building the yearly knowledge-base report of a unit from the other capabilities.

The report uses only what may leave a unit: published, suppressed mapping
figures (``kartlegging.services.key_figures``), indicator values and their
judgements, and the status of the unit's plans. Each source is optional: a
section says plainly when its capability has nothing for the unit and year.
"""

from __future__ import annotations

from types import SimpleNamespace

import altair as alt
from django.utils.translation import gettext as _

from rusfelt.core.charts import svg_data_uri
from rusfelt.core.models import Niva, OrgUnit

from .domain.report import (
    MISSING,
    NOT_APPLICABLE,
    Chart,
    Mark,
    Report,
    Section,
    Table,
    cell,
    decimal_comma,
    percent,
)

TREND_YEARS = 10

KEY_FIGURE_COLUMNS = [
    ("antall", "count"),
    ("rate_per_1000", "rate"),
    ("andel_levekarsindeks_gronn", "percent"),
    ("andel_rod_blalys", "percent"),
    ("andel_bostedslos", "percent"),
    ("andel_individuell_plan", "percent"),
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


def _format_key_figure(value, kind):
    if kind == "percent":
        return percent(value)
    if kind == "rate":
        return decimal_comma(value)
    return cell(value)


def _format_row(figures: dict) -> list[str]:
    return [_format_key_figure(figures.get(key), kind) for key, kind in KEY_FIGURE_COLUMNS]


def _key_figures(unit, year):
    try:
        from rusfelt.kartlegging.services import key_figures
    except ImportError:  # the capability is not installed
        return None
    return key_figures(unit, year)


def mapping_section(unit: OrgUnit, year: int, rules: list[str]) -> Section:
    section = Section(
        "kartlegging", _("Kartlegging"),
        intro=_(
            "Publiserte tall fra kartleggingen av tjenestemottakere. Tall fra 1 til 4 er "
            "prikket (:), og nok andre celler er skjult til at de ikke kan regnes ut."
        ),
        empty=_("Ingen publisert kartlegging for enheten dette året."),
    )
    rows = []
    for other in comparison_units(unit):
        figures = _key_figures(other, year)
        if figures is None:
            continue
        if figures.get("levekarsindeks_regel") and figures["levekarsindeks_regel"] not in rules:
            rules.append(figures["levekarsindeks_regel"])
        rows.append([other.name, *_format_row(figures)])
    if rows:
        section.tables.append(
            Table(
                _("Nøkkeltall %(year)s") % {"year": year},
                [_("Enhet"), *key_figure_headings()],
                rows,
                numeric=set(range(1, 1 + len(KEY_FIGURE_COLUMNS))),
            )
        )

    trend = []
    for y in range(year - TREND_YEARS + 1, year + 1):
        figures = _key_figures(unit, y)
        if figures is not None:
            trend.append((y, figures))
    if len(trend) > 1:
        section.tables.append(
            Table(
                _("Utvikling i %(unit)s") % {"unit": unit.name},
                [_("År"), *key_figure_headings()],
                [[str(y), *_format_row(f)] for y, f in trend],
                numeric=set(range(1, 1 + len(KEY_FIGURE_COLUMNS))),
            )
        )
        points = [
            {"year": str(y), "measure": label, "value": float(f[key])}
            for y, f in trend
            for key, label in [
                ("andel_levekarsindeks_gronn", _("Levekårsindeks grønn")),
                ("andel_rod_blalys", _("Rød + blålys")),
                ("andel_bostedslos", _("Bolig rød")),
            ]
            if _is_number(f.get(key))
        ]
        if points:
            chart = (
                alt.Chart(alt.Data(values=points))
                .mark_line(point=True)
                .encode(
                    x=alt.X("year:O", title=_("År"), axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("value:Q", title=_("Andel (%)")),
                    color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
                    strokeDash=alt.StrokeDash("measure:N", legend=None),
                )
                .properties(width=520, height=240)
            )
            section.charts.append(
                Chart(
                    _("Andeler over år i %(unit)s") % {"unit": unit.name},
                    svg_data_uri(chart),
                    _("Linjediagram over andelene i tabellen «Utvikling»."),
                )
            )
    return section


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def plan_section(unit: OrgUnit, year: int, user) -> Section:
    section = Section(
        "planer", _("Planer"),
        intro=_("Status for tiltakene i enhetens planer ved utgangen av året."),
        empty=_("Enheten har ingen planer i Rusfelt."),
    )
    try:
        from rusfelt.planer import services as plan_services
        from rusfelt.planer.models import Plan, Status
    except ImportError:
        return section
    plans = (
        Plan.objects.for_user(user)
        .filter(owner__in=OrgUnit.objects.descendants_of(unit))
        .select_related("owner")
        .order_by("owner__path", "period_from", "title")
    )
    statuses = list(Status)
    rows, points = [], []
    for plan in plans:
        counts = plan_services.status_counts(plan, year)
        total = sum(counts.values())
        rows.append(
            [plan.title, plan.owner.name]
            + [cell(counts.get(s.value, 0)) for s in statuses]
            + [cell(total)]
        )
        points.extend(
            {"plan": plan.title[:40], "status": str(s.label), "n": counts.get(s.value, 0)}
            for s in statuses
        )
    if rows:
        section.tables.append(
            Table(
                _("Tiltak etter status %(year)s") % {"year": year},
                [_("Plan"), _("Eier"), *[str(s.label) for s in statuses], _("Totalt")],
                rows,
                numeric=set(range(2, 3 + len(statuses))),
            )
        )
        chart = (
            alt.Chart(alt.Data(values=points))
            .mark_bar()
            .encode(
                y=alt.Y("plan:N", title=None),
                x=alt.X("n:Q", title=_("Antall tiltak"), stack="zero"),
                color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom")),
            )
            .properties(width=520, height=max(60, 40 * len(rows)))
        )
        section.charts.append(
            Chart(
                _("Tiltak etter status"), svg_data_uri(chart),
                _("Stolpediagram over tiltakene i hver plan etter status, som i tabellen."),
            )
        )
    return section


def build_report(unit: OrgUnit, year: int, user) -> Report:
    rules: list[str] = []
    sections = [
        mapping_section(unit, year, rules),
        indicator_section(unit, year),
        plan_section(unit, year, user),
    ]
    return Report(
        title=_("Kunnskapsgrunnlag for rusfeltet"),
        unit_code=unit.code,
        unit_name=unit.name,
        year=year,
        sections=sections,
        rules=rules,
    )


def _change_text(item, format_change) -> str:
    """The one-year change as the indicator pages print it; «.» where none can be computed."""
    if item.change is None:
        return NOT_APPLICABLE
    return format_change(SimpleNamespace(value=item.change, measure=item.measure))


JUDGEMENT_LABELS = {"gronn": _("Grønn"), "gul": _("Gul"), "rod": _("Rød"), "gra": _("Grå")}


def indicator_section(unit: OrgUnit, year: int) -> Section:
    section = Section(
        "indikatorer", _("Indikatorer"),
        intro=_(
            "Siste verdi til og med året, endring fra året før og vurdering, for hvert "
            "indikatorsett enheten har verdier i."
        ),
        empty=_("Ingen indikatorverdier for enheten dette året."),
    )
    try:
        from rusfelt.indikatorer.models import Indikator, Indikatorsett
        from rusfelt.indikatorer.services import judgements_for
        from rusfelt.indikatorer.templatetags.indikatorer_tags import format_change, format_value
    except ImportError:
        return section
    sets = Indikatorsett.objects.filter(
        indikatorer__verdier__unit=unit, indikatorer__verdier__year__lte=year
    ).distinct()
    for sett in sets:
        indicators = Indikator.objects.filter(
            sett=sett, verdier__unit=unit, verdier__year__lte=year
        ).distinct().order_by("number")
        rows = []
        for item in judgements_for(indicators, unit, year):
            ind = item.indikator
            rows.append([
                str(ind.number),
                ind.title,
                cell(item.year),
                format_value(item.value, ind.kind) or MISSING,
                _change_text(item, format_change),
                Mark(str(JUDGEMENT_LABELS[str(item.judgement)]), str(item.judgement)),
            ])
        section.tables.append(
            Table(
                sett.name,
                [_("Nr."), _("Indikator"), _("År"), _("Verdi"), _("Endring"), _("Vurdering")],
                rows,
                numeric={2, 3, 4},
            )
        )
    return section
