import io

import pytest
from django.core.management import call_command

from rusfelt.core.models import Grant, OrgUnit, Population

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        OrgUnit.objects.count(), Population.objects.count(), Grant.objects.count(),
        sorted(OrgUnit.objects.values_list("code", "path")),
    )


def test_loaddemo_loads_the_units_and_can_run_twice(django_user_model):
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    first = snapshot()
    call_command("loaddemo", stdout=io.StringIO())
    assert snapshot() == first

    assert OrgUnit.objects.filter(level="bydel", parent__code="0301").count() == 15
    assert OrgUnit.objects.filter(level="bydel", parent__code="4601").count() == 8
    assert OrgUnit.objects.get(code="030101").name == "Gamle Oslo"
    assert OrgUnit.objects.get(code="030115").name == "Søndre Nordstrand"
    assert OrgUnit.objects.get(code="030104").name == "St. Hanshaugen"
    assert OrgUnit.objects.get(code="1103").parent.code == "11"
    # A login is printed for each role.
    for role in ["Administrator", "Planlegger", "Kartlegger", "Leser"]:
        assert f"{role} på" in out.getvalue()
    assert django_user_model.objects.get(username="admin").check_password("rusfelt-demo-2026")
