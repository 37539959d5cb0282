"""Home units: administrators list, see and change only their own units' users (issue 18)."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rusfelt.core.models import AuditAction, AuditEvent, Grant, Profile
from rusfelt.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def oslo_newcomer(make_user):
    """An Oslo user without any grant yet."""
    return make_user("nora.oslo", home="0301")


def test_a_bergen_administrator_cannot_list_an_oslo_user_without_grants(
    client, bergen_admin, oslo_newcomer
):
    client.force_login(bergen_admin)
    listing = client.get(reverse("core:user_list")).content.decode()
    assert oslo_newcomer.username not in listing


def test_a_bergen_administrator_cannot_open_an_oslo_user_without_grants(
    client, bergen_admin, oslo_newcomer
):
    client.force_login(bergen_admin)
    url = reverse("core:user_detail", args=[oslo_newcomer.pk])
    assert client.get(url).status_code == 404


def test_a_bergen_administrator_cannot_find_an_oslo_user_without_grants(
    client, bergen_admin, oslo_newcomer
):
    client.force_login(bergen_admin)
    found = client.get(reverse("core:user_list"), {"q": "nora"}).content.decode()
    assert oslo_newcomer.username not in found


def test_a_bergen_administrator_cannot_change_an_oslo_user_without_grants(
    client, bergen_admin, oslo_newcomer, units
):
    client.force_login(bergen_admin)
    response = client.post(reverse("core:user_set_active", args=[oslo_newcomer.pk]),
                           {"active": "0"})
    assert response.status_code == 404
    response = client.post(reverse("core:user_detail", args=[oslo_newcomer.pk]),
                           {"unit": units["4601"].pk, "role": Role.LESER})
    assert response.status_code == 404
    oslo_newcomer.refresh_from_db()
    assert oslo_newcomer.is_active
    assert not Grant.objects.filter(user=oslo_newcomer).exists()


def test_an_oslo_administrator_finds_their_own_user_without_grants(
    client, make_user, oslo_newcomer
):
    oslo_admin = make_user("oslo-admin", ("0301", Role.ADMINISTRATOR))
    client.force_login(oslo_admin)
    found = client.get(reverse("core:user_list"), {"q": "nora"}).content.decode()
    assert oslo_newcomer.username in found
    assert client.get(reverse("core:user_detail", args=[oslo_newcomer.pk])).status_code == 200


def test_a_bydel_administrator_does_not_see_users_of_the_kommune_above(
    client, make_user, oslo_newcomer
):
    sth_admin = make_user("sth-admin", ("030104", Role.ADMINISTRATOR))
    client.force_login(sth_admin)
    assert client.get(reverse("core:user_detail", args=[oslo_newcomer.pk])).status_code == 404


def test_the_search_matches_names_within_the_administrators_users(
    client, bergen_admin, make_user
):
    make_user("b1", home="4601")
    get_user_model().objects.filter(username="b1").update(first_name="Solveig")
    make_user("b2", home="4601")
    client.force_login(bergen_admin)
    found = client.get(reverse("core:user_list"), {"q": "solv"}).content.decode()
    assert ">b1<" in found
    assert ">b2<" not in found


def test_a_user_with_a_grant_in_my_units_is_listed_but_only_home_admins_deactivate(
    client, bergen_admin, make_user
):
    oslo_user = make_user("oslo-i-bergen", ("0301", Role.LESER), ("4601", Role.LESER))
    client.force_login(bergen_admin)
    assert client.get(reverse("core:user_detail", args=[oslo_user.pk])).status_code == 200
    response = client.post(reverse("core:user_set_active", args=[oslo_user.pk]),
                           {"active": "0"})
    assert response.status_code == 404
    oslo_user.refresh_from_db()
    assert oslo_user.is_active


def test_a_new_user_gets_the_chosen_home_unit_among_the_administrators_units(
    client, bergen_admin, units
):
    client.force_login(bergen_admin)
    data = {"username": "ny", "password1": "et-langt-passord-9", "password2":
            "et-langt-passord-9", "first_name": "", "last_name": "", "email": ""}
    response = client.post(reverse("core:user_create"), {**data, "home_unit": units["0301"].pk})
    assert response.status_code == 200  # Oslo is not Bergen's to choose
    assert not get_user_model().objects.filter(username="ny").exists()

    response = client.post(reverse("core:user_create"), {**data, "home_unit": units["4601"].pk})
    user = get_user_model().objects.get(username="ny")
    assert response.status_code == 302
    assert user.profile.home_unit == units["4601"]
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(user.pk))
    assert event.unit == units["4601"]


def test_the_migration_gives_users_the_unit_of_their_highest_grant(make_user, units):
    migration = importlib.import_module("rusfelt.core.migrations.0003_fill_home_units")
    from django.apps import apps

    both = make_user("both", ("030104", Role.KARTLEGGER), ("0301", Role.LESER))
    nothing = make_user("nothing")
    Profile.objects.all().delete()
    migration.fill_home_units(apps, None)
    assert Profile.objects.get(user=both).home_unit == units["0301"]
    assert Profile.objects.get(user=nothing).home_unit == units["0"]


def test_every_demo_user_has_a_home_unit(db):
    from django.core.management import call_command

    call_command("loaddemo", stdout=__import__("io").StringIO())
    assert not get_user_model().objects.filter(profile__home_unit__isnull=True).exists()
    assert Profile.objects.get(user__username="ny.bergen").home_unit.code == "4601"
    assert not Grant.objects.filter(user__username="ny.bergen").exists()
