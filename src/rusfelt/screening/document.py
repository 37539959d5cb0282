"""A blank instrument as a document for staff to print (PDF/UA-1 or DOCX).

Built as the neutral document of ``core.dokumenter`` and rendered by its
writers, like every other report: one table per item with its answer
options, their points and a box to tick. The wording is the instrument's
published wording in ``lang`` (``domain.instruments``), never ours.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from rusfelt.core.dokumenter import model as d

from .domain.instruments import Instrument

BOX = "☐"
BLANK = "_" * 24


def blank_document(instrument: Instrument, lang: str) -> d.Document:
    """The instrument's items and options in ``lang``, with fields to fill in by hand."""
    version = instrument.versions[lang]
    with translation.override(lang):
        fill = d.Facts([(_("Navn/ID"), BLANK), (_("Dato"), BLANK),
                        (_("Kjønn"), f"{BOX} {_('Kvinne')}   {BOX} {_('Mann')}")])
        items = d.Section(_("Spørsmål"), [fill], key="sporsmal")
        for item in instrument.items:
            items.add(d.Table(
                f"{item.number}. {item.text[lang]}",
                [_("Svar"), _("Poeng"), _("Kryss")],
                [[d.text(o.text[lang]), d.text(str(o.points)), d.text(BOX)]
                 for o in item.options]))
        items.add(d.Paragraph(_("Sum: ________ av %(max)s poeng")
                              % {"max": instrument.max_points}))
        if instrument.footnote.get(lang):
            items.add(d.Paragraph(instrument.footnote[lang], note=True))
        return d.Document(
            title=f"{instrument.name} – {version.title}",
            subtitle=f"{instrument.publisher}. {instrument.licence}",
            author=instrument.publisher,
            subject=instrument.reference,
            language="nb-NO" if lang == "nb" else "en-GB",
            sections=[items],
            notes=[_("Kilde: %(source)s") % {"source": version.source}],
            filename=f"{instrument.code}-{lang}",
        )
