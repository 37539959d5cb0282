"""The audit log: who, when, what, which object, from where; append-only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.conftest import PASSWORD
from rusfelt.core import audit
from rusfelt.core.models import AuditAction, AuditEvent
from rusfelt.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_login_is_logged_with_user_and_address(client, oslo_planlegger):
    client.post(
        reverse("core:login"),
        {"username": oslo_planlegger.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.user == oslo_planlegger
    assert event.ip_address == "192.0.2.10"


def test_a_failed_login_is_logged_without_the_password(client, oslo_planlegger):
    client.post(
        reverse("core:login"),
        {"username": oslo_planlegger.username, "password": "feil-passord-999"},
        REMOTE_ADDR="192.0.2.11",
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.username == oslo_planlegger.username
    assert event.user is None
    assert "feil-passord" not in str(event.detail)


def test_logout_is_logged(client, oslo_planlegger):
    client.force_login(oslo_planlegger)
    client.post(reverse("core:logout"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, user=oslo_planlegger).exists()


def test_a_grant_and_its_revocation_are_logged(client, admin_user, make_user, units):
    grantee = make_user("grantee", home="1103")
    client.force_login(admin_user)
    client.post(
        reverse("core:user_detail", args=[grantee.pk]),
        {"unit": units["1103"].pk, "role": Role.LESER},
        REMOTE_ADDR="192.0.2.12",
    )
    granted = AuditEvent.objects.get(action=AuditAction.GRANT)
    assert granted.user == admin_user
    assert granted.unit == units["1103"]
    assert granted.detail == {"grantee": "grantee", "role": "leser"}
    assert granted.ip_address == "192.0.2.12"

    grant = grantee.grants.get()
    client.post(reverse("core:grant_revoke", args=[grant.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE, object_id=str(grant.pk)).exists()


def test_the_log_is_append_only(oslo_planlegger):
    event = audit.record(AuditAction.EXPORT, user=oslo_planlegger, detail={"rows": 3})
    event.detail = {"rows": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(username="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"rows": 3}


def test_administrators_read_the_log_and_its_export_is_logged(client, admin_user):
    audit.record(AuditAction.READ, user=admin_user, detail={"what": "test"})
    client.force_login(admin_user)
    page = client.get(reverse("core:audit_log"))
    assert page.status_code == 200
    assert "Lest (personopplysninger)" in page.content.decode()
    export = client.get(reverse("core:audit_log") + "?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert b"Tidspunkt,Bruker,Hendelse" in export.content
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=admin_user).exists()


def test_a_municipal_administrator_sees_only_events_of_their_units(
    client, bergen_admin, units
):
    audit.record(AuditAction.EXPORT, unit=units["1103"], detail={"what": "stavanger"})
    audit.record(AuditAction.EXPORT, unit=units["460102"], detail={"what": "bergenhus"})
    client.force_login(bergen_admin)
    html = client.get(reverse("core:audit_log")).content.decode()
    assert "Bergenhus" in html
    assert "Stavanger" not in html


def test_an_object_is_logged_with_its_unit(units, oslo_planlegger):
    from rusfelt.core.models import Population

    cell = Population.objects.create(
        unit=units["030104"], year=2019, sex="kvinne", age_from=16, count=10
    )
    event = audit.record(AuditAction.UPDATE, user=oslo_planlegger, obj=cell)
    assert event.unit == units["030104"]
    assert event.object_type == "core.population"
    assert event.object_id == str(cell.pk)


def test_an_event_is_one_plain_insert_stored_as_the_orm_stores_it(units, oslo_planlegger, rf):
    """``record()`` writes its row with one statement (issue 12: an import of many
    small files writes one event per file), and the row reads back exactly as a
    row written by the ORM's own ``create()`` from the same values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = oslo_planlegger
    detail = {"import": "registreringer", "rows": 83, "nested": {"a": [1, "ø"]}}
    with CaptureQueriesContext(connection) as queries:
        event = audit.record(AuditAction.IMPORT, request=request, unit=units["0301"],
                             detail=detail)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    reference = AuditEvent.objects.create(
        action=AuditAction.IMPORT, user=oslo_planlegger,
        username=oslo_planlegger.get_username(), unit=units["0301"],
        ip_address="10.1.2.3", detail=detail)
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "at")]
    stored = AuditEvent.objects.values(*fields, "at").get(pk=event.pk)
    assert {k: stored[k] for k in fields} == AuditEvent.objects.values(*fields).get(
        pk=reference.pk)
    assert stored["at"] == event.at and reference.at >= event.at
    assert event.pk is not None and event.pk != reference.pk
    with pytest.raises(PermissionError):  # still append-only
        event.save()


def test_many_events_are_stored_as_record_stores_each(units, oslo_planlegger, rf):
    """``record_many()`` (a batch import's event per file) stores what ``record()``
    would, one row per entry, and returns the events with their keys in order."""
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = oslo_planlegger
    entries = [(units[code], {"import": "registreringer", "rows": i})
               for i, code in enumerate(["030104", "030105", "0301"])]
    events = audit.record_many(AuditAction.IMPORT, entries, request=request)
    singles = [audit.record(AuditAction.IMPORT, request=request, obj=obj, detail=detail)
               for obj, detail in entries]
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "at")]
    stored = [AuditEvent.objects.values(*fields).get(pk=e.pk) for e in events]
    assert stored == [AuditEvent.objects.values(*fields).get(pk=e.pk) for e in singles]
    assert [s["detail"]["rows"] for s in stored] == [0, 1, 2]
    assert all(not e._state.adding for e in events)
    with pytest.raises(PermissionError):  # still append-only
        events[0].save()


def test_many_events_are_written_by_one_statement(units):
    """A batch import writes an event per file: one INSERT of them all. Sent as one
    statement per event, even together in one pipeline, the server still ran 359
    statements one by one for a national year's files (issue 12)."""
    with CaptureQueriesContext(connection) as queries:
        events = audit.record_many(AuditAction.IMPORT, [(units["0301"], {"rows": i})
                                                        for i in range(30)])
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "core_auditevent"')]
    assert len(inserts) == 1, inserts
    assert [e.detail["rows"] for e in events] == list(range(30))
    stored = dict(AuditEvent.objects.filter(pk__in=[e.pk for e in events])
                  .values_list("pk", "detail__rows"))
    assert [stored[e.pk] for e in events] == list(range(30))  # the keys in order


def test_many_events_take_one_round_trip_not_one_each_on_postgresql(units, monkeypatch):
    """Hundreds of files in a batch import paid a round trip each for their events."""
    from django.db import connection
    from psycopg import waiting

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs in the process: no round trips")
    connection.ensure_connection()
    reads = []
    real_wait = waiting.wait

    def counting_wait(gen, fileno, interval=None, timeout=None):
        def counted():
            try:
                state = next(gen)
                while True:
                    if state == waiting.Wait.R:  # blocked on the server's answer alone
                        reads.append(state)
                    state = gen.send((yield state))
            except StopIteration as stop:
                return stop.value

        return real_wait(counted(), fileno, interval=interval, timeout=timeout)

    monkeypatch.setattr(waiting, "wait", counting_wait)
    events = audit.record_many(AuditAction.IMPORT, [(units["0301"], {"rows": i})
                                                    for i in range(30)])
    assert len(reads) <= 2, len(reads)  # 30 when each event waited for its answer
    assert len({e.pk for e in events}) == 30
