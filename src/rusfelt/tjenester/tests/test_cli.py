import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from rusfelt.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("tjenester", *args, stdout=out)
    return out.getvalue()


def test_liste_and_foreldet(make_tjeneste):
    make_tjeneste("sth-rusteam", name="Rusteamet", unit="030104")
    make_tjeneste("gammel", name="Gammel", unit="0301", verified_on=date(2024, 1, 1))
    make_tjeneste("bergen", name="Bergen", unit="4601")
    assert "2 tjenester." in run("liste", "--enhet", "0301")
    with time_machine.travel(datetime(2026, 11, 22, tzinfo=ZoneInfo("Europe/Oslo"))):
        out = run("foreldet", "--enhet", "0301")
    assert "gammel" in out and "1 tjenester må kontrolleres." in out


def test_unknown_unit_is_a_clear_error(make_tjeneste):
    with pytest.raises(CommandError, match="Fant ingen enhet med kode «9999»"):
        run("liste", "--enhet", "9999")


def test_sok_uses_the_same_search(make_tjeneste):
    make_tjeneste("poli", name="Poliklinikk", description="Behandling for rusproblemer.")
    assert "Poliklinikk" in run("sok", "rusbehandling")
    with pytest.raises(CommandError, match="Ugyldig søk"):
        run("sok", "x", "--sted", "nowhere")


def test_hsds_export_to_file_is_audited(make_tjeneste, tmp_path):
    make_tjeneste("poli", name="Poliklinikk")
    target = tmp_path / "hsds.json"
    assert "1 tjenester skrevet" in run("hsds", str(target), "--base-url", "https://x.no")
    data = json.loads(target.read_text())
    assert data["contents"][0]["url"] == "https://x.no/tjenester/poli/"
    assert AuditEvent.objects.filter(action="export", detail__via="cli").count() == 1
