"""Claims the test provider adds to every ID token, as Entra ID or Keycloak would."""

#: Members of this group sign in with two factors at the provider.
MFA_GROUP = "mfa"


def add_claims(id_token, user, token, request, **kwargs):
    groups = sorted(g.name for g in user.groups.all())
    id_token["preferred_username"] = user.username
    id_token["given_name"] = user.first_name
    id_token["family_name"] = user.last_name
    id_token["groups"] = [g for g in groups if g != MFA_GROUP]
    id_token["amr"] = ["pwd", "otp"] if MFA_GROUP in groups else ["pwd"]
    return id_token
