"""Writes of the sign-in: second-factor devices and identity-provider accounts.

Each write is audited in the same transaction. No code, secret or token
ever reaches the audit log.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rusfelt.core import audit
from rusfelt.core.models import AuditAction, Grant, OrgUnit, Profile

from .models import ExternalIdentity, GroupMapping

RECOVERY_CODE_COUNT = 10

#: Marks a failed second factor in ``user_login_failed``'s credentials, so the
#: audit receiver names it and django-axes counts it with failed passwords.
SECOND_FACTOR_FLAG = "rusfelt_second_factor"


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first need (its key is the secret shown)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Rusfelt", confirmed=False)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Gjenopprettingskoder", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str, *, request=None) -> list[str] | None:
    """Confirm the pending device with a code from the app; return new recovery codes.

    None when the code is wrong (the device stays unconfirmed).
    """
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(device.user)
    audit.record(AuditAction.MFA_ENROLLED, request=request, user=device.user,
                 detail={"device": "totp", "recovery_codes": len(codes)})
    return codes


@transaction.atomic
def renew_recovery_codes(user, *, request=None) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record(AuditAction.MFA_CODES, request=request, user=user,
                 detail={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def remove_second_factor(user, *, request=None) -> None:
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit.record(AuditAction.MFA_REMOVED, request=request, user=user,
                 detail={"devices": removed})


def verify_second_factor(user, token: str, *, request=None):
    """The device that accepts ``token`` (TOTP for six digits, else a recovery code), or None.

    A failure is signalled as a failed login (audited; counted by django-axes
    towards the lockout); a success is audited.
    """
    with transaction.atomic():
        model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        device = None
        for candidate in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if candidate.verify_token(token):
                device = candidate
                break
    if device is None:
        user_login_failed.send(
            sender=__name__, request=request,
            credentials={"username": user.get_username(), SECOND_FACTOR_FLAG: True},
        )
        return None
    audit.record(AuditAction.MFA_VERIFIED, request=request, user=user,
                 detail={"device": "totp" if model is TOTPDevice else "recovery_code"})
    return device


# --- OpenID Connect --------------------------------------------------------


@transaction.atomic
def oidc_account(claims: dict, *, config, request=None):
    """The Rusfelt user for verified ID-token ``claims``; made on first sign-in.

    The account is found by (issuer, sub) only, never by e-mail or name. A new
    account gets the configured home unit and no grants: its administrators
    give roles, or a ``GroupMapping`` does. Returns None for a deactivated user.
    """
    User = get_user_model()
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user")
        .filter(issuer=config.issuer, subject=claims["sub"]).first()
    )
    if identity is None:
        home_unit = OrgUnit.objects.get(code=config.home_unit)
        user = User(
            username=_free_username(claims, config),
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
            email=str(claims.get("email", ""))[:254],
        )
        user.set_unusable_password()
        user.save()
        Profile.objects.create(user=user, home_unit=home_unit)
        identity = ExternalIdentity.objects.create(
            user=user, issuer=config.issuer, subject=claims["sub"]
        )
        audit.record(AuditAction.CREATE, request=request, user=user, obj=user, unit=home_unit,
                     detail={"via": "oidc", "issuer": config.issuer})
    user = identity.user
    if not user.is_active:
        return None
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    _apply_group_mappings(user, claims.get(config.groups_claim) or [], config, request)
    return user


def _free_username(claims, config) -> str:
    User = get_user_model()
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _apply_group_mappings(user, groups, config, request) -> None:
    """Give the grants of mapped groups the user is in; remove those of groups they left."""
    groups = {str(g) for g in groups} if isinstance(groups, list | tuple) else set()
    for mapping in GroupMapping.objects.filter(issuer=config.issuer).select_related("unit"):
        held = mapping.grants.filter(user=user).first()
        if mapping.group in groups and held is None:
            grant, created = Grant.objects.get_or_create(
                user=user, unit=mapping.unit, role=mapping.role
            )
            if created:
                mapping.grants.add(grant)
                audit.record(AuditAction.GRANT, request=request, user=user, obj=grant,
                             unit=mapping.unit,
                             detail={"grantee": user.get_username(), "role": mapping.role,
                                     "via": "oidc_group", "group": mapping.group})
        elif mapping.group not in groups and held is not None:
            audit.record(AuditAction.REVOKE, request=request, user=user, obj=held,
                         unit=held.unit,
                         detail={"grantee": user.get_username(), "role": held.role,
                                 "via": "oidc_group", "group": mapping.group})
            held.delete()
