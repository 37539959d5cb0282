"""The document pipeline, checked with tools we did not write.

PDF: poppler's ``pdfinfo`` must say ``Tagged: yes`` and carry the title and
author. DOCX: the XML of the file (python-docx only wrote it). XLSX: openpyxl
reading the file back. Helpers here are used by the report tests of the apps.
"""

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from decimal import Decimal

import pytest
from django.utils import numberformat
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rusfelt.core.dokumenter import html_writer, labels, render
from rusfelt.core.dokumenter import model as d
from rusfelt.core.dokumenter.formatting import format_cell, format_number, rounded

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdfinfo(content: bytes, tmp_path) -> dict[str, str]:
    """poppler's pdfinfo of ``content`` as a dict (poppler-utils is installed by .ci/run)."""
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing: apt-get install poppler-utils")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (k.strip(), v.strip()) for k, v in
        (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    )


def pdf_bookmarks(content: bytes, tmp_path) -> list[str]:
    """The bookmarks (outline) as poppler's pdftohtml reads them."""
    path = tmp_path / "outline.pdf"
    path.write_bytes(content)
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(path)],
                         capture_output=True, text=True, check=True).stdout
    outline = xml[xml.find("<outline>"):]
    return re.findall(r"<item[^>]*>([^<]*)</item>", outline)


def pdf_language(content: bytes) -> bytes | None:
    """The catalog's /Lang, read from the raw file (its objects are deflated)."""
    chunks = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1)
    return None


def docx_parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()
                if name.endswith(".xml")}


def assert_accessible_docx(content: bytes, *, title: str, author: str, images: int | None = None):
    """Title, author, language nb-NO, heading styles, header rows, alt text on every image."""
    parts = docx_parts(content)
    core, body, styles = parts["docProps/core.xml"], parts["word/document.xml"], \
        parts["word/styles.xml"]
    assert f"<dc:title>{title}</dc:title>" in core
    assert f"<dc:creator>{author}</dc:creator>" in core
    assert "<dc:language>nb-NO</dc:language>" in core
    assert re.search(r'<w:rPrDefault><w:rPr>.*<w:lang w:val="nb-NO"', styles, re.S)
    assert '<w:pStyle w:val="Title"/>' in body
    assert '<w:pStyle w:val="Heading1"/>' in body
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
    assert tables, "no table in the document"
    for table in tables:
        first_row = re.search(r"<w:tr[ >].*?</w:tr>", table, re.S).group(0)
        assert '<w:tblHeader w:val="true"/>' in first_row
    pictures = re.findall(r"<wp:docPr [^>]*>", body)
    for picture in pictures:
        descr = re.search(r'descr="([^"]*)"', picture)
        assert descr and descr.group(1).strip(), picture
    if images is not None:
        assert len(pictures) == images


def xlsx_sheets(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets


def sample() -> d.Document:
    table = d.Table("Nøkkeltall", ["Enhet", "Kartlagt", "Andel", "Per 1 000", "Kostnad",
                                   "Vurdering"], [
        ["Stavanger", d.count(1234), d.share(Decimal("67.45")), d.rate("9.4"),
         d.money(1500000), d.text("Grønn", tone="gronn")],
        ["Madla", d.count(":"), d.share(None), d.rate(0), d.money(0), d.text("Grå", "gra")],
        ["Hundvåg", d.count(0), d.share("-"), d.rate(".."), d.money(None),
         d.text("Rød", "rod")],
    ], notes=["Tallene er oppdiktet."])
    chart_table = d.Table("Kartlagt per år", ["År", "Kartlagt"],
                          [["2018", d.count(10)], ["2019", d.count(12)]])
    chart = d.Chart("Kartlagt per år", {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"ar": "2018", "n": 10}, {"ar": "2019", "n": 12}]},
        "mark": "bar", "encoding": {"x": {"field": "ar", "type": "ordinal"},
                                    "y": {"field": "n", "type": "quantitative"}},
    }, "Stolpediagram: 10 kartlagt i 2018 og 12 i 2019.", chart_table)
    return d.Document(
        "Statusrapport 2021", author="Stavanger kommune", subject="Status for planen",
        subtitle="Ruspolitisk handlingsplan", rules=["levekarsindeks-v1"],
        sections=[
            d.Section("Om planen", [d.Facts([("Eier", "Stavanger kommune"),
                                             ("Tiltak", d.count(38))]),
                                    d.Paragraph("En oversikt.")]),
            d.Section("Nøkkeltall", [table]),
            d.Section("Utvikling", [chart]),
        ],
    )


