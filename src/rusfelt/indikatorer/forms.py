from django import forms
from django.utils.translation import gettext_lazy as _

from rusfelt.core.dokumenter import labels
from rusfelt.core.uploads import UploadField
from rusfelt.core.widgets import LongSelect

from .models import IndicatorType


class StatusFilterForm(forms.Form):
    """GET filters of the status tables."""

    enhet = forms.ChoiceField(label=_("Enhet"), required=False, widget=LongSelect)
    til = forms.TypedChoiceField(label=_("Til og med år"), required=False, coerce=int,
                                 empty_value=None)
    gruppe = forms.ChoiceField(label=_("Mål eller gruppe"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    kilde = forms.ChoiceField(label=_("Kilde"), required=False)
    vurdering = forms.ChoiceField(label=_("Vurdering siste år"), required=False)

    def __init__(self, *args, units=(), years=(), groups=(), sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["enhet"].choices = [(u.code, str(u)) for u in units]
        self.fields["til"].choices = [("", _("Siste år med tall"))] + [
            (y, str(y)) for y in years
        ]
        self.fields["gruppe"].choices = everything + [(g.code, g.name) for g in groups]
        self.fields["type"].choices = everything + list(IndicatorType.choices)
        self.fields["kilde"].choices = everything + [(s, s) for s in sources]
        self.fields["vurdering"].choices = everything + [
            (j, labels.label(j)) for j in labels.JUDGEMENTS
        ]

    def summary(self) -> str:
        """The chosen filters in words (printed on the exported table)."""
        parts = []
        for name in ("gruppe", "type", "kilde", "vurdering"):
            value = self.cleaned_data.get(name)
            if value:
                label = dict(self.fields[name].choices).get(value, value)
                parts.append(f"{self.fields[name].label}: {label}")
        return "; ".join(parts)


class CompareForm(forms.Form):
    ar = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None)
    enheter = forms.MultipleChoiceField(
        label=_("Enheter"), required=False,
        help_text=_("Velg to eller flere, også bydeler. Ingen valgt: alle med tall."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, years=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ar"].choices = [(y, str(y)) for y in years]
        self.fields["enheter"].choices = [(u.code, u.name) for u in units]

    def clean_enheter(self):
        chosen = self.cleaned_data["enheter"]
        if len(chosen) == 1:
            raise forms.ValidationError(_("Velg minst to enheter å sammenligne."))
        return chosen


class AssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Skriftlig vurdering"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Planleggerens vurdering av måloppnåelsen dette året."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ImportForm(forms.Form):
    fil = UploadField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_(
            "Langt format: indikator,enhet,ar,verdi[,merknad]. Bredt format: indikator og én "
            "kolonne per år, som tabellene i evalueringen. Alt eller ingenting lagres."
        ),
    )
    enhet = forms.ChoiceField(
        label=_("Enhet for bredt format"), required=False,
        help_text=_("Brukes når filen ikke har kolonnen enhet."),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhet"].choices = [(u.code, str(u)) for u in units]

    def clean_fil(self):
        fil = self.cleaned_data["fil"]
        if fil.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Filen er større enn 5 MB."))
        return fil
