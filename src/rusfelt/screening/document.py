"""A blank instrument as a tagged PDF (PDF/UA-1) for staff to print.

WeasyPrint from an HTML template, until a shared document pipeline lands.
"""

from pathlib import Path

from django.template.loader import render_to_string

from .domain.instruments import Instrument

CSS_PATH = Path(__file__).parent / "static" / "screening" / "blank.css"


def blank_html(instrument: Instrument, lang: str) -> str:
    items = [
        {"number": item.number, "text": item.text[lang],
         "options": [(o.points, o.text[lang]) for o in item.options]}
        for item in instrument.items
    ]
    return render_to_string("screening/blank_document.html", {
        "instrument": instrument,
        "version": instrument.versions[lang],
        "items": items,
        "lang": lang,
        "footnote": instrument.footnote.get(lang),
        "css": CSS_PATH.read_text(),
    })


def blank_pdf(instrument: Instrument, lang: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=blank_html(instrument, lang)).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True,
    )
