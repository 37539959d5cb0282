"""The demo's 2019 rounds carry AUDIT/DUDIT results; published and audited (issue #16)."""

import json

import pytest
from django.core.management import call_command

from rusfelt.indikatorer.models import Verdi
from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import Runde
from rusfelt.screening.models import ScreeningResultat

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(units):
    from rusfelt.core import demo as core_demo

    core_demo.load()
    demo.load()
    return {r.code: r for r in Runde.objects.all()}


def test_demo_screening_is_published_and_the_intruder_finds_nothing(demo_data, units, capsys):
    sth = demo_data["030104-2019"]
    assert ScreeningResultat.objects.filter(registrering__runde=sth).count() > 100
    assert not ScreeningResultat.objects.exclude(registrering__runde=sth).exists()
    call_command("kartlegging", "publisert", "--enhet", "0301", "--ar", "2019",
                 "--format", "json")
    enheter = json.loads(capsys.readouterr().out)["enheter"]
    names = {t["navn"] for t in enheter["030104"]["tabeller"]}
    assert {"screening_screenet", "screening_audit_kjonn", "screening_dudit_tjeneste"} <= names
    # Oslo's sum of its 15 bydeler carries them too.
    assert "screening_dudit" in {t["navn"] for t in enheter["0301"]["tabeller"]}
    own, elsewhere, _pubs = services.revisjon(units["0301"], 2019)
    assert own and not [i for i in own + elsewhere if i.exposed]
    screened = Verdi.objects.get(indikator__key="andel_screenet", unit=units["030104"],
                                 year=2019)
    assert screened.value is not None and 40 < screened.value < 80
