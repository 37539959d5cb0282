from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, Grant, OrgUnit
from .roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Feil brukernavn eller passord."),
        "inactive": _("Denne brukeren er deaktivert."),
    }


class UserCreateForm(UserCreationForm):
    """A new user and their home unit, one of the units the administrator manages."""

    home_unit = forms.ModelChoiceField(
        label=_("Hjemmeenhet"), queryset=OrgUnit.objects.none(),
        help_text=_("Administratorene for denne enheten og enhetene over den forvalter brukeren."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, admin_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = admin_units
        if admin_units.count() == 1:
            self.fields["home_unit"].initial = admin_units.get()


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Søk etter brukernavn eller navn"), required=False,
                        max_length=150)


class GrantForm(forms.Form):
    """Give a user a role on a unit, among the units the administrator manages."""

    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)

    def __init__(self, *args, admin_units, grantee, granter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = admin_units
        self.grantee = grantee
        self.granter = granter

    def clean(self):
        cleaned = super().clean()
        # Nobody grants access to themselves, not even an administrator
        # (issue 3: staff attached themselves to other units in BrukerPlan).
        if self.grantee.pk == self.granter.pk:
            raise forms.ValidationError(_("Du kan ikke gi deg selv tilgang."))
        unit, role = cleaned.get("unit"), cleaned.get("role")
        if unit and role and Grant.objects.filter(user=self.grantee, unit=unit, role=role).exists():
            raise forms.ValidationError(_("Brukeren har allerede denne rollen på enheten."))
        return cleaned


class DateRangeForm(forms.Form):
    """A period of days (either end open), for the access overview."""

    date_from = forms.DateField(
        label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("Til dato kan ikke være før fra dato."))
        return cleaned


class AuditFilterForm(DateRangeForm):
    """The audit log's filters: person, action, unit and a period of days."""

    field_order = ["username", "action", "unit", "date_from", "date_to"]
    username = forms.CharField(label=_("Bruker"), required=False)
    action = forms.ChoiceField(label=_("Hendelse"), required=False)
    unit = forms.ModelChoiceField(label=_("Enhet"), required=False, to_field_name="code",
                                  queryset=None, empty_label=_("Alle mine enheter"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Alle"))] + list(AuditAction.choices)
        self.fields["unit"].queryset = units


