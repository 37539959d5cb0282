"""The service directory: services, their opening hours and translations.

Translatable text lives twice: the bokmål original on ``Tjeneste`` and one
``TjenesteOversettelse`` row per further language (``language`` = a code of
settings.LANGUAGES). Adding a language is adding rows, not columns; a missing
translation falls back to bokmål field by field.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit
from rusfelt.core.scoping import UnitScopedQuerySet

from .domain import apningstider, sok, verifisering
from .fields import ChoiceListField


class Kind(models.TextChoices):
    KOMMUNAL = "kommunal", _("Kommunal")
    STATLIG = "statlig", _("Statlig")
    PRIVAT = "privat", _("Privat")
    IDEELL = "ideell", _("Ideell")
    FRIVILLIG = "frivillig", _("Frivillig")


class Category(models.TextChoices):
    LAVTERSKEL = "lavterskel", _("Lavterskel")
    AKUTT = "akutt", _("Akutt hjelp")
    BOLIG = "bolig", _("Bolig og overnatting")
    BEHANDLING = "behandling", _("Behandling")
    HELSE = "helse", _("Helsehjelp")
    OPPFOLGING = "oppfolging", _("Oppfølging")
    ARBEID_AKTIVITET = "arbeid_aktivitet", _("Arbeid og aktivitet")
    PARORENDE = "parorende", _("For pårørende")
    FOREBYGGING = "forebygging", _("Forebygging")
    SKADEREDUKSJON = "skadereduksjon", _("Skadereduksjon")
    RAD = "rad", _("Råd og rettshjelp")


class TargetGroup(models.TextChoices):
    ALLE = "alle", _("Alle")
    BARN = "barn", _("Barn")
    UNGDOM = "ungdom", _("Ungdom")
    UNGE_VOKSNE = "unge_voksne", _("Unge voksne")
    VOKSNE = "voksne", _("Voksne")
    ELDRE = "eldre", _("Eldre")
    PARORENDE = "parorende", _("Pårørende")
    BARN_PARORENDE = "barn_parorende", _("Barn som pårørende")
    GRAVIDE = "gravide", _("Gravide")
    ROP = "rop", _("Rus og psykisk lidelse (ROP)")
    AKTIV_RUS = "aktiv_rus", _("Personer i aktiv rus")
    RUSFRIE = "rusfrie", _("Rusfrie")
    BOSTEDSLOSE = "bostedslose", _("Bostedsløse")


#: Target groups that mean "for the people close to a user, not the user".
PARORENDE_GROUPS = (TargetGroup.PARORENDE, TargetGroup.BARN_PARORENDE)


class AccessRoute(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in: kom innom")
    HENVISNING = "henvisning", _("Henvisning fra lege eller andre")
    VEDTAK = "vedtak", _("Vedtak fra kommunen")
    TIMEBESTILLING = "timebestilling", _("Bestill time")
    TELEFON_FORST = "telefon_forst", _("Ring først")


class Language(models.TextChoices):
    NB = "nb", _("Norsk")
    EN = "en", _("Engelsk")
    SE = "se", _("Samisk")
    PL = "pl", _("Polsk")
    AR = "ar", _("Arabisk")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinja")
    UK = "uk", _("Ukrainsk")
    RU = "ru", _("Russisk")
    FA = "fa", _("Persisk")
    UR = "ur", _("Urdu")


class Weekday(models.IntegerChoices):
    MANDAG = 0, _("mandag")
    TIRSDAG = 1, _("tirsdag")
    ONSDAG = 2, _("onsdag")
    TORSDAG = 3, _("torsdag")
    FREDAG = 4, _("fredag")
    LORDAG = 5, _("lørdag")
    SONDAG = 6, _("søndag")


#: The fields that ``TjenesteOversettelse`` can hold in another language.
TRANSLATED_FIELDS = ("name", "description", "target_text", "access_text", "hours_note")


# The codes of each choice list, built once: ``Choices.values`` builds a new
# list per call, and the API asks for them per service and per code (issue 12).
CATEGORY_CODES = frozenset(Category.values)
TARGET_GROUP_CODES = frozenset(TargetGroup.values)
ACCESS_ROUTE_CODES = frozenset(AccessRoute.values)
LANGUAGE_CODES = frozenset(Language.values)


class TjenesteQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"

    def published(self):
        """What the public sees: published services (no login, no scoping)."""
        return self.filter(published=True)


class Tjeneste(models.Model):
    """One offer in the directory ("tilbud"), serving one unit."""

    slug = models.SlugField(_("kortnavn"), max_length=120, unique=True,
                            help_text=_("Del av adressen til tjenestesiden."))
    name = models.CharField(_("navn"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="tjenester", verbose_name=_("betjener"),
        help_text=_("Kommunen eller bydelen tjenesten er for."),
    )
    provider_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("tilbyder (enhet)"),
        help_text=_("Når en kommune eller bydel driver tilbudet selv."),
    )
    provider_name = models.CharField(
        _("tilbyder"), max_length=200, blank=True,
        help_text=_("Ekstern tilbyder, f.eks. en ideell organisasjon eller et helseforetak."),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    target_groups = ChoiceListField(_("målgrupper"), choices=TargetGroup.choices, blank=True)
    age_min = models.PositiveSmallIntegerField(_("alder fra"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("alder til"), null=True, blank=True)
    access_routes = ChoiceListField(_("slik kommer du inn"), choices=AccessRoute.choices,
                                    blank=True)
    description = models.TextField(_("hva tilbudet er"))
    target_text = models.TextField(_("hvem det er for"), blank=True)
    access_text = models.TextField(_("slik kommer du inn (tekst)"), blank=True)
    street_address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("poststed"), max_length=100, blank=True)
    latitude = models.DecimalField(_("breddegrad"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("lengdegrad"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    website = models.URLField(_("nettside"), blank=True)
    capacity = models.CharField(_("kapasitet"), max_length=200, blank=True,
                                help_text=_("Fritekst, f.eks. «5 døgnplasser»."))
    places = models.PositiveIntegerField(_("antall plasser"), null=True, blank=True)
    languages = ChoiceListField(_("språk"), choices=Language.choices, blank=True, default="nb")
    open_on_holidays = models.BooleanField(
        _("åpent på helligdager"), default=False,
        help_text=_("Ellers er tilbudet stengt på helligdager, med mindre et unntak sier annet."),
    )
    hours_note = models.CharField(_("merknad til åpningstider"), max_length=200, blank=True)
    published = models.BooleanField(_("publisert"), default=True)
    verified_on = models.DateField(_("sist kontrollert"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("kontrollert av"),
    )
    source_ref = models.CharField(
        _("kilde"), max_length=200, blank=True,
        help_text=_("Hvor opplysningene kommer fra (f.eks. dokument og linje)."),
    )
    search_index = models.TextField(
        editable=False, default="",
        db_comment="Folded word stems and compound parts of the texts (domain.sok), for search",
    )
    name_index = models.TextField(
        editable=False, default="",
        db_comment="The same index of the names only: services named after the query rank first",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TjenesteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        indexes = [
            # The public search filters published rows by category and unit.
            models.Index(fields=["published", "category"], name="tjenester_pub_category"),
            models.Index(fields=["published", "name"], name="tjenester_pub_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="tjenester_age_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_index, self.name_index = self.build_search_index(), self.build_name_index()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_index", "name_index"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tjenester:detail", args=[self.slug])

    # --- text and translations ---------------------------------------------

    def build_search_index(self, translations=None) -> str:
        """The search index (domain.sok) of every text of the service, in every language."""
        if translations is None:
            translations = list(self.translations.all()) if self.pk else []
        texts = [self.name, self.provider_name, self.description, self.target_text,
                 self.access_text]
        for row in translations:
            texts += [getattr(row, f) for f in TRANSLATED_FIELDS]
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                texts.append(str(Category(self.category).label) if self.category else "")
                texts += [str(TargetGroup(g).label) for g in self.target_groups]
        return sok.index_text(*texts)

    def build_name_index(self, translations=None) -> str:
        if translations is None:
            translations = list(self.translations.all()) if self.pk else []
        return sok.index_text(self.name, *(row.name for row in translations))

    def refresh_search_index(self):
        self.search_index, self.name_index = self.build_search_index(), self.build_name_index()
        type(self).objects.filter(pk=self.pk).update(search_index=self.search_index,
                                                     name_index=self.name_index)

    def translated(self, field: str, language: str | None = None) -> str:
        """``field`` in ``language`` (the active one when None), falling back to bokmål."""
        language = (language or translation.get_language() or "nb").split("-")[0]
        if language != "nb":
            for row in self.translations.all():  # prefetched by the views
                if row.language == language and getattr(row, field):
                    return getattr(row, field)
        return getattr(self, field)

    def text_language(self, field: str, language: str | None = None) -> str:
        """The language ``translated(field)`` is actually in ("nb" on fallback)."""
        language = (language or translation.get_language() or "nb").split("-")[0]
        if language != "nb":
            for row in self.translations.all():
                if row.language == language and getattr(row, field):
                    return language
        return "nb"

    # --- rules (domain) ------------------------------------------------------

    def schedule(self) -> apningstider.Schedule:
        """The domain schedule of the (prefetched) periods and exceptions."""
        return apningstider.Schedule(
            periods=tuple(
                apningstider.Period(p.weekday, p.opens, p.closes) for p in self.periods.all()
            ),
            exceptions=tuple(
                apningstider.DayException(e.day, e.closed, e.opens, e.closes, e.note)
                for e in self.exceptions.all()
            ),
            open_on_holidays=self.open_on_holidays,
        )

    def is_stale(self, today: date) -> bool:
        return verifisering.is_stale(self.verified_on, today)

    @property
    def category_label(self) -> str:
        """``get_category_display()`` without building a dict of every category per call."""
        if self.category in CATEGORY_CODES:
            return str(Category(self.category).label)
        return self.category

    @property
    def provider_display(self) -> str:
        if self.provider_name:
            return self.provider_name
        return self.provider_unit.name if self.provider_unit_id else ""

    def get_target_group_labels(self):
        return [TargetGroup(g).label for g in self.target_groups if g in TARGET_GROUP_CODES]

    def get_access_route_labels(self):
        return [AccessRoute(r).label for r in self.access_routes if r in ACCESS_ROUTE_CODES]

    def get_language_labels(self):
        return [Language(c).label for c in self.languages if c in LANGUAGE_CODES]


class TjenesteOversettelse(models.Model):
    """A service's texts in another language than bokmål."""

    tjeneste = models.ForeignKey(Tjeneste, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("språk"), max_length=10,
                                help_text=_("Språkkode, f.eks. en."))
    name = models.CharField(_("navn"), max_length=200, blank=True)
    description = models.TextField(_("hva tilbudet er"), blank=True)
    target_text = models.TextField(_("hvem det er for"), blank=True)
    access_text = models.TextField(_("slik kommer du inn (tekst)"), blank=True)
    hours_note = models.CharField(_("merknad til åpningstider"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("oversettelse")
        verbose_name_plural = _("oversettelser")
        constraints = [
            models.UniqueConstraint(fields=["tjeneste", "language"],
                                    name="tjenester_one_translation_per_language"),
        ]

    def __str__(self):
        return f"{self.tjeneste} ({self.language})"


class Apningstid(models.Model):
    """A weekly opening period. Closing at or before opening runs past midnight;
    00:00-00:00 is the whole day (domain.apningstider)."""

    tjeneste = models.ForeignKey(Tjeneste, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("ukedag"), choices=Weekday.choices)
    opens = models.TimeField(_("åpner"))
    closes = models.TimeField(_("stenger"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("åpningstid")
        verbose_name_plural = _("åpningstider")
        indexes = [models.Index(fields=["weekday", "opens"], name="tjenester_period_day")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Unntak(models.Model):
    """Other hours on one date (a holiday, a course day): closed or open then."""

    tjeneste = models.ForeignKey(Tjeneste, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("dato"))
    closed = models.BooleanField(_("stengt"), default=True)
    opens = models.TimeField(_("åpner"), null=True, blank=True)
    closes = models.TimeField(_("stenger"), null=True, blank=True)
    note = models.CharField(_("merknad"), max_length=200, blank=True)

    class Meta:
        ordering = ["day", "opens"]
        verbose_name = _("unntak fra åpningstid")
        verbose_name_plural = _("unntak fra åpningstider")
        indexes = [models.Index(fields=["day"], name="tjenester_exception_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed=True)
                | (models.Q(opens__isnull=False) & models.Q(closes__isnull=False)),
                name="tjenester_exception_hours_when_open",
            ),
        ]

    def __str__(self):
        return f"{self.tjeneste} {self.day}"
