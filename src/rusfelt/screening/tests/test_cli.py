"""``rusfelt screening skar``: the JSON of issue #16, and exit code 2 on bad input."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args):
    out = StringIO()
    call_command("screening", "skar", *args, stdout=out)
    return json.loads(out.getvalue())


def test_audit_prints_sum_category_and_zone():
    # Items 1-8: 1 point each; item 9 "Ja, men ikke i løpet av siste år" (2); item 10 "Nei".
    assert run("--instrument", "audit", "--kjonn", "kvinne", "--svar",
               "1,1,1,1,1,1,1,1,1,0") == {
        "instrument": "audit", "sum": 10, "kategori": "okt_risiko", "sone": 2}


def test_audit_c_and_dudit():
    assert run("--instrument", "audit-c", "--kjonn", "mann", "--svar", "2,1,1") == {
        "instrument": "audit-c", "sum": 4, "kategori": "under_grense"}
    assert run("--instrument", "dudit", "--kjonn", "kvinne", "--svar",
               "0,0,0,0,0,0,0,0,0,1,0") == {
        "instrument": "dudit", "sum": 2, "kategori": "sannsynlig_problem"}


def test_the_output_is_exactly_one_json_object():
    out = StringIO()
    call_command("screening", "skar", "--instrument", "audit-c", "--kjonn", "kvinne",
                 "--svar", "0,0,0", stdout=out)
    assert out.getvalue() == '{"instrument": "audit-c", "sum": 0, "kategori": "under_grense"}\n'


@pytest.mark.parametrize(("svar", "message"), [
    ("0,0", "AUDIT-C har 3 spørsmål, men det kom 2 svar"),
    ("0,0,5", "spørsmål 3 må være et tall fra 0 til 4"),
    ("0,x,0", "hele tall"),
])
def test_bad_answers_raise_a_norwegian_error_with_code_2(svar, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("screening", "skar", "--instrument", "audit-c", "--kjonn", "mann",
                     "--svar", svar, stdout=StringIO())
    assert info.value.returncode == 2


def test_exit_code_2_from_the_real_command_line():
    proc = subprocess.run(
        [sys.executable, "-m", "rusfelt.manage", "screening", "skar", "--instrument", "audit",
         "--kjonn", "mann", "--svar", "0,0,0"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "rusfelt.settings.test"},
    )
    assert proc.returncode == 2
    assert "AUDIT har 10 spørsmål, men det kom 3 svar" in proc.stderr
    assert proc.stdout == ""


def test_success_from_the_real_command_line():
    proc = subprocess.run(
        [sys.executable, "-m", "rusfelt.manage", "screening", "skar", "--instrument", "dudit",
         "--kjonn", "mann", "--svar", "4,4,4,4,4,4,4,0,0,2,2"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "rusfelt.settings.test"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "instrument": "dudit", "sum": 36, "kategori": "sannsynlig_avhengighet"}
