from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit
from rusfelt.core.uploads import UploadField

from .domain import perioder
from .models import Endring, Plan, PlanState, Status, Tiltak

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanImportForm(forms.Form):
    """Bring a plan in from a plan file (layout in ``domain.planfil``)."""

    file = UploadField(label=_("Planfil (CSV eller XLSX)"))
    owner = forms.ModelChoiceField(label=_("Eier (enhet)"), queryset=OrgUnit.objects.none())
    slug = forms.SlugField(
        label=_("Kortnavn"), max_length=80,
        help_text=_("Små bokstaver, tall og bindestrek, f.eks. rusplan-2024-2027."),
    )
    title = forms.CharField(label=_("Tittel"), max_length=300)
    period_from = forms.IntegerField(label=_("Fra år"), min_value=1990, max_value=2100)
    period_to = forms.IntegerField(label=_("Til år"), min_value=1990, max_value=2100)
    decision_ref = forms.CharField(
        label=_("Vedtaksreferanse"), max_length=120, required=False,
        help_text=_("F.eks. «bystyresak 278/17»."),
    )
    adopted_on = forms.DateField(label=_("Vedtatt dato"), required=False, widget=DATE_WIDGET)
    state = forms.ChoiceField(label=_("Status"), choices=PlanState.choices,
                              initial=PlanState.DRAFT)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = units

    def clean(self):
        cleaned = super().clean()
        y0, y1 = cleaned.get("period_from"), cleaned.get("period_to")
        if y0 and y1 and y0 > y1:
            self.add_error("period_to", _("Til år kan ikke være før fra år."))
        return cleaned


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "period_from", "period_to", "adopted_on", "decision_ref", "state",
                  "description"]
        widgets = {"adopted_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}


class TiltakForm(forms.ModelForm):
    """Edit a measure. ``version`` is the optimistic lock (see services.update_tiltak)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    amendment_date = forms.DateField(
        label=_("Endringen gjelder fra"), required=False, widget=DATE_WIDGET,
        help_text=_("For vedtatte planer: teksten før og etter blir tatt vare på. "
                    "Tom gir dagens dato."),
    )
    amendment_ref = forms.CharField(
        label=_("Vedtaksreferanse for endringen"), max_length=120, required=False
    )

    class Meta:
        model = Tiltak
        fields = ["number", "text", "area", "goals", "responsible_unit", "responsible_text",
                  "deadline", "period_from", "period_to", "cost", "financing", "kind",
                  "indikatorer"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "deadline": DATE_WIDGET,
            "goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["area"].queryset = plan.omrader.all()
        self.fields["goals"].queryset = plan.hovedmal.all()
        self.fields["responsible_unit"].queryset = OrgUnit.objects.descendants_of(plan.owner)
        self.fields["indikatorer"].required = False
        self.fields["indikatorer"].widget.attrs["size"] = 6
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        clash = Tiltak.objects.filter(plan=self.plan, number=number)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Nummeret er allerede brukt i planen."))
        return number

    def amendment(self):
        if self.plan.state == PlanState.DRAFT:
            return None
        return {
            "date": self.cleaned_data.get("amendment_date") or timezone.localdate(),
            "decision_ref": self.cleaned_data.get("amendment_ref", ""),
            "description": _("Teksten endret i Rusfelt."),
        }


class PeriodForm(forms.Form):
    """The reporting period: a year, or a tertial of it."""

    year = forms.IntegerField(label=_("År"), min_value=1990, max_value=2100)
    tertial = forms.TypedChoiceField(
        label=_("Periode"), coerce=int, initial=0, required=False, empty_value=0,
        choices=[(0, _("Hele året")), (1, _("1. tertial")), (2, _("2. tertial")),
                 (3, _("3. tertial"))],
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_year(self):
        year = self.cleaned_data["year"]
        plan = self.plan
        if plan is not None and not plan.period_from <= year <= plan.period_to:
            raise forms.ValidationError(
                _("%(year)s ligger utenfor planperioden %(from)s–%(to)s. Velg et år i planen."),
                params={"year": year, "from": plan.period_from, "to": plan.period_to},
                code="outside_plan",
            )
        return year

    @property
    def label(self):
        return perioder.period_label(self.cleaned_data["year"], self.cleaned_data["tertial"])


class StatusRowForm(forms.Form):
    """One measure's status for the period; empty status = no new report."""

    tiltak_id = forms.IntegerField(widget=forms.HiddenInput)
    # The latest status row of this measure and period when the form was opened
    # (0: none); services.record_statuses refuses the save if it has changed.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("– ingen ny rapport –"))] + list(
            Status.choices
        ),
    )
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("comment") and not cleaned.get("status"):
            self.add_error("status", _("Velg en status for kommentaren."))
        return cleaned


StatusFormSet = forms.formset_factory(StatusRowForm, extra=0)


class TextAtDateForm(forms.Form):
    dato = forms.DateField(label=_("Tekst per dato"), widget=DATE_WIDGET)


class ReportForm(forms.Form):
    periode = forms.IntegerField(label=_("År"), min_value=1990, max_value=2100)


class EndringForm(forms.ModelForm):
    """An amendment to the plan's text (a measure's text is amended on the measure)."""

    class Meta:
        model = Endring
        fields = ["date", "decision_ref", "description"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
