"""Forms of kartlegging. The fødselsnummer field is validated with python-stdnum
through domain/person.py and never echoed in an error message."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from stdnum.no import fodselsnummer

from rusfelt.core.domain.tabular import megabytes
from rusfelt.core.uploads import UploadField, limits
from rusfelt.screening import mapping as screening

from . import services
from .domain.person import InvalidNumber, person_from_number
from .models import (
    AREA_FIELDS,
    BarnKontakt,
    Bosituasjon,
    Fodested,
    Kategori,
    Niva,
    State,
    Tjeneste,
)
from .texts import LEVEL_TEXTS

YES_NO = [("ja", _("Ja")), ("nei", _("Nei"))]
FLAG_FIELDS = [
    ("varighet_over_3_ar", _("Problemene har vart i over 3 år")),
    ("individuell_plan", _("Har individuell plan")),
    ("tiltaksplan", _("Har tiltaksplan")),
    ("kriseplan", _("Har kriseplan")),
    ("ansvarsgruppe", _("Har ansvarsgruppe")),
    ("koordinator", _("Har koordinator")),
    ("selvmordsforsok", _("Selvmordsforsøk siste år")),
    ("selvmordsfare", _("Vurdert selvmordsfare")),
    ("overdose", _("Overdose siste år")),
    ("overdosefare", _("Vurdert overdosefare")),
    ("vold_utsatt", _("Utsatt for vold")),
    ("vold_utover", _("Utøver vold")),
]


class RegistrationForm(forms.Form):
    fodselsnummer = forms.CharField(
        label=_("Fødselsnummer eller d-nummer"), max_length=20,
        help_text=_("11 siffer. Lagres aldri: Rusfelt lagrer bare et pseudonym for denne "
                    "runden, alder og juridisk kjønn. H-nummer (midlertidig nummer fra "
                    "helsetjenesten) godtas, men da kan personen bli telt to ganger hvis en "
                    "annen tjeneste registrerer vedkommende med fødselsnummer: bruk "
                    "fødselsnummer eller d-nummer når det finnes."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric",
                                      "spellcheck": "false"}),
        error_messages={"required": _("Fyll inn fødselsnummer eller d-nummer.")},
    )
    tjeneste = forms.ChoiceField(label=_("Registrerende tjeneste"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Velg tjeneste.")})
    kategori = forms.ChoiceField(
        label=_("Kategori"), choices=Kategori.choices, widget=forms.RadioSelect,
        help_text=_("Alle med et rusproblem regnes under rus/ROP, også med alvorlig psykisk "
                    "lidelse."),
        error_messages={"required": _("Velg kategori.")})
    informert = forms.ChoiceField(
        label=_("Er personen informert om registreringen?"), choices=YES_NO,
        widget=forms.RadioSelect, error_messages={"required": _("Svar ja eller nei.")})
    ikke_informert_grunn = forms.CharField(
        label=_("Hvorfor er personen ikke informert?"), required=False, max_length=300)
    fodested = forms.ChoiceField(label=_("Fødested"), required=False,
                                 choices=[("", _("Ikke oppgitt")), *Fodested.choices])
    bosituasjon = forms.ChoiceField(label=_("Bosituasjon"), required=False,
                                    choices=[("", _("Ikke oppgitt")), *Bosituasjon.choices])
    antall_barn = forms.IntegerField(label=_("Antall barn under 18 år"), min_value=0,
                                     max_value=20, initial=0, required=False)
    barn_kontakt = forms.ChoiceField(label=_("Kontakt med barna"), required=False,
                                     choices=[("", _("Ingen barn / ikke oppgitt")),
                                              *BarnKontakt.choices])

    def __init__(self, *args, runde, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.runde = runde
        labels = dict(Tjeneste.choices)
        self.fields["tjeneste"].choices = [(t, labels[t]) for t in runde.tjenester]
        self.area_names = []
        for name, label in AREA_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=label, widget=forms.RadioSelect,
                choices=Niva.choices,
                error_messages={"required": _("Velg grønn, gul eller rød.")})
            self.area_names.append(name)
        for name, label in FLAG_FIELDS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        screening.add_form_fields(self)
        self.person = None

    def area_fields(self):
        """(bound field, [(radio, level key, level text)]) for each life area."""
        rows = []
        for name in self.area_names:
            field = self[name]
            options = [(radio, radio.data["value"], LEVEL_TEXTS[name][radio.data["value"]])
                       for radio in field]
            rows.append((field, options))
        return rows

    def flag_fields(self):
        return [self[name] for name, _label in FLAG_FIELDS]

    def person_fields(self):
        return [self[n] for n in ("fodested", "bosituasjon", "antall_barn", "barn_kontakt")]

    def screening_fields(self):
        return screening.form_fields(self)

    def screening_values(self):
        return screening.form_values(self)

    def clean_fodselsnummer(self):
        value = self.cleaned_data["fodselsnummer"]
        try:
            self.person = person_from_number(
                value, self.runde.reference_date,
                allow_synthetic=getattr(settings, "RUSFELT_ALLOW_SYNTHETIC_NUMBERS", False))
        except InvalidNumber as exc:
            raise forms.ValidationError(str(exc)) from None
        # Checked here too, so the user sees every problem at once; the
        # service checks again (and the database constraint backs both).

        holder = services.existing_holder(self.runde, services.pseudonym_for(value, self.runde))
        if holder:
            raise forms.ValidationError(str(services.DuplicateRegistration(holder)))
        return value

    def clean(self):
        data = super().clean()
        if data.get("informert") == "nei" and not data.get("ikke_informert_grunn", "").strip():
            self.add_error("ikke_informert_grunn",
                           _("Skriv hvorfor personen ikke er informert."))
        screening.clean_form(self)
        return data

    def values(self) -> dict:
        """Cleaned values for the model, without the fødselsnummer."""
        data = self.cleaned_data
        values = {k: data[k] for k in ("tjeneste", "kategori", *self.area_names)}
        values.update({name: data[name] for name, _label in FLAG_FIELDS})
        values["informert"] = data["informert"] == "ja"
        values["ikke_informert_grunn"] = "" if values["informert"] else \
            data["ikke_informert_grunn"].strip()
        values["fodested"] = data["fodested"]
        values["bosituasjon"] = data["bosituasjon"]
        values["antall_barn"] = data["antall_barn"] or 0
        values["barn_kontakt"] = data["barn_kontakt"]
        return values


class CorrectionForm(forms.Form):
    """Right of correction: the levels, category and service, with a reason."""

    kategori = forms.ChoiceField(label=_("Kategori"), choices=Kategori.choices)
    informert = forms.BooleanField(label=_("Personen er informert om registreringen"),
                                   required=False)
    begrunnelse = forms.CharField(label=_("Begrunnelse for rettingen"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in AREA_FIELDS:
            self.fields[name] = forms.ChoiceField(label=label, choices=Niva.choices)


class DeleteForm(forms.Form):
    begrunnelse = forms.CharField(label=_("Begrunnelse for slettingen"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class LookupForm(forms.Form):
    fodselsnummer = forms.CharField(
        label=_("Fødselsnummer eller d-nummer"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))

    def clean_fodselsnummer(self):

        value = self.cleaned_data["fodselsnummer"]
        if not fodselsnummer.is_valid(value):
            raise forms.ValidationError(_("Ugyldig fødselsnummer eller d-nummer."))
        return value


class ImportForm(forms.Form):
    fil = UploadField(label=_("Fil (CSV eller XLSX)"),
                          help_text=_("Én rad per person. Se kolonnene under."))


class _ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyUploadsField(UploadField):
    """Several import files in one field (Django's documented pattern for
    ``<input type="file" multiple>``), each checked as ``UploadField`` checks one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _ManyFilesInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data]
        if any(getattr(item, "too_large", False) for item in items):
            raise forms.ValidationError(
                _("Filene er til sammen større enn grensen på %(mb)s MB for én import og er "
                  "ikke lest. Del dem i flere importer. Ingenting er lagret.")
                % {"mb": megabytes(limits().max_bytes)}, code="too_large")
        one = super().clean
        return [one(item, initial) for item in items] or [one(None, initial)]


class BatchImportForm(forms.Form):
    filer = ManyUploadsField(
        label=_("Filer (CSV eller XLSX)"),
        help_text=_("Én fil per runde, oppkalt etter runden: 030104-2025.csv importeres til "
                    "runde 030104-2025."))


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=State.choices)
    begrunnelse = forms.CharField(required=False, max_length=500)


class RoundForm(forms.Form):
    """Create a round from the browser (planners)."""

    unit = forms.ChoiceField(label=_("Enhet"))
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    hjemmel = forms.CharField(label=_("Hjemmel"), widget=forms.Textarea(attrs={"rows": 2}))
    formal = forms.CharField(label=_("Formål"), widget=forms.Textarea(attrs={"rows": 2}))
    dpia_ref = forms.CharField(label=_("DPIA-referanse"), max_length=200)
    tjenester = forms.MultipleChoiceField(label=_("Tjenester som kan registrere"),
                                          choices=Tjeneste.choices,
                                          widget=forms.CheckboxSelectMultiple,
                                          initial=[t for t, _l in Tjeneste.choices])

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, f"{u.name} ({u.code})") for u in units]
