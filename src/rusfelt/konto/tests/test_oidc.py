"""Single sign-on against a real OpenID Connect provider on loopback (issue 18).

The provider is django-oidc-provider in its own process (``idp/``). Rusfelt's
side runs in the Django test client; the provider's pages are driven with
``requests``, and Rusfelt's client fetches the provider's discovery
document, keys and tokens over HTTP. Nothing of the client is mocked.
"""

import re
from urllib.parse import urljoin, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from rusfelt.core.models import AuditAction, AuditEvent, Grant
from rusfelt.core.roles import Role
from rusfelt.konto.models import ExternalIdentity, GroupMapping

from .conftest import IDP_PASSWORD

pytestmark = pytest.mark.django_db(transaction=False)


def sign_in_through_idp(client, username, *, next_url="/", query=""):
    """Follow the code flow: Rusfelt → provider's login → provider → Rusfelt's callback."""
    response = client.get(reverse("konto:oidc_login") + f"?next={next_url}{query}")
    assert response.status_code == 302
    authorize = response["Location"]
    browser = requests.Session()
    page = browser.get(authorize, timeout=30)
    assert "/login/" in page.url
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(page.url, data={
        "csrfmiddlewaretoken": csrf, "username": username, "password": IDP_PASSWORD,
        "next": re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace(
            "&amp;", "&"),
    }, headers={"Referer": page.url}, allow_redirects=False, timeout=30)
    # The provider answers the authorization request with a redirect to Rusfelt.
    while answer.status_code == 302 and not answer.headers["Location"].startswith(
        "http://testserver/"
    ):
        answer = browser.get(urljoin(answer.url, answer.headers["Location"]),
                             allow_redirects=False, timeout=30)
    callback = urlparse(answer.headers["Location"])
    assert callback.path == reverse("konto:oidc_callback")
    return client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_the_identity_provider(client, oidc_settings, units):
    html = client.get(reverse("core:login")).content.decode()
    assert "Logg inn med Oslo kommunes innlogging" in html


def test_a_first_sign_in_makes_an_account_in_the_home_unit_without_roles(
    client, oidc_settings, units
):
    response = sign_in_through_idp(client, "per.idp")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="per.idp")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.profile.home_unit == units["0301"]
    assert not user.has_usable_password()
    assert not Grant.objects.filter(user=user).exists()
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == oidc_settings["issuer"]
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, user=user).exists()


def test_the_account_is_found_by_issuer_and_subject_not_by_name(
    client, oidc_settings, units
):
    sign_in_through_idp(client, "per.idp")
    user = get_user_model().objects.get(username="per.idp")
    user.username = "per.renamed"
    user.save()
    client.post(reverse("core:logout"))
    sign_in_through_idp(client, "per.idp")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert get_user_model().objects.filter(username__startswith="per").count() == 1


def test_the_sign_in_lands_with_the_grants_rusfelt_holds(
    client, oidc_settings, make_user, units
):
    sign_in_through_idp(client, "per.idp")
    user = get_user_model().objects.get(username="per.idp")
    Grant.objects.create(user=user, unit=units["030104"], role=Role.KARTLEGGER)
    client.post(reverse("core:logout"))
    sign_in_through_idp(client, "per.idp")
    assert client.get(reverse("kartlegging:index")).status_code == 200
    html = client.get("/").content.decode()
    assert "St. Hanshaugen" in html


def test_groups_give_nothing_without_a_mapping(client, oidc_settings, units):
    sign_in_through_idp(client, "kari.idp")
    user = get_user_model().objects.get(username="kari.idp")
    assert not Grant.objects.filter(user=user).exists()


def test_a_mapped_group_gives_its_grant_and_leaving_it_removes_the_grant(
    client, oidc_settings, units
):
    mapping = GroupMapping.objects.create(
        issuer=oidc_settings["issuer"], group="rusfelt-sth-kartleggere",
        unit=units["030104"], role=Role.KARTLEGGER,
    )
    sign_in_through_idp(client, "kari.idp")
    user = get_user_model().objects.get(username="kari.idp")
    assert list(user.grants.values_list("unit__code", "role")) == [("030104", "kartlegger")]
    assert AuditEvent.objects.filter(action=AuditAction.GRANT, detail__via="oidc_group").exists()
    client.post(reverse("core:logout"))

    mapping.group = "another-group"
    mapping.save()
    sign_in_through_idp(client, "kari.idp")
    assert not user.grants.exists()
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE,
                                     detail__via="oidc_group").exists()


def test_when_the_provider_asserts_mfa_no_local_second_factor_is_asked(
    client, oidc_settings, units, settings
):
    settings.RUSFELT_REQUIRE_SECOND_FACTOR = True
    GroupMapping.objects.create(issuer=oidc_settings["issuer"],
                                group="rusfelt-sth-kartleggere", unit=units["030104"],
                                role=Role.KARTLEGGER)
    response = sign_in_through_idp(client, "kari.idp", next_url="/kartlegging/")
    assert response["Location"] == "/kartlegging/"
    assert client.get("/kartlegging/").status_code == 200


def test_without_mfa_at_the_provider_a_kartlegger_must_enrol_locally(
    client, oidc_settings, units, settings
):
    settings.RUSFELT_REQUIRE_SECOND_FACTOR = True
    GroupMapping.objects.create(issuer=oidc_settings["issuer"],
                                group="rusfelt-sth-kartleggere", unit=units["030104"],
                                role=Role.KARTLEGGER)
    sign_in_through_idp(client, "ola.idp", next_url="/kartlegging/")
    response = client.get("/kartlegging/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("konto:enrol"))


def test_a_deactivated_account_cannot_sign_in_through_the_provider(
    client, oidc_settings, units
):
    sign_in_through_idp(client, "per.idp")
    client.post(reverse("core:logout"))
    get_user_model().objects.filter(username="per.idp").update(is_active=False)
    response = sign_in_through_idp(client, "per.idp")
    assert response["Location"] == reverse("core:login")
    assert "_auth_user_id" not in client.session


def test_a_forged_state_is_refused(client, oidc_settings, units):
    client.get(reverse("konto:oidc_login"))
    response = client.get(reverse("konto:oidc_callback") + "?code=abc&state=forged")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:login")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED,
                                     detail__via="oidc").exists()