# --- Number formatting ------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    pytest.param(d.count(1234), "1\xa0234", id="count-grouped"),
    pytest.param(d.count(0), "-", id="count-zero-is-ssb-dash"),
    pytest.param(d.count(":"), ":", id="suppressed"),
    pytest.param(d.share(Decimal("67.45")), "67,5\xa0%", id="share-rounds-half-up"),
    pytest.param(d.share(Decimal("0.05")), "0,1\xa0%", id="half-up-not-banker"),
    pytest.param(d.share(None), "..", id="missing"),
    pytest.param(d.share("-1.25", signed=True, unit="p.p."), "-1,3\xa0p.p.", id="signed-neg"),
    pytest.param(d.share("1.2", signed=True, unit="p.p."), "+1,2\xa0p.p.", id="signed-pos"),
    pytest.param(d.rate("9.4"), "9,4", id="rate"),
    pytest.param(d.money(1500000), "1\xa0500\xa0000\xa0kr", id="money"),
    pytest.param(d.number("3.413", 2), "3,41", id="number-decimals"),
    pytest.param(d.number("-0.04", 1), "0,0", id="no-negative-zero"),
])
def test_cells_are_written_the_norwegian_way(cell, expected):
    assert format_cell(cell) == expected


def test_a_number_that_is_no_number_is_refused():
    with pytest.raises(ValueError):
        d.count("mange")


def test_format_number_agrees_with_djangos_norwegian_locale():
    """Django's own nb locale (not our code) formats the same figure the same way."""
    from django.utils import formats, translation

    with translation.override("nb"):
        django_text = formats.number_format(Decimal("1234567.8"), 1, use_l10n=True,
                                            force_grouping=True)
    assert format_number(Decimal("1234567.8"), 1) == django_text


@settings(max_examples=300, deadline=None)
@given(value=st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"),
                         allow_nan=False, allow_infinity=False, places=4),
       decimals=st.integers(min_value=0, max_value=3), signed=st.booleans())
def test_format_number_writes_what_djangos_numberformat_writes(value, decimals, signed):
    """The fast path (Python's grouping, then the Norwegian marks) against Django's own
    ``numberformat`` on the same rounded figure."""
    figure = rounded(value, decimals)
    figure = abs(figure) if figure == 0 else figure
    django_text = numberformat.format(figure, ",", decimal_pos=decimals, grouping=3,
                                      thousand_sep="\xa0", force_grouping=True)
    expected = f"+{django_text}" if signed and figure > 0 else django_text
    assert format_number(value, decimals, signed=signed) == expected


# --- Labels and colours -----------------------------------------------------------------


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio)."""
    def luminance(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("key", sorted(labels.TONES))
def test_every_tone_has_a_word_and_readable_contrast(key):
    tone = labels.TONES[key]
    assert labels.label(key)
    assert _contrast(tone.background, tone.foreground) >= 4.5


def test_the_stylesheet_uses_the_colours_of_the_labels_module():
    from django.contrib.staticfiles import finders

    css = open(finders.find("rusfelt/css/site.css"), encoding="utf-8").read()
    for key, tone in labels.TONES.items():
        rule = re.search(rf"\.judgement--{key} {{ background: ([^;]+); color: ([^;]+); }}", css)
        assert rule, key
        values = [re.sub(r"var\(--(.+)\)", lambda m: re.search(
            rf"--{m.group(1)}: (#[0-9a-f]+)", css).group(1), v) for v in rule.groups()]
        assert values == [tone.background, tone.foreground], key


# --- The writers -----------------------------------------------------------------------


def test_the_pdf_is_tagged_with_title_author_and_bookmarks(tmp_path):
    pdf = render.render(sample(), "pdf")
    info = pdfinfo(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Statusrapport 2021 – Ruspolitisk handlingsplan"
    assert info["Author"] == "Stavanger kommune"
    assert info["Subject"] == "Status for planen"
    assert pdf_language(pdf) == b"nb-NO"
    assert pdf_bookmarks(pdf, tmp_path) == ["Statusrapport 2021", "Om planen", "Nøkkeltall",
                                            "Utvikling", "Tegn og regler"]


def test_the_docx_has_headings_header_rows_alt_text_language_and_metadata():
    assert_accessible_docx(render.render(sample(), "docx"), title="Statusrapport 2021",
                           author="Stavanger kommune", images=1)


def test_the_xlsx_holds_numbers_as_numbers_and_symbols_only_where_none_exists():
    ws = xlsx_sheets(render.render(sample(), "xlsx"))[0]
    assert ws.freeze_panes == "B3"
    assert [c.value for c in ws[2]] == ["Enhet", "Kartlagt", "Andel", "Per 1 000", "Kostnad",
                                        "Vurdering"]
    stavanger, madla, hundvag = ws[3], ws[4], ws[5]
    assert [(c.value, c.data_type) for c in stavanger[1:5]] == [
        (1234, "n"), (67.45, "n"), (9.4, "n"), (1500000, "n")]
    assert stavanger[1].number_format == '#,##0;-#,##0;"-"'
    assert stavanger[2].number_format == '#,##0.0\\ "%";-#,##0.0\\ "%";#,##0.0\\ "%"'
    assert [(c.value, c.data_type) for c in madla[1:5]] == [
        (":", "s"), ("..", "s"), (0, "n"), (0, "n")]
    # A zero is the number 0 (shown as «-» by its format), never the text «-».
    assert [(c.value, c.data_type) for c in hundvag[1:3]] == [(0, "n"), (0, "n")]
    assert stavanger[5].value == "Grønn"
    assert stavanger[5].fill.fgColor.rgb.endswith(labels.TONES["gronn"].background[1:].upper())


def trend_sample() -> d.Document:
    """Stavanger's shape (seed 004 L325-348): a gap, a break on a year and on a value."""
    table = d.Table("Utvikling", ["År", "Kartlagt", "Andel"], [
        [d.year(2014), d.count(797), d.share("10.0")],
        [d.year(2015, brudd=True), d.count(688), d.share("12.5")],
        [d.year(2016), d.count(676), d.Cell(d.Kind.SHARE, Decimal("9.5"), 1, "%", marks=" |")],
        [d.year(2017), d.symbol(d.MISSING), d.symbol(d.MISSING)],
    ], notes=["2015 | Aldersgruppene endret", "2017 .. Ikke kartlagt"])
    return d.Document("Utvikling", sections=[d.Section("Utvikling", [table])])


