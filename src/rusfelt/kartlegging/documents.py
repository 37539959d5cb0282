"""A round's results as a document (the results XLSX): counts and shares as numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rusfelt.core.dokumenter import model as d

from . import results as results_mod
from .models import Runde
from .presentation import published_footnote
from .texts import ROW_LABELS, TABLE_TITLES, missing_notes

#: Rows that name a level get its colour beside the word (not the areas' own rows).
LEVEL_ROWS = {"gronn", "gul", "rod", "blalys"}


def results_document(runde: Runde, data: dict) -> d.Document:
    """The (published, suppressed) results ``data`` of ``runde``, one table per results table."""
    rule = data.get("rule") or runde.levekarsindeks_regel
    about = d.Section(_("Om tallene"), [d.Facts([
        (_("Runde"), runde.code),
        (_("Enhet"), runde.unit.name),
        (_("Kartlagt"), d.count(data["n"])),
        (_("Per 1 000 innbyggere 16 år+"), d.rate(data.get("rate_per_1000"))),
        (_("Levekårsindeks"), _("regel %(rule)s") % {"rule": rule}),
    ])], key="om")
    sections = [about]
    # Published tables carry the note on «:» and the suppression method.
    footnote = published_footnote(data)
    for t in results_mod.with_missing(data):
        header = [""]
        for col in t["cols"]:
            label = str(ROW_LABELS.get(col, col))
            header += [label, _("%(col)s, andel") % {"col": label}]
        rows = []
        for row in results_mod.share_rows(data, t):
            label = str(ROW_LABELS.get(row["key"], row["key"]))
            tone = row["key"] if row["key"] in LEVEL_ROWS and t["name"] != "levekarsomrader" \
                else ""
            cells = [d.text(label, tone=tone)]
            for c in row["cells"]:
                cells += [d.count(c["count"]),
                          d.share(c["share"]) if c["share"] is not None or c["count"] is None
                          else d.text("")]
            rows.append(cells)
        title = str(TABLE_TITLES.get(t["name"], t["name"]))
        notes = [footnote] if footnote else []
        notes += missing_notes(t)
        sections.append(d.Section(title, [d.Table(title, header, rows, notes=notes)],
                                  key=t["name"]))
    return d.Document(
        _("Kartlegging %(code)s") % {"code": runde.code}, sections,
        subtitle=runde.unit.name, author=runde.unit.name,
        subject=_("Resultater av kartleggingen %(year)s") % {"year": runde.year},
        rules=[rule], filename=f"kartlegging-{runde.code}",
    )
