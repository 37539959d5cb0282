"""The public search form (GET) and the planners' service form."""

import time
import uuid

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.forms import inlineformset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import Niva, OrgUnit
from rusfelt.core.roles import Role
from rusfelt.core.scoping import units_for
from rusfelt.core.widgets import FrozenChoices, LongChoiceField, LongSelect

from . import services
from .models import (
    AccessRoute,
    Apningstid,
    Category,
    Tjeneste,
    TjenesteOversettelse,
    Unntak,
)
from .services import Filters

# Paths under /tjenester/ that a service's slug must not take.
RESERVED_SLUGS = {"mine"}

ROLLE_CHOICES = [
    ("", _("Alle")),
    ("bruker", _("Jeg trenger hjelp selv")),
    ("parorende", _("Jeg er pårørende")),
]


#: Seconds a process keeps the choice list of places. A change of units
#: clears it at once (apps.py: a new version in the shared cache); a process
#: whose cache is its own (tests' LocMemCache) sees it after this.
PLACES_CACHE_SECONDS = 300
PLACES_VERSION_KEY = "tjenester:places-version"
#: (version, language) -> (built at, Places): this process's copies. The
#: version is a fresh token whenever the shared one is missing (a cleared cache).
_places: dict[tuple[str, str], tuple[float, "Places"]] = {}


class Places:
    """The search's places, read once per version of the units: the choice list
    (kommuner with their bydeler) and, for each place, the units it is served
    from (``services.filtered``'s rule), so a search with a place reads neither
    the place nor its units again (issue 12)."""

    def __init__(self, version: str, units):
        """``units``: (pk, code, name, level, path) of every unit, by path."""
        self.version = version
        self._units = list(units)
        self._paths = {code: path for _pk, code, _name, _level, path in self._units}
        self._served: dict[str, tuple[int, ...]] = {}
        self.choices = FrozenChoices(_place_choices(self._units))

    def served(self, code: str) -> tuple[int, ...] | None:
        """Ids of the units whose services serve the place ``code`` (None: no such
        unit): as ``services.filtered`` reads them, from the units read once."""
        found = self._served.get(code)
        if found is None:
            path = self._paths.get(code)
            if path is None:
                return None
            found = self._served[code] = services.served_unit_ids(path, self._units)
        return found


def current_places() -> Places:
    """The places of the current unit data and language, built once per version."""
    version = cache.get_or_set(PLACES_VERSION_KEY, _new_version, None)
    key = (version, get_language() or "nb")
    built = _places.get(key)
    now = time.monotonic()
    if built is None or now - built[0] > PLACES_CACHE_SECONDS:
        _places.clear()  # older versions and languages are rebuilt on demand
        units = OrgUnit.objects.order_by("path").values_list(
            "pk", "code", "name", "level", "path")
        built = _places[key] = (now, Places(version, units))
    return built[1]


def place_choices() -> FrozenChoices:
    """Kommuner with their bydeler, as optgroups: [(kommune, [(code, name), ...])].

    Built once per language and kept in the process as ``FrozenChoices``: with
    the national unit tree this is ~390 units, too many to read, group,
    unpickle, normalise, walk and render on every search (issue 12).
    """
    return current_places().choices


def _new_version() -> str:
    return uuid.uuid4().hex


def forget_place_choices(**kwargs):
    """Signal receiver: units changed, build the choice list anew once they are committed.

    The new version is set after the commit: set inside the transaction, another
    process would read the units as they were before it, keep them under the new
    version, and show the old places until ``PLACES_CACHE_SECONDS`` ran out.
    """
    transaction.on_commit(_publish_new_version)


def _publish_new_version():
    cache.set(PLACES_VERSION_KEY, _new_version(), None)


def _place_choices(units):
    groups: dict[str, list] = {}
    names: dict[str, str] = {}
    for _pk, code, name, level, path in units:
        if level == Niva.KOMMUNE:
            names[path] = name
            groups[path] = [(code, _("Hele %(kommune)s") % {"kommune": name})]
        elif level == Niva.BYDEL:
            parent = path.rsplit("/", 2)[0] + "/"
            groups.setdefault(parent, []).append((code, name))
    choices = [("", str(_("Hele landet")))]
    choices += [(names.get(path, path), [(c, str(n)) for c, n in items])
                for path, items in groups.items()]
    return choices


