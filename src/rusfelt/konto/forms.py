from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    token = forms.CharField(
        label=_("Engangskode"), max_length=16, strip=True,
        help_text=_("Sekssifret kode fra autentiseringsappen, eller en gjenopprettingskode."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "off", "spellcheck": "false"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").lower()


class EnrolForm(CodeForm):
    token = forms.CharField(
        label=_("Kode fra appen"), max_length=6, min_length=6, strip=True,
        help_text=_("Skriv inn den sekssifrede koden appen viser nå."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(forms.Form):
    """Password or second factor, whichever the user has."""

    password = forms.CharField(label=_("Passord"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))
    token = forms.CharField(
        label=_("eller engangskode"), required=False, max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, has_password, has_device, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_password:
            del self.fields["password"]
            self.fields["token"].label = _("Engangskode")
        if not has_device:
            del self.fields["token"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("password") and not cleaned.get("token"):
            raise forms.ValidationError(_("Skriv inn passordet ditt eller en engangskode."))
        if cleaned.get("token"):
            cleaned["token"] = cleaned["token"].replace(" ", "").lower()
        return cleaned
