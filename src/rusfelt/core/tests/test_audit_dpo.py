"""The data protection officer reads the audit log of their units (issue 15, item 4)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rusfelt.conftest import PASSWORD
from rusfelt.core import audit, services
from rusfelt.core.domain.tilganger import GRANT, REVOKE, Holding, holdings
from rusfelt.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user("oslo-pvo", ("0301", "personvernombud"))


@pytest.fixture
def oslo_events(client, units, oslo_leser, bergen_planlegger, admin_user, make_user):
    """A login, a failed login, a read, a change, an export and a grant in Oslo; one in Bergen."""
    Client().post(reverse("core:login"), {"username": oslo_leser.username, "password": PASSWORD})
    fail_login(oslo_leser.username)
    audit.record(AuditAction.READ, user=oslo_leser, unit=units["030104"],
                 detail={"runde": "030104-2019", "year": 2019})
    audit.record(AuditAction.UPDATE, user=oslo_leser, obj=units["0301"], detail={"f": 1})
    audit.record(AuditAction.EXPORT, user=oslo_leser, unit=units["0301"],
                 detail={"export": "rapport"})
    newcomer = make_user("oslo-ny", home="0301")
    services.grant_role(granter=admin_user, grantee=newcomer, unit=units["030104"],
                        role="kartlegger")
    audit.record(AuditAction.EXPORT, user=bergen_planlegger, unit=units["4601"],
                 detail={"export": "bergen-hemmelig"})
    fail_login(bergen_planlegger.username)


def fail_login(username):
    Client().post(reverse("core:login"), {"username": username, "password": "feil-passord-9"})


def listed(response) -> str:
    return response.content.decode()


def test_the_officer_reads_the_log_of_their_units(client, officer, oslo_events):
    client.force_login(officer)
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 200
    actions = {e.action for e in response.context["page"]}
    assert {"login", "login_failed", "read", "update", "export", "grant"} <= actions
    assert all(e.username != "bergen-planlegger" for e in response.context["page"])
    assert "bergen-hemmelig" not in listed(response)
    assert "year=2019" in listed(response) and "2 019" not in listed(response)
    # The navigation leads there.
    assert reverse("core:audit_log") in listed(client.get(reverse("core:home")))


def test_people_without_the_role_still_get_403(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    assert client.get(reverse("core:audit_log")).status_code == 403


@pytest.mark.parametrize(("query", "expected"), [
    ({"action": "login_failed"}, {"login_failed"}),
    ({"username": "oslo-leser", "action": "export"}, {"export"}),
    ({"unit": "030104"}, {"read", "grant", "login", "login_failed", "export", "update"}),
])
def test_filters_narrow_the_log(client, officer, oslo_events, query, expected):
    client.force_login(officer)
    page = client.get(reverse("core:audit_log"), query).context["page"]
    assert {e.action for e in page} <= expected
    assert {e.action for e in page} & expected


def test_the_unit_filter_keeps_other_units_out(client, officer, oslo_events, units):
    audit.record(AuditAction.EXPORT, unit=units["030101"], detail={"export": "gamle-oslo"})
    client.force_login(officer)
    page = client.get(reverse("core:audit_log"), {"unit": "030104"}).context["page"]
    units_seen = {e.unit.code for e in page if e.unit}
    assert units_seen == {"030104"}


def test_a_unit_outside_the_officers_scope_is_refused(client, officer, oslo_events):
    client.force_login(officer)
    response = client.get(reverse("core:audit_log"), {"unit": "4601", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "bergen-hemmelig" not in listed(response)


def test_the_period_filter(client, officer, oslo_events):
    client.force_login(officer)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert not list(client.get(reverse("core:audit_log"), {"date_from": tomorrow}
                               ).context["page"])


def test_csv_and_xlsx_exports_are_audited(client, officer, oslo_events):
    client.force_login(officer)
    response = client.get(reverse("core:audit_log"), {"action": "login_failed", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Tidspunkt", "Bruker", "Hendelse"]
    assert {r[2] for r in rows[1:]} == {"Mislykket innlogging"}
    assert {r[1] for r in rows[1:]} == {"oslo-leser"}
    response = client.get(reverse("core:audit_log"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert any(c.value == "Tilgang gitt" for row in sheet.iter_rows() for c in row)
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, user=officer)
    assert {e.detail["format"] for e in exports} == {"csv", "xlsx"}
    assert exports.filter(detail__filter__action="login_failed").exists()


T = [datetime(2024, m, 1, tzinfo=UTC) for m in range(1, 13)]


def test_holdings_replay_grants_and_revokes():
    events = [(T[1], GRANT, "kari", "0301", "kartlegger"),
              (T[4], REVOKE, "kari", "0301", "kartlegger"),
              (T[3], REVOKE, "ola", "030104", "leser"),  # granted before the log began
              (T[6], GRANT, "kari", "0301", "kartlegger")]
    current = [("kari", "0301", "kartlegger", T[6]), ("per", "0301", "leser", T[8])]
    assert holdings(events, current) == [
        Holding("kari", "0301", "kartlegger", T[1], T[4]),
        Holding("kari", "0301", "kartlegger", T[6], None),
        Holding("per", "0301", "leser", T[8], None),
        Holding("ola", "030104", "leser", None, T[3]),
    ]


@pytest.mark.parametrize(("first", "last", "held"), [
    (T[0], T[0], False), (T[0], T[2], True), (T[5], T[5], True), (T[9], None, False),
    (None, None, True),
])
def test_a_holding_overlaps_a_period(first, last, held):
    assert Holding("kari", "0301", "leser", T[2], T[8]).overlaps(first, last) is held


def test_the_access_overview_lists_who_had_access_in_a_period(client, officer, admin_user,
                                                             make_user, units):
    gone = make_user("oslo-borte", home="0301")
    grant = services.grant_role(granter=admin_user, grantee=gone, unit=units["030104"],
                                role="kartlegger")
    services.revoke_grant(grant, by=admin_user)
    AuditEvent.objects.create(action=AuditAction.READ, username="x", unit=units["0301"],
                              object_type="kartlegging.runde", detail={"year": 2019})
    client.force_login(officer)
    today = datetime.now(UTC).date()
    html = listed(client.get(reverse("kartlegging:access_overview"),
                             {"date_from": today.isoformat()}))
    assert "oslo-borte" in html  # revoked today, but held in the period
    assert "year=2019" in html and "2 019" not in html
    later = (today + timedelta(days=3)).isoformat()
    html = listed(client.get(reverse("kartlegging:access_overview"), {"date_from": later}))
    assert "oslo-borte" not in html
    assert "oslo-pvo" in html