class SokForm(forms.Form):
    """The public search. Every field is optional; the URL is the bookmark."""

    q = forms.CharField(label=_("Hva leter du etter?"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    # LongSelect: the same markup as Django's templates, without a template per option.
    rolle = forms.ChoiceField(label=_("Hvem er du?"), choices=ROLLE_CHOICES, required=False,
                              widget=LongSelect)
    alder = forms.IntegerField(
        label=_("Alder"), required=False, min_value=0, max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kategori = forms.ChoiceField(label=_("Hva trenger du?"), required=False, widget=LongSelect)
    tilgang = forms.ChoiceField(label=_("Hvordan vil du komme i kontakt?"), required=False,
                                widget=LongSelect)
    sted = LongChoiceField(label=_("Kommune eller bydel"), required=False, widget=LongSelect)
    apen = forms.BooleanField(label=_("Bare tilbud som er åpne nå"), required=False)

    def __init__(self, *args, places=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = [("", _("Alt"))] + list(Category.choices)
        self.fields["tilgang"].choices = [("", _("Alle måter"))] + list(AccessRoute.choices)
        #: The places read once per unit version (``Places``); None when the
        #: caller gave its own choice list.
        self.places = None
        if places is None:
            self.places = current_places()
            places = self.places.choices
        self.fields["sted"].choices = places

    def filters(self) -> Filters:
        """The valid fields as filters (an invalid field is left out, not fatal),
        with the place's units from the places the form offered."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        return self._with_units(Filters.from_cleaned(self.cleaned_data))

    def _with_units(self, filters: Filters) -> Filters:
        if filters.sted and self.places is not None:
            filters.units = self.places.served(filters.sted)
        return filters


class ApiSokForm(SokForm):
    """The search of the JSON API: the page's fields, strictly checked, and paging.

    Every field here is a parameter in the OpenAPI document (api.openapi_document);
    a test walks the document and sends each a good and a bad value.
    """

    APEN_VALUES = ("on", "true", "false")

    apen = forms.ChoiceField(choices=[("", "")] + [(v, v) for v in APEN_VALUES],
                             required=False)
    side = forms.IntegerField(min_value=1, required=False)
    lang = forms.ChoiceField(choices=[("nb", "nb"), ("en", "en")], required=False)

    def filters(self) -> Filters:
        data = dict(self.cleaned_data)
        data["apen"] = data.get("apen") in ("on", "true")
        return self._with_units(Filters.from_cleaned(data))


class HsdsPageForm(forms.Form):
    """Parameters of the HSDS API's /services (HSDS openapi.json)."""

    page = forms.IntegerField(min_value=1, required=False)
    per_page = forms.IntegerField(min_value=1, max_value=500, required=False)
    search = forms.CharField(max_length=200, required=False)
    full = forms.ChoiceField(choices=[("", ""), ("true", "true"), ("false", "false")],
                             required=False)

    def clean_full(self):
        return self.cleaned_data.get("full") == "true"


class TjenesteForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("Nettside"), required=False, assume_scheme="https")

    class Meta:
        model = Tjeneste
        fields = [
            "name", "slug", "unit", "provider_unit", "provider_name", "kind", "category",
            "description", "target_groups", "age_min", "age_max", "target_text",
            "access_routes", "access_text", "phone", "email", "website",
            "street_address", "postal_code", "city", "latitude", "longitude",
            "open_on_holidays", "hours_note", "capacity", "places", "languages",
            "published", "source_ref",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "target_text": forms.Textarea(attrs={"rows": 2}),
                   "access_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = units_for(user, [Role.PLANLEGGER]).filter(level__in=[Niva.KOMMUNE, Niva.BYDEL])
        self.fields["unit"].queryset = own
        self.fields["provider_unit"].queryset = own
        self.fields["version"].initial = self.instance.version

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("Dette kortnavnet er reservert."))
        return slug

    def clean(self):
        data = super().clean()
        if not data.get("provider_name") and not data.get("provider_unit"):
            self.add_error("provider_name", _("Oppgi hvem som driver tilbudet."))
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("Øvre aldersgrense må være minst like høy som nedre."))
        return data


class UnntakForm(forms.ModelForm):
    class Meta:
        model = Unntak
        fields = ["day", "closed", "opens", "closes", "note"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        data = super().clean()
        if not data.get("closed") and (not data.get("opens") or not data.get("closes")):
            raise forms.ValidationError(_("Et åpent unntak trenger åpnings- og stengetid."))
        return data


class OversettelseForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Språk"))

    class Meta:
        model = TjenesteOversettelse
        fields = ["language", "name", "description", "target_text", "access_text", "hours_note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "target_text": forms.Textarea(attrs={"rows": 2}),
                   "access_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != "nb"
        ]


ApningstidFormSet = inlineformset_factory(
    Tjeneste, Apningstid, fields=["weekday", "opens", "closes"], extra=2, can_delete=True,
    widgets={"opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
             "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")},
)
UnntakFormSet = inlineformset_factory(
    Tjeneste, Unntak, form=UnntakForm, extra=1, can_delete=True
)
OversettelseFormSet = inlineformset_factory(
    Tjeneste, TjenesteOversettelse, form=OversettelseForm, extra=1, max_num=5, can_delete=True
)
