from django import forms
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit


class ReportChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    year = forms.IntegerField(
        label=_("År"), min_value=2000, max_value=2100, required=False,
        help_text=_("Tomt: siste år med tall for enheten."),
    )

    def __init__(self, *args, units, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The latest year with figures in the user's units, never a blank year.
        self.fields["year"].initial = latest
