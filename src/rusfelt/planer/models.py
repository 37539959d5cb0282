"""Action plans: a tree of main goals, areas and measures, followed by status
updates per reporting period, with amendments kept after adoption.

Every model here belongs to the plan's owner unit and is scoped through
``core.scoping`` (``unit_lookup``). Rules live in ``planer.domain``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit
from rusfelt.core.scoping import UnitScopedQuerySet

from .domain import perioder


class PlanState(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    ADOPTED = "vedtatt", _("Vedtatt")
    EXPIRED = "utlopt", _("Utløpt")


class PlanQuerySet(UnitScopedQuerySet):
    unit_lookup = "owner"


class Plan(models.Model):
    """An action plan of one unit (kommune or bydel).

    ``data_version`` is raised whenever a measure, area, main goal, amendment or status
    report of the plan is written or deleted, or a measure's main goals or indicators
    are set (the signals at the end of this module; ``figures_changed``). What each
    process keeps of the plan (``services.kept``: figures, areas, goals, a measure's
    record, amendments, indicator links) is keyed by it."""

    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("eier")
    )
    slug = models.SlugField(
        _("kortnavn"), max_length=80, unique=True,
        help_text=_("Brukes i adresser og på kommandolinjen, f.eks. stavanger-rus-2019-2023."),
    )
    title = models.CharField(_("tittel"), max_length=300)
    period_from = models.PositiveSmallIntegerField(_("fra år"))
    period_to = models.PositiveSmallIntegerField(_("til år"))
    adopted_on = models.DateField(_("vedtatt dato"), null=True, blank=True)
    decision_ref = models.CharField(
        _("vedtaksreferanse"), max_length=120, blank=True,
        help_text=_("F.eks. «bystyresak 278/17»."),
    )
    state = models.CharField(
        _("status"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    kilde = models.CharField(
        _("kilde"), max_length=120, blank=True,
        help_text=_("Kildehenvisning, f.eks. «seed 004 L16»."),
    )
    data_version = models.PositiveIntegerField(
        default=0, editable=False,
        db_comment="Raised whenever a measure, area, main goal, amendment or status of "
                   "the plan, or a measure's links to main goals or indicators, is "
                   "written or deleted; keys what each process keeps of the plan "
                   "(services.kept)",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["owner__path", "-period_from", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("planer")

    def __str__(self):
        return f"{self.title} {self.period_from}–{self.period_to}"

    def save(self, *args, **kwargs):
        # ``data_version`` is only ever raised in the database (``figures_changed``): a
        # plan read before a status was written must not write its older version back,
        # or figures kept under that version would be read again, stale.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "data_version"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("planer:plan_detail", args=[self.slug])

    @staticmethod
    def figures_changed(plan_id: int) -> None:
        """Note that the plan's measures, areas, main goals, amendments or statuses, or its
        measures' links to main goals or indicators, were written or deleted (one
        UPDATE): nothing kept under the old ``data_version`` is read again. The signals
        below call it for every save and delete; writers that bypass them
        (``bulk_create``, ``QuerySet.update``) call it themselves, in their transaction."""
        Plan.objects.filter(pk=plan_id).update(data_version=F("data_version") + 1)


class ChildOfPlanQuerySet(UnitScopedQuerySet):
    unit_lookup = "plan__owner"


class Hovedmal(models.Model):
    """A main goal of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="hovedmal")
    code = models.CharField(_("kode"), max_length=20)
    text = models.TextField(_("tekst"))
    order = models.PositiveIntegerField(default=0)
    kilde = models.CharField(_("kilde"), max_length=120, blank=True)

    objects = ChildOfPlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("hovedmål")
        verbose_name_plural = _("hovedmål")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planer_one_goal_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class OmradeKind(models.TextChoices):
    INNSATSOMRADE = "innsatsomrade", _("Innsatsområde")
    KAPITTEL = "kapittel", _("Kapittel")
    TRINN = "trinn", _("Forebyggende trinn")
    STRATEGI = "strategi", _("Strategi")
    TEMA = "tema", _("Tema")