def test_a_break_in_series_is_marked_in_every_format():
    document = trend_sample()
    assert document.symbols_used() == [d.MISSING, d.BREAK]
    html = render.render(document, "html").decode()
    assert '<th scope="row" class="marked">2015 |</th>' in html
    assert "9,5\xa0% |" in html
    assert "«|» brudd i serien" in html
    assert "2015 |,688,12.5" in render.render(document, "csv").decode("utf-8-sig")
    body = docx_parts(render.render(document, "docx"))["word/document.xml"]
    assert "<w:t>2015 |</w:t>" in body and "«|» brudd i serien" in body


def test_the_xlsx_keeps_a_marked_figure_a_number_and_shows_the_mark():
    ws = xlsx_sheets(render.render(trend_sample(), "xlsx"))[0]
    assert [ws.cell(row=r, column=1).value for r in range(3, 7)] == [
        "2014", "2015 |", "2016", "2017"]
    marked = ws.cell(row=5, column=3)
    assert (marked.value, marked.data_type) == (9.5, "n")
    assert marked.number_format == ('#,##0.0\\ "%"" |";-#,##0.0\\ "%"" |";'
                                    '#,##0.0\\ "%"" |"')
    assert [ws.cell(row=6, column=c).value for c in (2, 3)] == ["..", ".."]
    notes = [ws.cell(row=r, column=1).value for r in range(8, 11)]
    assert notes == ["2015 | Aldersgruppene endret", "2017 .. Ikke kartlagt",
                     "Tegn: «..» mangler, «|» brudd i serien."]


def test_the_html_marks_headers_and_language():
    html = render.render(sample(), "html").decode()
    assert '<html lang="nb-NO">' in html
    assert '<th scope="col" class="num">Kartlagt</th>' in html
    assert '<th scope="row">Stavanger</th>' in html
    assert '<caption>Nøkkeltall</caption>' in html
    assert 'alt="Stolpediagram: 10 kartlagt i 2018 og 12 i 2019."' in html
    assert '<span class="judgement judgement--gronn">Grønn</span>' in html
    assert "«:» prikket for personvern" in html


def test_the_html_rows_are_formatted_once_in_python_and_escaped():
    """A table's body rows come to the template as finished markup (per cell in the
    template they were most of a report page's rendering time, issue 12): row header,
    classes, tone and comment as the template wrote them, every text escaped."""
    table = d.Table("Rader", ["Enhet", "Antall", "Vurdering"], [
        [d.text("A & <B>"), d.count(1200), d.text("Rød", tone="rod")],
        [d.year(2015, brudd=True), d.Cell(d.Kind.SHARE, Decimal("9.5"), 1, "%", marks=" |"),
         d.text("..", comment='«x» "y" <z>')],
    ])
    document = d.Document("T", sections=[d.Section("S", [table])])
    rows = html_writer.context(document)["sections"][0]["blocks"][0]["rows"]
    assert rows == [
        '<tr><th scope="row">A &amp; &lt;B&gt;</th><td class="num">1\xa0200</td>'
        '<td><span class="judgement judgement--rod">Rød</span></td></tr>',
        '<tr><th scope="row" class="marked">2015 |</th><td class="num marked">9,5\xa0% |</td>'
        '<td><abbr title="«x» &quot;y&quot; &lt;z&gt;">..</abbr></td></tr>',
    ]
    html = render.render(document, "html").decode()
    assert all(row in html for row in rows)


def test_the_csv_writes_figures_plainly():
    text = render.render(sample(), "csv").decode("utf-8-sig")
    assert "Stavanger,1234,67.45,9.4,1500000,Grønn" in text
    assert "Madla,:,..,0,0,Grå" in text


def test_a_chart_without_a_text_alternative_is_refused():
    with pytest.raises(ValueError):
        d.Chart("Uten alt", {}, " ", d.Table("t", ["a"], []))
