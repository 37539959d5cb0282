"""Organisation units, population figures, role grants and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain.serier import BruddType
from .domain.sex import Sex
from .roles import Role
from .scoping import UnitScopedQuerySet


class Niva(models.TextChoices):
    LAND = "land", _("Land")
    FYLKE = "fylke", _("Fylke")
    KOMMUNE = "kommune", _("Kommune")
    BYDEL = "bydel", _("Bydel")


# The order in which levels nest: a unit's parent is one step up.
NIVA_ORDER = [Niva.LAND, Niva.FYLKE, Niva.KOMMUNE, Niva.BYDEL]


class OrgUnitQuerySet(models.QuerySet):
    def descendants_of(self, unit, include_self=True):
        """Units under ``unit`` in the tree (one indexed prefix query)."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def valid_on(self, day):
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class OrgUnit(models.Model):
    """A land, fylke, kommune or bydel with its official code ("enhet")."""

    code = models.CharField(
        _("kode"), max_length=10, unique=True,
        help_text=_("Offisiell kode: kommunenummer (0301), bydelsnummer (030104), fylke (03)."),
    )
    name = models.CharField(_("navn"), max_length=200)
    level = models.CharField(_("nivå"), max_length=10, choices=Niva.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("overordnet"),
    )
    valid_from = models.DateField(_("gyldig fra"), null=True, blank=True)
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)
    path = models.CharField(
        max_length=255, editable=False, db_index=True,
        db_comment="Materialised path of codes, /0/03/0301/030104/, for descendant queries",
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    def ancestors(self):
        """This unit and those above it, from the top: no query when the parents were
        loaded with the unit (``select_related("unit__parent__parent__parent")``),
        else one."""
        chain, unit = [self], self
        while unit.parent_id is not None and OrgUnit.parent.is_cached(unit):
            unit = unit.parent
            chain.append(unit)
        if unit.parent_id is None:
            return chain[::-1]
        codes = [c for c in self.path.strip("/").split("/") if c]
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        return [units[c] for c in codes if c in units]

    def kommune(self):
        """The kommune this unit belongs to (itself for a kommune), or None."""
        return next((u for u in self.ancestors() if u.level == Niva.KOMMUNE), None)


#: The words for ``core.domain.serier.BruddType`` (one enum; these are its labels).
BRUDD_LABELS = {
    BruddType.ALDERSGRUPPER: _("Aldersgruppene endret"),
    BruddType.POPULASJON: _("Populasjonen utvidet"),
    BruddType.REGEL: _("Regelen endret eller vektet om"),
    BruddType.DEFINISJON: _("Definisjonen endret"),
    BruddType.ENHET: _("Enheten slått sammen, delt eller omnummerert"),
}
BRUDD_CHOICES = [(kind.value, label) for kind, label in BRUDD_LABELS.items()]


class ReformKind(models.TextChoices):
    """How a unit took over from its predecessor at a municipal reform."""

    SAMMENSLAING = "sammenslaing", _("Sammenslåing")
    DELING = "deling", _("Deling")
    NYTT_NUMMER = "nytt_nummer", _("Nytt nummer")


class UnitSuccession(models.Model):
    """``successor`` took over ``predecessor`` on ``reform_date``.

    Bergen 4601 took over Bergen 1201 on 1 January 2020 (a new number);
    Stavanger 1103 took over Finnøy 1141 and Rennesøy 1142 (a merger, the
    code 1103 continuing). Trends of the successor reach back through the
    predecessor and are broken at the reform (``core.succession``).
    """

    successor = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="predecessor_links",
        verbose_name=_("etterfølger"),
    )
    predecessor = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="successor_links",
        verbose_name=_("forgjenger"),
    )
    reform_date = models.DateField(_("reformdato"))
    kind = models.CharField(_("type"), max_length=20, choices=ReformKind.choices)

    class Meta:
        ordering = ["reform_date", "predecessor__code"]
        verbose_name = _("forgjenger")
        verbose_name_plural = _("forgjengere")
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "predecessor"], name="core_one_succession"
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("predecessor")),
                name="core_succession_not_self",
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.code} → {self.successor.code} {self.reform_date}"



