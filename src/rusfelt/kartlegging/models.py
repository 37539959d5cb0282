"""Rounds (kartleggingsrunder), registrations and the kept aggregates.

A registration stores no fødselsnummer: only a per-round HMAC pseudonym, age
at the reference date and legal sex (domain/pseudonym.py, domain/person.py).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import BRUDD_CHOICES, SEX_CHOICES, OrgUnit, UnitSuccession
from rusfelt.core.scoping import UnitScopedQuerySet

from .domain.levekarsindeks import DEFAULT_RULE
from .domain.levels import parse_level


class State(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    OPEN = "open", _("Åpen")
    CLOSED = "closed", _("Lukket")
    PUBLISHED = "published", _("Publisert")


class Tjeneste(models.TextChoices):
    NAV = "nav", _("NAV")
    HELSE_OMSORG = "helse_omsorg", _("Helse og omsorg")
    BARNEVERN = "barnevern", _("Barnevern")
    ANNEN = "annen", _("Annen tjeneste")


class Niva(models.TextChoices):
    GRONN = "gronn", _("Grønn")
    GUL = "gul", _("Gul")
    ROD = "rod", _("Rød")


class Indeks(models.TextChoices):
    GRONN = "gronn", _("Grønn")
    GUL = "gul", _("Gul")
    ROD = "rod", _("Rød")
    BLALYS = "blalys", _("Blålys")


class Kategori(models.TextChoices):
    RUS = "rus", _("Kun rus")
    PSYKISK = "psykisk", _("Kun psykisk")
    RUS_PSYKISK = "rus_psykisk", _("Rus og psykisk")


class Fodested(models.TextChoices):
    NORGE = "norge", _("Norge")
    EUROPA = "europa", _("Europa utenom Norge")
    UTENFOR_EUROPA = "utenfor_europa", _("Utenfor Europa")
    UKJENT = "ukjent", _("Ukjent")


class Bosituasjon(models.TextChoices):
    ALENE = "alene", _("Bor alene")
    PARTNER = "partner", _("Med partner")
    FAMILIE_VENNER = "familie_venner", _("Med familie eller venner")
    UKLAR = "uklar", _("Uklar")


class BarnKontakt(models.TextChoices):
    OMSORG = "omsorg", _("Har omsorg")
    SAMVAER = "samvaer", _("Har samvær")
    INGEN_KONTAKT = "ingen_kontakt", _("Ingen kontakt")


AREA_FIELDS = (
    ("bolig", _("Bolig")),
    ("arbeid_aktivitet", _("Arbeid og meningsfull aktivitet")),
    ("okonomi", _("Økonomi")),
    ("fysisk_helse", _("Fysisk helse")),
    ("psykisk_helse", _("Psykisk helse")),
    ("rusmiddelbruk", _("Rusmiddelbruk")),
    ("sosial_fungering", _("Sosial fungering")),
    ("nettverk", _("Nettverk")),
)


class RundeQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"

    def open(self):
        return self.filter(state=State.OPEN)

    def published(self):
        return self.filter(state=State.PUBLISHED)


class Runde(models.Model):
    """One mapping round of a kommune or bydel and a year, code ``<unit>-<year>``."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="kartleggingsrunder",
                             verbose_name=_("enhet"))
    year = models.PositiveSmallIntegerField(_("år"))
    reference_date = models.DateField(_("referansedato"))
    opens = models.DateField(_("åpner"), null=True, blank=True)
    deadline = models.DateField(_("frist"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices,
                             default=State.PLANNED)
    hjemmel = models.TextField(_("hjemmel"), help_text=_("Rettslig grunnlag for behandlingen."))
    formal = models.TextField(_("formål"))
    dpia_ref = models.CharField(_("DPIA-referanse"), max_length=200,
                                help_text=_("Referanse til personvernkonsekvensvurderingen."))
    tjenester = models.JSONField(
        _("tjenester som kan registrere"), default=list,
        db_comment="Registering services allowed in this round (nav, helse_omsorg, ...)",
    )
    levekarsindeks_regel = models.CharField(max_length=40, default=DEFAULT_RULE)
    break_kind = models.CharField(
        _("brudd i serien"), max_length=20, choices=BRUDD_CHOICES, blank=True,
        help_text=_("Sett når tallene ikke kan sammenlignes med årene før (SSBs tegn «|»)."),
    )
    break_reason = models.CharField(
        _("årsak til bruddet"), max_length=300, blank=True,
        help_text=_("Kort forklaring som vises i fotnoten, f.eks. «Aldersgruppene endret»."),
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    records_deleted_at = models.DateTimeField(
        _("registreringer slettet"), null=True, blank=True,
        db_comment="When record-level data was deleted after the retention period",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = RundeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("kartleggingsrunde")
        verbose_name_plural = _("kartleggingsrunder")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="kartlegging_one_round_per_year"),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("kartlegging:runde", args=[self.code])

    def retention_until(self):
        if not self.published_at:
            return None
        return self.published_at + timedelta(
            days=getattr(settings, "RUSFELT_RETENTION_DAYS", 365))

    def get_tjenester_display(self):
        labels = dict(Tjeneste.choices)
        return ", ".join(str(labels.get(t, t)) for t in self.tjenester)


class RegistreringQuerySet(UnitScopedQuerySet):
    unit_lookup = "runde__unit"


def _level(verbose):
    return models.CharField(verbose, max_length=5, choices=Niva.choices)


def _flag(verbose):
    return models.BooleanField(verbose, null=True, blank=True)


class Registrering(models.Model):
    """One person in one round. No fødselsnummer: a pseudonym, age and sex."""

    # No index of its own: the unique constraint (runde, pseudonym) below leads
    # with runde and serves every lookup by round; a second index on runde only
    # cost every import a write per row.
    runde = models.ForeignKey(Runde, on_delete=models.CASCADE, related_name="registreringer",
                              db_index=False)
    pseudonym = models.CharField(
        max_length=80,
        db_comment="HMAC-SHA-256 of the fødselsnummer keyed by installation secret and round "
                   "code, prefixed by key version (k1:). Never the number itself.",
    )
    tjeneste = models.CharField(_("registrerende tjeneste"), max_length=15,
                                choices=Tjeneste.choices)
    alder = models.PositiveSmallIntegerField(
        _("alder"), db_comment="Age in whole years at the round's reference date")
    kjonn = models.CharField(_("kjønn"), max_length=6, choices=SEX_CHOICES,
                             db_comment="Legal sex derived from the fødselsnummer")
    kategori = models.CharField(_("kategori"), max_length=12, choices=Kategori.choices)
    bolig = _level(_("bolig"))
    arbeid_aktivitet = _level(_("arbeid og meningsfull aktivitet"))
    okonomi = _level(_("økonomi"))
    fysisk_helse = _level(_("fysisk helse"))
    psykisk_helse = _level(_("psykisk helse"))
    rusmiddelbruk = _level(_("rusmiddelbruk"))
    sosial_fungering = _level(_("sosial fungering"))
    nettverk = _level(_("nettverk"))
    # Derived, stored so results GROUP BY them in the database.
    levekarsindeks = models.CharField(max_length=6, choices=Indeks.choices)
    levekarsindeks_regel = models.CharField(max_length=40, default=DEFAULT_RULE)
    rop = models.BooleanField(default=False)
    # The other variables the seeds report on (seed 003 L209-259, seed 004 L348-366).
    varighet_over_3_ar = _flag(_("varighet over 3 år"))
    fodested = models.CharField(_("fødested"), max_length=15, choices=Fodested.choices,
                                blank=True)
    bosituasjon = models.CharField(_("bosituasjon"), max_length=15,
                                   choices=Bosituasjon.choices, blank=True)
    antall_barn = models.PositiveSmallIntegerField(_("antall barn under 18"), default=0)
    barn_kontakt = models.CharField(_("kontakt med barn"), max_length=15,
                                    choices=BarnKontakt.choices, blank=True)
    selvmordsforsok = _flag(_("selvmordsforsøk siste år"))
    selvmordsfare = _flag(_("selvmordsfare"))
    overdose = _flag(_("overdose siste år"))
    overdosefare = _flag(_("overdosefare"))
    vold_utsatt = _flag(_("utsatt for vold"))
    vold_utover = _flag(_("utøver vold"))
    individuell_plan = _flag(_("individuell plan"))
    tiltaksplan = _flag(_("tiltaksplan"))
    kriseplan = _flag(_("kriseplan"))
    ansvarsgruppe = _flag(_("ansvarsgruppe"))
    koordinator = _flag(_("koordinator"))
    kommunale_tjenester = models.CharField(_("kommunale tjenester mottatt"), max_length=300,
                                           blank=True, db_comment="Space-separated keys")
    spesialist_tjenester = models.CharField(_("spesialisttjenester mottatt"), max_length=300,
                                            blank=True, db_comment="Space-separated keys")
    anbefalte_tiltak = models.CharField(_("anbefalte tiltak"), max_length=300, blank=True,
                                        db_comment="Space-separated keys")
    informert = models.BooleanField(_("personen er informert"), default=False)
    ikke_informert_grunn = models.CharField(_("grunn til at personen ikke er informert"),
                                            max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = RegistreringQuerySet.as_manager()

    class Meta:
        verbose_name = _("registrering")
        verbose_name_plural = _("registreringer")
        constraints = [
            models.UniqueConstraint(fields=["runde", "pseudonym"],
                                    name="kartlegging_one_registration_per_round"),
        ]

    def __str__(self):
        return f"{self.runde.code} #{self.pk}"

    def levels(self):
        return [parse_level(getattr(self, name)) for name, _label in AREA_FIELDS]


class RundeResultatQuerySet(UnitScopedQuerySet):
    unit_lookup = "runde__unit"


class RundeResultat(models.Model):
    """The neutral (unsuppressed) aggregates of a round, stored at publishing.

    Kept after record-level data is deleted, so trends and published tables
    survive the retention period. Suppression is applied when read out.
    """

    runde = models.OneToOneField(Runde, on_delete=models.CASCADE, related_name="resultat")
    data = models.JSONField(db_comment="Aggregated counts only; no record-level data")
    levekarsindeks_regel = models.CharField(max_length=40, default=DEFAULT_RULE)
    computed_at = models.DateTimeField(auto_now=True)

    objects = RundeResultatQuerySet.as_manager()

    def __str__(self):
        return f"{self.runde.code} resultat"


class PubliseringQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"

    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Publisering(models.Model):
    """Figures that left the system: one unit's published tables for one year.

    Written once, at publishing, by ``services.publication`` and never
    changed: every page, export, report, API and indicator reads published
    kartlegging figures from here. ``data`` holds the tables as published
    (``:`` for suppressed counts), the shares (``andeler``) and the rate;
    ``metode`` names the suppression method and version, as rule names are
    stored with results. A round's publication has ``runde``; a sum (a
    kommune's bydeler, the country) has ``members``, the ``set_id`` of the
    publications it adds up.
    """

    class Kind(models.TextChoices):
        RUNDE = "runde", _("Runde")
        SUM = "sum", _("Sum av publiserte enheter")

    set_id = models.CharField(max_length=40, unique=True,
                              db_comment="Round code, or <unit>-<year>-sum for a sum")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT,
                             related_name="kartlegging_publiseringer")
    year = models.PositiveSmallIntegerField(_("år"))
    runde = models.ForeignKey(Runde, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="publiseringer")
    members = models.JSONField(default=list, blank=True)
    data = models.JSONField(db_comment="Published (suppressed) figures only")
    metode = models.CharField(max_length=40, db_comment="Suppression method and version")
    terskel = models.PositiveSmallIntegerField(db_comment="Counts 1..terskel are suppressed")
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True,
        db_comment="Set when the round is reopened; the figures may still be known outside")

    objects = PubliseringQuerySet.as_manager()

    class Meta:
        ordering = ["year", "set_id"]
        verbose_name = _("publisering")
        verbose_name_plural = _("publiseringer")

    def __str__(self):
        return self.set_id


class Diagram(models.Model):
    """A chart of published figures, rendered once (SVG data URI), found by its content.

    Rendering a chart (altair, then vl-convert) takes from a tenth of a second
    to over a second; publishing a round renders its page's charts here, so the
    first view after a publication reads them instead (issue 12). The key is a
    digest of the chart's kind and every value it shows: new figures give a new
    key, so a stored chart is never out of date and is never changed.
    """

    key = models.CharField(max_length=100, primary_key=True,
                           db_comment="Chart kind and version, then SHA-256 of its values")
    uri = models.TextField(db_comment="data:image/svg+xml;base64,... of aggregated figures")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class Resultatstand(models.Model):
    """The version of everything published rounds' results pages show (one row).

    A results page of a published round shows stored figures only: the
    round's stored results, the unit's and its predecessors' published
    rounds, its sibling bydeler's publications and the published sums, with
    unit names. Every write of those (a round, its stored results, a
    publication or its withdrawal, a unit, a reform link) gives ``token`` a
    new random value in the writing transaction (``results_changed``), so
    the page's cached body is keyed by the token, not by a digest of figures
    read on every view (issue 12). Random, not a counter: a database restored
    to an earlier state (every test) never meets a body cached under a token
    it has not given out itself.
    """

    token = models.CharField(max_length=32, db_comment="Random; new at every write of "
                             "what a published round's results page shows")

    class Meta:
        verbose_name = _("resultatstand")
        verbose_name_plural = _("resultatstand")

    def __str__(self):
        return self.token


#: The primary key of the one ``Resultatstand`` row.
RESULTATSTAND_PK = 1


def results_changed() -> None:
    """Give the results pages' version a new token (one UPDATE; the row made if missing).

    Called in the writing transaction, so a page that reads the new token
    also reads the new figures.
    """
    token = uuid.uuid4().hex
    if not Resultatstand.objects.filter(pk=RESULTATSTAND_PK).update(token=token):
        Resultatstand.objects.update_or_create(pk=RESULTATSTAND_PK, defaults={"token": token})


@receiver([post_save, post_delete], sender=Runde)
@receiver([post_save, post_delete], sender=RundeResultat)
@receiver([post_save, post_delete], sender=Publisering)
@receiver([post_save, post_delete], sender=OrgUnit)
@receiver([post_save, post_delete], sender=UnitSuccession)
def _results_changed(sender, instance, **kwargs):
    """A saved or deleted round, stored result, publication, unit or reform link may
    change what a published round's results page shows: a new ``Resultatstand``."""
    results_changed()
