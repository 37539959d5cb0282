"""System checks for Rusfelt's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_pseudonym_key(app_configs, **kwargs):
    """rusfelt.E001: production must not run on a demo pseudonym key."""
    key = getattr(settings, "RUSFELT_PSEUDONYM_KEY", "")
    errors = []
    if not key:
        errors.append(Error("RUSFELT_PSEUDONYM_KEY is not set.", id="rusfelt.E001"))
    elif key.startswith("demo-") or len(key) < 32:
        errors.append(
            Error(
                "RUSFELT_PSEUDONYM_KEY is a demo key or shorter than 32 characters.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
                id="rusfelt.E001",
            )
        )
    return errors


@register(Tags.security)
def check_pseudonym_key_is_not_the_secret_key(app_configs, **kwargs):
    """rusfelt.E002: the pseudonym key must differ from SECRET_KEY (in every environment).

    SECRET_KEY signs sessions and reset links and may be rotated or shared
    with operators; the pseudonym key must not be, or pseudonyms could be
    recomputed by anyone holding the secret key (Normen, tilgangsstyring).
    """
    key = getattr(settings, "RUSFELT_PSEUDONYM_KEY", "")
    if key and key == getattr(settings, "SECRET_KEY", None):
        return [Error(
            "RUSFELT_PSEUDONYM_KEY is the same as SECRET_KEY.",
            hint="Give the pseudonym key its own value; never rotate it silently.",
            id="rusfelt.E002",
        )]
    return []