SEX_LABELS = {Sex.MANN: _("Mann"), Sex.KVINNE: _("Kvinne")}
# Plain strings, so the choices (and migrations) stay what they were.
SEX_CHOICES = [(sex.value, SEX_LABELS[sex]) for sex in Sex]


class PopulationQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Population(models.Model):
    """Inhabitants of a unit in a year, by sex and age band (for rates per 1 000)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField(_("år"))
    sex = models.CharField(_("kjønn"), max_length=6, choices=SEX_CHOICES)
    age_from = models.PositiveSmallIntegerField(_("alder fra"))
    age_to = models.PositiveSmallIntegerField(
        _("alder til"), null=True, blank=True, help_text=_("Tom for åpen øvre grense (90+).")
    )
    count = models.PositiveIntegerField(_("antall"))
    approximate = models.BooleanField(
        _("omtrentlig"), default=False,
        help_text=_("Sant der tallet er et anslag, ikke SSBs publiserte tall."),
    )

    objects = PopulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("befolkning")
        verbose_name_plural = _("befolkning")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "sex", "age_from"], name="core_one_population_cell"
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.year} {self.sex} {self.age_from}-{self.age_to or ''}"


class GrantQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"

    def active(self):
        return self.filter(user__is_active=True)


class Grant(models.Model):
    """A role for a user on a unit. A grant on a kommune covers its bydeler."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilgang")
        verbose_name_plural = _("tilganger")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="core_one_grant"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_role_display()} {self.unit}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Innlogging")
    LOGIN_FAILED = "login_failed", _("Mislykket innlogging")
    LOGOUT = "logout", _("Utlogging")
    CREATE = "create", _("Opprettet")
    UPDATE = "update", _("Endret")
    DELETE = "delete", _("Slettet")
    EXPORT = "export", _("Eksport")
    READ = "read", _("Lest (personopplysninger)")
    IMPORT = "import", _("Import")
    GRANT = "grant", _("Tilgang gitt")
    REVOKE = "revoke", _("Tilgang fjernet")
    # Sign-in (issue 18). A failed one-time code is MFA_FAILED, never LOGIN_FAILED.
    MFA_VERIFIED = "mfa_verified", _("Annen faktor bekreftet")
    MFA_FAILED = "mfa_failed", _("Mislykket annen faktor")
    MFA_ENROLLED = "mfa_enrolled", _("Tofaktor slått på")
    MFA_CODES = "mfa_codes", _("Nye gjenopprettingskoder")
    MFA_REMOVED = "mfa_removed", _("Tofaktor fjernet")
    REAUTH = "reauth", _("Identitet bekreftet på nytt")
    SESSION_TIMEOUT = "session_timeout", _("Utlogget etter inaktivitet")


class AuditEvent(models.Model):
    """One line of the audit log: who, when, what, which object, from where.

    Append-only in the application: saving an existing row, deleting a row
    and bulk update/delete all raise. Written only through ``core.audit``.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True,
        db_comment=(
            "User name at the time, kept when the user is deleted; "
            "the tried name on a failed login"
        ),
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_comment="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_comment="Unit whose data was touched, for the access overview",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(
        default=dict, blank=True,
        db_comment="Extra facts (fields changed, row count). Never a fødselsnummer.",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("logghendelse")
        verbose_name_plural = _("logghendelser")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class Profile(models.Model):
    """What Rusfelt keeps about a user beyond Django's ``User``: the home unit.

    Every user belongs to the unit whose administrator created them. A user
    without grants is visible only to the administrators of that unit (and
    above); see ``scoping.users_for``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    home_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="home_users",
        verbose_name=_("hjemmeenhet"),
        db_comment=(
            "The unit that created the user; its administrators manage the user. "
            "Empty only for superusers made on the command line."
        ),
    )

    class Meta:
        verbose_name = _("brukerprofil")
        verbose_name_plural = _("brukerprofiler")

    def __str__(self):
        return f"{self.user} ({self.home_unit})"
