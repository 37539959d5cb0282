"""Staff pages: a blank instrument as a tagged PDF, checked with poppler's pdfinfo."""

import subprocess

import pytest


def pdfinfo(tmp_path, data: bytes, *flags) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", *flags, str(path)], capture_output=True, text=True,
                          check=True).stdout


def pdftext(tmp_path, data: bytes) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.django_db
def test_the_blank_form_needs_a_login(client):
    response = client.get("/screening/skjema/audit.pdf")
    assert response.status_code == 302
    assert "/logg-inn/" in response["Location"]


@pytest.mark.django_db
def test_staff_index_lists_the_instruments(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    html = client.get("/screening/").content.decode()
    for code in ("audit", "audit-c", "dudit"):
        assert f"/screening/skjema/{code}.pdf" in html


@pytest.mark.django_db
def test_blank_audit_is_a_tagged_pdf_ua_with_the_norwegian_items(client, oslo_planlegger,
                                                                  tmp_path):
    client.force_login(oslo_planlegger)
    response = client.get("/screening/skjema/audit.pdf")
    assert response["Content-Type"] == "application/pdf"
    info = pdfinfo(tmp_path, response.content)
    assert "Tagged:          yes" in info
    # PDF/UA-1 identification in the XMP metadata (ISO 14289-1, 5).
    assert 'pdfuaid:part="1"' in pdfinfo(tmp_path, response.content, "-meta")
    assert "Title:           AUDIT" in info
    text = pdftext(tmp_path, response.content)
    assert "Hvor ofte drikker du alkohol?" in text
    assert "Ja, i løpet av siste år" in text
    assert "nhi.no" in text


@pytest.mark.django_db
def test_blank_audit_as_docx_has_the_items_as_tables_in_norwegian(client, oslo_planlegger):
    import io

    from docx import Document

    client.force_login(oslo_planlegger)
    response = client.get("/screening/skjema/audit.docx")
    assert response["Content-Disposition"].endswith('audit-nb.docx"')
    doc = Document(io.BytesIO(response.content))
    assert doc.core_properties.language == "nb-NO"
    assert doc.core_properties.title.startswith("AUDIT")
    # One table per item; item 9 has three options scoring 0, 2 and 4 (WHO's AUDIT).
    item_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Svar"]
    assert len(item_tables) == 10
    ninth = [[c.text for c in row.cells] for row in item_tables[8].rows[1:]]
    assert [row[1] for row in ninth] == ["0", "2", "4"]  # points on a form, not a statistic
    assert all(row[2] == "☐" for row in ninth)


@pytest.mark.django_db
def test_blank_dudit_falls_back_to_the_english_wording(client, oslo_planlegger, tmp_path):
    client.force_login(oslo_planlegger)
    response = client.get("/screening/skjema/dudit.pdf")
    assert response["Content-Disposition"].endswith('dudit-en.pdf"')
    text = pdftext(tmp_path, response.content)
    assert "How often do you use drugs other than alcohol?" in text
