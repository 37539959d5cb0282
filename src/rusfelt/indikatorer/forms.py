from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from rusfelt.core.dokumenter import labels
from rusfelt.core.uploads import UploadField
from rusfelt.core.widgets import FrozenChoices, LongChoiceField, LongSelect, _attrs

from .models import IndicatorType


class StatusFilterForm(forms.Form):
    """GET filters of the status tables.

    Every select is a ``LongSelect`` (Django's markup without a template per
    option); the units, up to every unit of the country, come as ``FrozenChoices``
    built once per data version (``views._filter_choices``).
    """

    enhet = LongChoiceField(label=_("Enhet"), required=False, widget=LongSelect)
    til = forms.TypedChoiceField(label=_("Til og med år"), required=False, coerce=int,
                                 empty_value=None, widget=LongSelect)
    gruppe = forms.ChoiceField(label=_("Mål eller gruppe"), required=False, widget=LongSelect)
    type = forms.ChoiceField(label=_("Type"), required=False, widget=LongSelect)
    kilde = forms.ChoiceField(label=_("Kilde"), required=False, widget=LongSelect)
    vurdering = forms.ChoiceField(label=_("Vurdering siste år"), required=False,
                                  widget=LongSelect)

    def __init__(self, *args, units=(), years=(), groups=(), sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        # (code, label) pairs, or OrgUnits labelled as their __str__.
        self.fields["enhet"].choices = units if isinstance(units, FrozenChoices) else [
            (u.code, str(u)) for u in units]
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


class LongSelectMultiple(LongSelect, forms.SelectMultiple):
    """A ``SelectMultiple`` for hundreds of options, written as ``LongSelect`` writes a
    select (Django's markup, every chosen option marked, no template per option);
    from ``FrozenChoices`` each option's markup is the one written once."""

    def _render_frozen(self, name, value, attrs):
        chosen = set(self.format_value(value))
        attrs = {**self.build_attrs(self.attrs, attrs), "multiple": True}
        parts = [format_html('<select name="{}"{}>', name, _attrs(attrs))]
        parts += [marked if option_value is not None and option_value in chosen else plain
                  for option_value, plain, marked in self.choices.option_markup()]
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part is escaped (option_markup)


class CompareForm(forms.Form):
    ar = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None,
                                widget=LongSelect)
    enheter = forms.MultipleChoiceField(
        label=_("Enheter"), required=False,
        help_text=_("Velg to eller flere, også bydeler. Ingen valgt: alle med tall."),
        widget=LongSelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, years=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ar"].choices = [(y, str(y)) for y in years]
        # (code, name) pairs as FrozenChoices, or OrgUnits.
        self.fields["enheter"].choices = units if isinstance(units, FrozenChoices) else [
            (u.code, u.name) for u in units]

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
