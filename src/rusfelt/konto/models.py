"""Links to the municipality's identity provider (OpenID Connect).

Two-factor devices are django-otp's own models (``otp_totp``, ``otp_static``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rusfelt.core.roles import Role
from rusfelt.core.scoping import UnitScopedQuerySet


class GroupMappingQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class ExternalIdentity(models.Model):
    """A Rusfelt user as known to an identity provider: issuer and subject.

    ``sub`` is unique and never reassigned within an issuer (OpenID Connect
    Core 1.0 §2), unlike e-mail addresses or user names, so the pair is the
    stable key that maps a sign-in to an account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(_("utsteder"), max_length=255, db_comment="The IdP's iss")
    subject = models.CharField(
        _("subjekt"), max_length=255, db_comment="The IdP's sub claim for this user"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ekstern identitet")
        verbose_name_plural = _("eksterne identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="konto_one_identity"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.issuer}"


class GroupMapping(models.Model):
    """An administrator's rule: members of an IdP group get a role on a unit.

    Without a mapping, the identity provider's groups give nothing: roles and
    units come from Rusfelt's grants only. Grants made by a mapping are
    remembered in ``grants`` so that leaving the group removes them at the
    next sign-in, and only them.
    """

    issuer = models.CharField(_("utsteder"), max_length=255)
    group = models.CharField(
        _("gruppe"), max_length=255, help_text=_("Gruppens verdi i gruppe-påstanden (groups).")
    )
    unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, verbose_name=_("enhet"))
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    grants = models.ManyToManyField("core.Grant", related_name="+", blank=True)

    objects = GroupMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("gruppekobling")
        verbose_name_plural = _("gruppekoblinger")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "group", "unit", "role"], name="konto_one_group_mapping"
            ),
        ]

    def __str__(self):
        return f"{self.group} → {self.get_role_display()} {self.unit}"