class Omrade(models.Model):
    """An area of a plan; areas form a tree of any depth (chapter > trinn)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="omrader")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name=_("overordnet område"),
    )
    code = models.CharField(_("kode"), max_length=20)
    title = models.CharField(_("tittel"), max_length=300)
    kind = models.CharField(
        _("art"), max_length=20, choices=OmradeKind.choices, default=OmradeKind.INNSATSOMRADE
    )
    goal = models.TextField(_("mål"), blank=True)
    order = models.PositiveIntegerField(default=0)
    kilde = models.CharField(_("kilde"), max_length=120, blank=True)

    objects = ChildOfPlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("område")
        verbose_name_plural = _("områder")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planer_one_area_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def path_titles(self) -> list[str]:
        """Titles from the top area down to this one (one query per level)."""
        titles, node = [], self
        while node is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]


class TiltakKind(models.TextChoices):
    GJENNOMFORE = "gjennomfore", _("Gjennomføre")
    VURDERE = "vurdere", _("Vurdere/utrede først")


class TiltakQuerySet(UnitScopedQuerySet):
    unit_lookup = "plan__owner"


class Tiltak(models.Model):
    """A measure of a plan. ``version`` guards concurrent edits."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tiltak")
    number = models.CharField(
        _("nummer"), max_length=20, help_text=_("Nummer eller kode i planen, f.eks. 12 eller S1-a.")
    )
    text = models.TextField(_("tekst"))
    area = models.ForeignKey(
        Omrade, on_delete=models.SET_NULL, null=True, blank=True, related_name="tiltak",
        verbose_name=_("område"),
    )
    goals = models.ManyToManyField(
        Hovedmal, blank=True, related_name="tiltak", verbose_name=_("hovedmål")
    )
    indikatorer = models.ManyToManyField(
        "indikatorer.Indikator", blank=True, related_name="tiltak",
        verbose_name=_("indikatorer"),
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("ansvarlig enhet"),
    )
    responsible_text = models.CharField(
        _("ansvarlig"), max_length=300, blank=True,
        help_text=_("Ansvarlig tjeneste eller virksomhet med ord, f.eks. «Helsehuset»."),
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)
    period_from = models.PositiveSmallIntegerField(_("fra år"), null=True, blank=True)
    period_to = models.PositiveSmallIntegerField(_("til år"), null=True, blank=True)
    cost = models.DecimalField(
        _("kostnad (kr)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    financing = models.CharField(_("finansiering"), max_length=300, blank=True)
    kind = models.CharField(
        _("art"), max_length=12, choices=TiltakKind.choices, default=TiltakKind.GJENNOMFORE
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children",
        verbose_name=_("overordnet tiltak"),
        help_text=_("Tiltaket dette svarer på, også i en annen plan (bydel under by)."),
    )
    order = models.PositiveIntegerField(default=0)
    kilde = models.CharField(_("kilde"), max_length=120, blank=True)
    version = models.PositiveIntegerField(
        default=1, db_comment="Optimistic lock: raised by one on every save of the form"
    )

    objects = TiltakQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planer_one_measure_number"),
        ]
        indexes = [
            # A measure's page reads the measures that answer it (parent = ?). Nearly
            # every measure has no parent, and SQLite's statistics count them all as
            # one value, so the foreign key's own index looked as if it matched every
            # measure: SQLite read every plan's measures instead (1.6 ms of 0.04 at
            # national scale; issue 12). This index holds only the answering ones.
            models.Index(fields=["parent"], condition=models.Q(parent__isnull=False),
                         name="planer_tiltak_answering"),
        ]

    def __str__(self):
        return f"{self.number} {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("planer:tiltak_detail", args=[self.plan.slug, self.pk])

    @property
    def responsible_label(self) -> str:
        parts = [self.responsible_unit.name if self.responsible_unit_id else "",
                 self.responsible_text]
        return " – ".join(p for p in parts if p)


class Status(models.TextChoices):
    """Codes shared with ``domain.status.STATUSES``."""

    IKKE_STARTET = "ikke_startet", _("Ikke startet")
    PAGAR = "pagar", _("Pågår")
    GJENNOMFORT = "gjennomfort", _("Gjennomført")
    UTSATT = "utsatt", _("Utsatt")
    AVSLUTTET = "avsluttet", _("Avsluttet")


class StatusQuerySet(UnitScopedQuerySet):
    unit_lookup = "tiltak__plan__owner"


class Statusoppdatering(models.Model):
    """One status report of a measure for a period. Rows are never changed:
    the latest row of a period is the status, the earlier ones are history."""

    tiltak = models.ForeignKey(Tiltak, on_delete=models.CASCADE, related_name="statuser")
    year = models.PositiveSmallIntegerField(_("år"))
    tertial = models.PositiveSmallIntegerField(
        _("tertial"), default=0, choices=[(0, _("Hele året")), (1, "1"), (2, "2"), (3, "3")],
    )
    period_key = models.PositiveIntegerField(
        editable=False, db_index=True,
        db_comment="year*10 + tertial (1-3), or year*10 + 9 for the whole year; orders periods",
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["tiltak", "period_key", "created_at", "id"]
        indexes = [
            # A measure's status at a period is its latest row up to the period
            # (``services.status_subquery``): in this order the subquery reads one
            # index entry backwards instead of sorting the measure's rows (issue 12).
            models.Index(fields=["tiltak", "period_key", "created_at", "id"],
                         name="planer_status_siste_idx"),
        ]
        verbose_name = _("statusoppdatering")
        verbose_name_plural = _("statusoppdateringer")

    def __str__(self):
        return f"{self.tiltak.number} {self.period_label}: {self.status}"

    def save(self, *args, **kwargs):
        self.period_key = perioder.period_key(self.year, self.tertial)
        super().save(*args, **kwargs)

    @property
    def period_label(self) -> str:
        return perioder.period_label(self.year, self.tertial)


class EndringQuerySet(UnitScopedQuerySet):
    unit_lookup = "plan__owner"


class Endring(models.Model):
    """An amendment after adoption, with its decision reference (seed 004 L804-860).

    With a measure and both texts, the measure's text at any date can be
    reconstructed (``domain.endringer.text_at``). ``old_text`` empty means
    the measure was added by this amendment.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="endringer")
    tiltak = models.ForeignKey(
        Tiltak, on_delete=models.CASCADE, null=True, blank=True, related_name="endringer"
    )
    date = models.DateField(_("dato"))
    decision_ref = models.CharField(_("vedtaksreferanse"), max_length=120, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    old_text = models.TextField(_("gammel tekst"), blank=True)
    new_text = models.TextField(_("ny tekst"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    kilde = models.CharField(_("kilde"), max_length=120, blank=True)

    objects = EndringQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "date", "id"]
        verbose_name = _("endring")
        verbose_name_plural = _("endringer")

    def __str__(self):
        return f"{self.date} {self.decision_ref} {self.description[:40]}"


@receiver([post_save, post_delete], sender=Tiltak)
@receiver([post_save, post_delete], sender=Omrade)
@receiver([post_save, post_delete], sender=Hovedmal)
@receiver([post_save, post_delete], sender=Endring)
def _measure_or_area_changed(sender, instance, **kwargs):
    """A measure, area, main goal or amendment saved or deleted (forms, plan files,
    admin) changes the plan's figures (counts, progress per area) or what its pages
    show (a measure's amendments are kept with it): a new data version."""
    Plan.figures_changed(instance.plan_id)


@receiver(m2m_changed, sender=Tiltak.goals.through)
@receiver(m2m_changed, sender=Tiltak.indikatorer.through)
def _links_of_a_measure_changed(sender, instance, action, pk_set, **kwargs):
    """A measure's main goals or indicators set, added, removed or cleared (the measure
    form, plan files, admin), from either side: its pages show them as kept with the
    plan's version. Raised after the write, so nothing read before it is kept under the
    new version; a goal's or an indicator's measures cleared are found before."""
    if isinstance(instance, Tiltak):
        if action.startswith("post_"):
            Plan.figures_changed(instance.plan_id)
        return
    field = "goals" if sender is Tiltak.goals.through else "indikatorer"
    if action == "pre_clear":
        instance._plans_of_cleared_measures = set(
            Tiltak.objects.filter(**{field: instance}).values_list("plan_id", flat=True))
        return
    if not action.startswith("post_"):
        return
    plan_ids = set(instance.__dict__.pop("_plans_of_cleared_measures", ()))
    if pk_set:
        plan_ids |= set(Tiltak.objects.filter(pk__in=pk_set).values_list("plan_id", flat=True))
    if field == "goals":
        plan_ids.add(instance.plan_id)  # a goal belongs to a plan
    for plan_id in sorted(plan_ids):
        Plan.figures_changed(plan_id)


@receiver([post_save, post_delete], sender=Statusoppdatering)
def _status_changed(sender, instance, **kwargs):
    """A status report saved or deleted (the status form, admin) changes its plan's
    figures: a new data version of the plan of its measure, one UPDATE."""
    Plan.objects.filter(tiltak__pk=instance.tiltak_id).update(
        data_version=F("data_version") + 1)
