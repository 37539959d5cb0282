"""Single sign-on by OpenID Connect, with Authlib as the client.

Configured from the environment (settings.RUSFELT_OIDC, see settings/base.py):
the issuer, the client id and a file holding the client secret. Authlib reads
the issuer's discovery document and checks the ID token's signature (JWKS),
issuer, audience, expiry and nonce; the code flow also carries state and
PKCE (S256).
"""

from dataclasses import dataclass
from functools import lru_cache

from authlib.integrations.django_client import OAuth
from django.conf import settings


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    client_secret: str
    home_unit: str
    name: str = "kommunens innlogging"
    groups_claim: str = "groups"
    #: ``acr`` values that assert multi-factor authentication, besides ``amr``.
    mfa_acr: tuple[str, ...] = ()
    scope: str = "openid profile email"


#: ``amr`` values (RFC 8176) that mean more than one factor was used.
MFA_AMR = {
    "mfa", "mca", "otp", "hwk", "swk", "sc", "sms", "tel", "fpt", "face", "iris", "retina", "vbm",
}


def config() -> OIDCConfig | None:
    raw = getattr(settings, "RUSFELT_OIDC", None)
    if not raw:
        return None
    return OIDCConfig(**{**raw, "mfa_acr": tuple(raw.get("mfa_acr", ()))})


@lru_cache(maxsize=4)
def _client(cfg: OIDCConfig):
    oauth = OAuth()
    return oauth.register(
        name="idp",
        client_id=cfg.client_id,
        client_secret=cfg.client_secret,
        server_metadata_url=cfg.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": cfg.scope, "code_challenge_method": "S256"},
    )


def client(cfg: OIDCConfig):
    """The Authlib client of this configuration (kept, so discovery is read once)."""
    return _client(cfg)


def asserts_mfa(claims: dict, cfg: OIDCConfig) -> bool:
    """True when the ID token says the provider used more than one factor."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR.intersection(str(a).lower() for a in amr)) or (
        bool(cfg.mfa_acr) and claims.get("acr") in cfg.mfa_acr
    )
