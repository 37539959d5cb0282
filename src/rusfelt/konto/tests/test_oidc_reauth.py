"""A single-sign-on user re-authenticates at the identity provider (issue 18)."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rusfelt.core.models import AuditAction, AuditEvent, Grant
from rusfelt.core.roles import Role
from rusfelt.konto import policy

from .test_oidc import sign_in_through_idp

pytestmark = pytest.mark.django_db


def test_the_look_up_sends_an_sso_user_back_to_the_provider_to_sign_in_again(
    client, oidc_settings, units
):
    sign_in_through_idp(client, "per.idp")
    user = get_user_model().objects.get(username="per.idp")
    Grant.objects.create(user=user, unit=units["0301"], role=Role.PLANLEGGER)
    session = client.session
    session[policy.AUTH_AT] -= 10 * 60  # as if signed in ten minutes ago
    session.save()

    response = client.get(reverse("kartlegging:access_lookup"))
    assert response["Location"].startswith(reverse("konto:reauth"))
    html = client.get(response["Location"]).content.decode()
    assert "Logg inn på nytt med Oslo kommunes innlogging" in html
    assert 'name="password"' not in html  # no local password to give

    start = client.get(reverse("konto:oidc_login") + "?reauth=1&next=/kartlegging/innsyn/")
    assert parse_qs(urlparse(start["Location"]).query)["prompt"] == ["login"]
    response = sign_in_through_idp(client, "per.idp", next_url="/kartlegging/innsyn/",
                                   query="&reauth=1")
    assert response["Location"] == "/kartlegging/innsyn/"
    assert client.get("/kartlegging/innsyn/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.REAUTH, user=user,
                                     detail__via="oidc").exists()
