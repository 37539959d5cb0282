"""Strings this app adds to other apps' templates, marked here so the
screening catalog (locale/en) carries their English and makemessages keeps
them: the link on tjenester/detail.html and the fieldset on
kartlegging/register.html."""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("Usikker på bruken av alkohol eller andre rusmidler? Ta en anonym selvtest."),
    gettext_noop("Screening (valgfritt)"),
    gettext_noop("AUDIT og DUDIT: blanke skjemaer og kilder"),
]
