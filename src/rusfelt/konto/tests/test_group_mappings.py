"""Administrators map identity-provider groups to grants on their own units (issue 18)."""

import pytest
from django.urls import reverse

from rusfelt.core.models import AuditAction, AuditEvent, Grant
from rusfelt.core.roles import Role
from rusfelt.konto.models import GroupMapping

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.oslo.kommune.example/"


@pytest.fixture
def oidc_configured(settings):
    settings.RUSFELT_OIDC = {"issuer": ISSUER, "client_id": "c", "client_secret": "s",
                             "home_unit": "0301"}


@pytest.fixture
def oslo_admin(make_user):
    return make_user("oslo-admin", ("0301", Role.ADMINISTRATOR))


def test_an_administrator_maps_a_group_on_their_unit_and_it_is_logged(
    client, oidc_configured, oslo_admin, units
):
    client.force_login(oslo_admin)
    response = client.post(reverse("konto:group_mappings"), {
        "group": "sth-kartleggere", "unit": units["030104"].pk, "role": Role.KARTLEGGER})
    assert response.status_code == 302
    mapping = GroupMapping.objects.get()
    assert (mapping.issuer, mapping.unit, mapping.role) == (ISSUER, units["030104"],
                                                           Role.KARTLEGGER)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(mapping.pk),
                                     unit=units["030104"]).exists()


def test_an_administrator_cannot_map_a_group_on_another_municipality(
    client, oidc_configured, oslo_admin, units
):
    client.force_login(oslo_admin)
    response = client.post(reverse("konto:group_mappings"), {
        "group": "x", "unit": units["4601"].pk, "role": Role.LESER})
    assert response.status_code == 200
    assert not GroupMapping.objects.exists()


def test_a_bergen_administrator_neither_sees_nor_deletes_an_oslo_mapping(
    client, oidc_configured, bergen_admin, units
):
    mapping = GroupMapping.objects.create(issuer=ISSUER, group="oslo-gruppe",
                                          unit=units["0301"], role=Role.LESER)
    client.force_login(bergen_admin)
    assert "oslo-gruppe" not in client.get(reverse("konto:group_mappings")).content.decode()
    response = client.post(reverse("konto:group_mapping_delete", args=[mapping.pk]))
    assert response.status_code == 404
    assert GroupMapping.objects.filter(pk=mapping.pk).exists()


def test_deleting_a_mapping_removes_the_grants_it_gave(
    client, oidc_configured, oslo_admin, make_user, units
):
    member = make_user("member", home="0301")
    mapping = GroupMapping.objects.create(issuer=ISSUER, group="g", unit=units["030104"],
                                          role=Role.KARTLEGGER)
    given = Grant.objects.create(user=member, unit=units["030104"], role=Role.KARTLEGGER)
    mapping.grants.add(given)
    kept = Grant.objects.create(user=member, unit=units["030104"], role=Role.LESER)
    client.force_login(oslo_admin)
    client.post(reverse("konto:group_mapping_delete", args=[mapping.pk]))
    assert not GroupMapping.objects.exists()
    assert list(Grant.objects.filter(user=member)) == [kept]
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE, detail__via="oidc_group").exists()


def test_only_administrators_reach_the_mappings(client, oidc_configured, oslo_planlegger):
    client.force_login(oslo_planlegger)
    assert client.get(reverse("konto:group_mappings")).status_code == 403


def test_without_single_sign_on_no_mapping_can_be_made(client, oslo_admin, settings, units):
    settings.RUSFELT_OIDC = None
    client.force_login(oslo_admin)
    html = client.get(reverse("konto:group_mappings")).content.decode()
    assert "ikke satt opp" in html
    client.post(reverse("konto:group_mappings"), {
        "group": "g", "unit": units["030104"].pk, "role": Role.LESER})
    assert not GroupMapping.objects.exists()
