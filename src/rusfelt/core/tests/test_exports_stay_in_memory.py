"""Every document format is made in memory: no export's content touches the disk.

openpyxl's own ``Workbook.save`` writes each worksheet to a named temporary
file first; a process killed between that write and openpyxl's remove left a
planner's unsuppressed results or the audit log in the temporary directory.
Here the temporary directory does not exist, so any temporary file fails.
"""

import io
import tempfile
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from rusfelt.core.dokumenter import model as d
from rusfelt.core.dokumenter import render, sheets

NOWHERE = "/nonexistent/rusfelt-no-temporary-files"


@pytest.fixture
def no_temporary_directory(monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", NOWHERE)


def _document() -> d.Document:
    table = d.Table("Resultater", ["Enhet", "Antall", "Andel"], [
        ["Gamle Oslo", d.count(3), d.share(Decimal("12.5"))],
        ["=HYPERLINK(\"http://x\",\"y\")", d.count(17), d.share(Decimal("40.0"))],
    ], notes=["Tall under 5 vises ikke."])
    return d.Document("Resultater 2025", sections=[d.Section("Tabeller", [table])])


def test_openpyxl_on_its_own_needs_a_temporary_file(no_temporary_directory):
    """The reason for sheets.workbook_bytes: this is what every XLSX export did."""
    workbook = Workbook()
    workbook.active["A1"] = 3
    with pytest.raises(FileNotFoundError):
        workbook.save(io.BytesIO())


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx", "csv", "html"])
def test_a_document_is_made_without_a_temporary_file(no_temporary_directory, fmt):
    assert render.render(_document(), fmt)


def test_the_xlsx_made_in_memory_reads_back_whole(no_temporary_directory):
    ws = load_workbook(io.BytesIO(render.render(_document(), "xlsx"))).worksheets[0]
    assert [c.value for c in ws[3]] == ["Gamle Oslo", 3, 12.5]
    assert ws["A4"].data_type == "s" and ws["A4"].quotePrefix
    assert ws.freeze_panes == "B3"


def test_a_data_export_is_made_without_a_temporary_file(no_temporary_directory):
    content = sheets.xlsx_bytes([sheets.Sheet("Mangler", ["Tjeneste", "Telefon"],
                                              [["Rusakutten", "23 48 70 00"]])])
    ws = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Tjeneste", "Telefon"], ["Rusakutten", "23 48 70 00"]]


def test_the_xlsx_made_in_memory_is_what_openpyxls_own_save_writes(monkeypatch):
    """Every part of the package byte for byte as openpyxl's ``Workbook.save`` writes
    it (but the properties' modification time): only where the sheets pass differs."""
    in_memory = render.render(_document(), "xlsx")

    def openpyxl_save(workbook):
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    monkeypatch.setattr(sheets, "workbook_bytes", openpyxl_save)
    own = render.render(_document(), "xlsx")
    ours, theirs = zipfile.ZipFile(io.BytesIO(in_memory)), zipfile.ZipFile(io.BytesIO(own))
    assert ours.namelist() == theirs.namelist()
    for name in ours.namelist():
        if name != "docProps/core.xml":
            assert ours.read(name) == theirs.read(name), name
