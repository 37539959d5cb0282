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
