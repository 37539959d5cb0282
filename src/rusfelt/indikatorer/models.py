"""Indicator sets followed over years (capability 2, seed 001).

An ``Indikatorsett`` holds groups (Overordnet innsats, Samfunnseffekter,
Hovedmål 1-5) and indicators with stable numbers. A ``Verdi`` is one figure
of one indicator for one organisation unit and year; values are unit-owned
and scoped through ``core.scoping``. Change and judgement are computed by
``indikatorer.domain.change`` (no Django), never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit, UnitSuccession
from rusfelt.core.rows import row_by_key
from rusfelt.core.scoping import UnitScopedQuerySet
from rusfelt.indikatorer.domain import parsing


class IndicatorType(models.TextChoices):
    """Logic-model type of an indicator (seed 001 L314-316)."""

    INNSATS = "innsats", _("Innsats")
    AKTIVITET = "aktivitet", _("Aktivitet")
    RESULTAT = "resultat", _("Resultat")
    EFFEKT = "effekt", _("Effekt")
    UKJENT = "ukjent", _("Ukjent")


class Kind(models.TextChoices):
    """What the figure is: a share in % or a number (seed 001 L357)."""

    ANDEL = "andel", _("Andel (%)")
    ANTALL = "antall", _("Antall")
    KRONER = "kroner", _("Kroner")
    ARSVERK = "arsverk", _("Årsverk")
    DAGER = "dager", _("Dager")
    SCORE = "score", _("Skår")
    RATIO = "ratio", _("Forholdstall")


class Direction(models.TextChoices):
    """The wanted direction of change."""

    UP = "up", _("Opp")
    DOWN = "down", _("Ned")
    NONE = "none", _("Ingen")
    UNKNOWN = "unknown", _("Ukjent")


class ByKeyManager(models.Manager):
    """The manager of a model that every page of a set reads by a key (a set by its slug,
    an indicator by its set and number): ``by_key`` reads that row through SQL the ORM
    writes once per process (``core.rows``). Built for each request, such a query took
    longer to compile than to run (issue 12)."""

    def by_key(self, **lookups):
        """The one row whose fields equal ``lookups`` (a unique key), or None."""
        return row_by_key(self.model, self.db, **lookups)


class Indikatorsett(models.Model):
    """A set of indicators with its groups and judgement thresholds."""

    slug = models.SlugField(_("kortnavn"), max_length=80, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("eier"),
        help_text=_("Enheten som forvalter settet; tom for nasjonale sett."),
    )
    share_threshold = models.DecimalField(
        _("terskel for andeler (prosentpoeng)"), max_digits=6, decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("Endring større enn dette gir grønn eller rød (seed 001 L357)."),
    )
    number_threshold = models.DecimalField(
        _("terskel for tall (prosent)"), max_digits=6, decimal_places=2,
        default=Decimal("2.50"),
        help_text=_("Relativ endring større enn dette gir grønn eller rød (seed 001 L357)."),
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("nullpunkt"), null=True, blank=True,
        help_text=_("Første år settet måles fra (seed 001 L355: 2016)."),
    )
    source_ref = models.CharField(_("kilde"), max_length=200, blank=True)
    data_version = models.PositiveIntegerField(
        default=0, editable=False,
        db_comment="Bumped whenever a value of the set is written or deleted; "
                   "keys what is cached from the values (filter choices)",
    )

    objects = ByKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indikatorsett")
        verbose_name_plural = _("indikatorsett")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indikatorer:sett", args=[self.slug])

    @staticmethod
    def values_changed(sett_id: int) -> None:
        """Note that values of the set were written or deleted (one UPDATE).

        Every writer of ``Verdi`` calls this, in the writing transaction, so
        nothing cached under the old ``data_version`` is read again.
        """
        Indikatorsett.objects.filter(pk=sett_id).update(data_version=F("data_version") + 1)


class Gruppe(models.Model):
    """A group of a set: Overordnet innsats, Samfunnseffekter or a hovedmål."""

    sett = models.ForeignKey(Indikatorsett, on_delete=models.CASCADE, related_name="grupper")
    code = models.SlugField(_("kode"), max_length=20, help_text=_("For eksempel OI, SE, HM1."))
    name = models.CharField(_("navn"), max_length=200)
    goal_text = models.TextField(_("måltekst"), blank=True)
    is_goal = models.BooleanField(
        _("er hovedmål"), default=False,
        help_text=_("Hovedmål inngår i planregelen for samlet måloppnåelse (seed 001 L285)."),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        ordering = ["sett", "order", "code"]
        verbose_name = _("gruppe")
        verbose_name_plural = _("grupper")
        constraints = [
            models.UniqueConstraint(fields=["sett", "code"], name="indikatorer_one_group_code"),
        ]

    def __str__(self):
        return self.name


class Indikator(models.Model):
    """One indicator of a set, with a stable number (gaps allowed, seed 001 L318-341)."""

    sett = models.ForeignKey(
        Indikatorsett, on_delete=models.CASCADE, related_name="indikatorer"
    )
    gruppe = models.ForeignKey(
        Gruppe, on_delete=models.PROTECT, related_name="indikatorer", verbose_name=_("gruppe")
    )
    number = models.PositiveIntegerField(_("nummer"))
    key = models.SlugField(
        _("nøkkel"), max_length=60, blank=True,
        help_text=_("Maskinnavn for beregnede indikatorer (for eksempel andel_bostedslos)."),
    )
    title = models.CharField(_("tittel"), max_length=300)
    type = models.CharField(
        _("type"), max_length=10, choices=IndicatorType.choices, default=IndicatorType.UKJENT
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices)
    unit_label = models.CharField(
        _("måleenhet"), max_length=80, blank=True,
        help_text=_("For eksempel «millioner 2018-kroner» eller «%»."),
    )
    source = models.CharField(_("kilde"), max_length=100, blank=True)
    direction = models.CharField(
        _("ønsket retning"), max_length=10, choices=Direction.choices,
        default=Direction.UNKNOWN,
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("nullpunkt"), null=True, blank=True,
        help_text=_("Første år med data; endring over perioden regnes fra dette året."),
    )
    decimals = models.PositiveSmallIntegerField(
        _("desimaler"), null=True, blank=True,
        help_text=_("Desimaler som vises (tom: som lagret, høyst to)."),
    )
    compute_change = models.BooleanField(
        _("beregn endring"), default=True,
        help_text=_("Nei for årlige bevilgningsøkninger som ikke sammenlignes år mot år."),
    )
    description = models.TextField(_("merknad"), blank=True)
    source_ref = models.CharField(
        _("kildehenvisning"), max_length=100, blank=True,
        help_text=_("Linje i kildedokumentet, for eksempel «seed 001 L1240»."),
    )

    objects = ByKeyManager()

    class Meta:
        ordering = ["sett", "number"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.UniqueConstraint(
                fields=["sett", "number"], name="indikatorer_one_number_per_set"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("indikatorer:indikator", args=[self.sett.slug, self.number])

    @property
    def is_share(self) -> bool:
        return self.kind == Kind.ANDEL


class VerdiQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"

    def visible_to(self, user, roles=None):
        """Values of the user's units plus the national figures (unit level land).

        National figures are published statistics and serve as everyone's
        reference line; every other unit's values go through the scoping
        chokepoint. A leser on unit 0 sees every unit's values.
        """
        return self.for_user(user, roles) | self.filter(unit__level="land")


class Verdi(models.Model):
    """One figure of an indicator for a unit and year."""

    # No index of its own: the unique (indikator, unit, year) index leads with it and
    # serves every look-up by indicator; a second index only slowed each import (#12).
    indikator = models.ForeignKey(Indikator, on_delete=models.CASCADE, related_name="verdier",
                                  db_index=False)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(
        _("verdi"), max_digits=parsing.VALUE_MAX_DIGITS,
        decimal_places=parsing.VALUE_DECIMALS, null=True, blank=True,
        help_text=_("Andeler i prosent (59 for 59 %). Tom når verdien mangler."),
    )
    provisional = models.BooleanField(_("foreløpig"), default=False)
    break_in_series = models.BooleanField(
        _("brudd i serien"), default=False,
        help_text=_("Definisjon eller metode endret fra året før; endring regnes ikke."),
    )
    break_reason = models.CharField(
        _("årsak til bruddet"), max_length=300, blank=True,
        help_text=_("Kort forklaring til bruddet, vist i fotnoten (f.eks. nye svarkategorier)."),
    )
    missing_reason = models.CharField(_("årsak til manglende verdi"), max_length=200, blank=True)
    merknad = models.CharField(_("merknad"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    objects = VerdiQuerySet.as_manager()

    class Meta:
        ordering = ["indikator_id", "unit_id", "year"]
        verbose_name = _("verdi")
        verbose_name_plural = _("verdier")
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "unit", "year"], name="indikatorer_one_value_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.indikator.number} {self.unit.code} {self.year}: {self.value}"


class MaalvurderingQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Maalvurdering(models.Model):
    """The written assessment of one goal (group) for a unit and year."""

    gruppe = models.ForeignKey(Gruppe, on_delete=models.CASCADE, related_name="vurderinger")
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    text = models.TextField(_("vurdering"), blank=True)
    version = models.PositiveIntegerField(
        default=1, db_comment="Bumped on each save; guards against silent overwrites"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    objects = MaalvurderingQuerySet.as_manager()

    class Meta:
        verbose_name = _("målvurdering")
        verbose_name_plural = _("målvurderinger")
        constraints = [
            models.UniqueConstraint(
                fields=["gruppe", "unit", "year"], name="indikatorer_one_assessment_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.gruppe.code} {self.unit.code} {self.year}"


@receiver([post_save, post_delete], sender=Indikator)
@receiver([post_save, post_delete], sender=Gruppe)
def _definitions_changed(sender, instance, **kwargs):
    """An indicator or group written or deleted (definitions import, admin) changes what
    the set's pages show from their cache (the status tables' titles, units, groups):
    a new data version, as a written value is."""
    Indikatorsett.values_changed(instance.sett_id)


@receiver([post_save, post_delete], sender=Maalvurdering)
def _assessment_changed(sender, instance, **kwargs):
    """A written goal assessment saved or deleted (the goals page, admin): readers' goals
    pages keep the assessments they show per data version, so it is a new one."""
    Indikatorsett.objects.filter(grupper__pk=instance.gruppe_id).update(
        data_version=F("data_version") + 1)


@receiver([post_save, post_delete], sender=OrgUnit)
@receiver([post_save, post_delete], sender=UnitSuccession)
def _units_changed(sender, instance, **kwargs):
    """A unit renamed or moved, or a reform link written (the units import, admin),
    changes every set's cached pages (unit names, series reaching back through a
    predecessor): a new data version of every set, one UPDATE."""
    Indikatorsett.objects.update(data_version=F("data_version") + 1)
