from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rusfelt.core.models import OrgUnit


class ReportChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = timezone.localdate().year - 1
