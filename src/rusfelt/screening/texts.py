"""The self-test's plain words for each result: what it means and what it does not.

Our own wording, based on: NHI "Alkohol-audit", Tolkning (risk levels by sex;
"Testen kan ikke benyttes til å diagnostisere skadelig alkoholbruk eller
alkoholavhengighet"); WHO AUDIT manual 2001, table 3 (zones I-IV and the
help suggested for each); DUDIT manual 2003, "Evaluation" (men >= 6 and
women >= 2 probable drug-related problems, >= 25 probable heavy dependence).
"""

from django.utils.translation import gettext_lazy as _

from .domain.scoring import Kategori

HEADLINE = {
    Kategori.LAV_RISIKO: _("Svarene dine tyder på lav risiko."),
    Kategori.OKT_RISIKO: _("Svarene dine tyder på økt risiko for skade av alkohol."),
    Kategori.HOY_RISIKO: _("Svarene dine tyder på høy risiko for skade av alkohol."),
    Kategori.UNDER_GRENSE: _("Svarene dine er under grensen for risikofylt drikking."),
    Kategori.OVER_GRENSE: _("Svarene dine er på eller over grensen for risikofylt drikking."),
    Kategori.INGEN_INDIKASJON: _("Svarene dine tyder ikke på problemer med narkotika eller "
                                 "legemidler."),
    Kategori.SANNSYNLIG_PROBLEM: _("Svarene dine tyder på at bruken av narkotika eller "
                                   "legemidler kan gi deg problemer."),
    Kategori.SANNSYNLIG_AVHENGIGHET: _("Svarene dine tyder på at du kan være avhengig av "
                                       "narkotika eller legemidler."),
}

MEANS = {
    Kategori.LAV_RISIKO: _("Slik du drikker nå, er risikoen for å bli skadet av alkohol lav. "
                           "All alkohol har likevel en viss risiko."),
    Kategori.OKT_RISIKO: _("Slik du drikker nå, kan det skade helsen din eller livet ditt "
                           "ellers. Mange klarer å drikke mindre med enkle råd. Det kan være "
                           "lurt å snakke med fastlegen eller en rådgiver."),
    Kategori.HOY_RISIKO: _("Drikkingen din kan allerede skade deg eller andre, og det kan "
                           "være tegn på avhengighet. Det er lurt å snakke med fastlegen eller "
                           "en behandlingstjeneste om det."),
    Kategori.UNDER_GRENSE: _("De tre spørsmålene om hvor ofte og hvor mye du drikker, viser "
                             "ikke risikofylt drikking."),
    Kategori.OVER_GRENSE: _("Du drikker så ofte eller så mye at det kan gi risiko. Ta gjerne "
                            "hele AUDIT-testen (10 spørsmål) for et fullere bilde."),
    Kategori.INGEN_INDIKASJON: _("Svarene gir ikke tegn på problemer med bruken nå."),
    Kategori.SANNSYNLIG_PROBLEM: _("Bruken kan allerede gi deg problemer med helse, arbeid, "
                                   "skole eller folk rundt deg. Det kan være lurt å snakke "
                                   "med fastlegen eller en rådgiver."),
    Kategori.SANNSYNLIG_AVHENGIGHET: _("Mange med så høy sum er avhengige. Det finnes hjelp, "
                                       "og det er lurt å snakke med fastlegen eller en "
                                       "behandlingstjeneste snart."),
}

DOES_NOT_MEAN = _(
    "Testen er en screening, ikke en diagnose. Den kan ikke si sikkert om du er avhengig "
    "eller ikke: bare en samtale med helsepersonell kan det. Svarene gjelder slik du har "
    "svart i dag."
)

ZONE = {
    1: _("WHO-sone I (0–7)"),
    2: _("WHO-sone II (8–15)"),
    3: _("WHO-sone III (16–19)"),
    4: _("WHO-sone IV (20–40)"),
}

TOPIC = {
    "audit": _("alkohol"),
    "audit-c": _("alkohol"),
    "dudit": _("narkotika og legemidler"),
}

DESCRIPTION = {
    "audit": _("10 spørsmål om alkohol det siste året (Verdens helseorganisasjon, WHO)."),
    "audit-c": _("De 3 første spørsmålene i AUDIT: hvor ofte og hvor mye du drikker."),
    "dudit": _("11 spørsmål om narkotika og legemidler (Karolinska Institutet)."),
}
