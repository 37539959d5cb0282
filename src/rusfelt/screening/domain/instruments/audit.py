"""AUDIT, the Alcohol Use Disorders Identification Test (WHO), and AUDIT-C.

Publisher: World Health Organization. Babor TF, Higgins-Biddle JC, Saunders JB,
Monteiro MG. AUDIT. The Alcohol Use Disorders Identification Test: Guidelines
for Use in Primary Care. Second edition. Geneva: WHO, 2001
(WHO/MSD/MSB/01.6a), Box 4 "The Alcohol Use Disorders Identification Test:
Interview Version".

Licence: the WHO manual states that the AUDIT may be reproduced freely
without permission for non-commercial use; it may not be sold. Rusfelt shows
it free of charge and unchanged, with its source.

Norwegian wording (bokmål): the Norwegian version by Aasland OG, Amundsen A,
Bovim G, Fauske S, Mørland J. "Identifisering av pasienter med risiko for
alkoholskader". Tidsskr Nor Lægeforen 1990; 110: 1523-7, as published by
Norsk Helseinformatikk (NHI), "Alkohol-audit",
https://nhi.no/skjema-og-kalkulatorer/skjema/diverse/alkohol-audit/
(the page rop.no/kartleggingsverktoey/audit-c links to as the AUDIT
calculator). Copied exactly, item by item, with the page's footnote on the
alcohol unit.

English wording: WHO 2001, Box 4 (above), copied exactly.

AUDIT-C is AUDIT's items 1-3 (WHO 2001, and rop.no's AUDIT-C page).
"""

from .base import Instrument, Item, Option, Version

_NB_OFTEN = ("Aldri", "Sjelden", "Noen ganger i måneden", "Noen ganger i uken", "Nesten daglig")
_EN_OFTEN = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")
_NB_HARM = ("Nei", "Ja, men ikke i løpet av siste år", "Ja, i løpet av siste år")
_EN_HARM = ("No", "Yes, but not in the last year", "Yes, during the last year")


def _options(nb, en, points=(0, 1, 2, 3, 4)):
    return tuple(Option(p, {"nb": a, "en": b}) for p, a, b in zip(points, nb, en, strict=True))


def _item(number, nb, en, options):
    return Item(number, {"nb": nb, "en": en}, options)


AUDIT_ITEMS = (
    _item(
        1,
        "Hvor ofte drikker du alkohol?",
        "How often do you have a drink containing alcohol?",
        _options(
            ("Aldri", "Månedlig eller sjeldnere", "To til fire ganger i måneden",
             "To til tre ganger i uken", "Fire ganger i uken eller mer"),
            ("Never", "Monthly or less", "2 to 4 times a month", "2 to 3 times a week",
             "4 or more times a week"),
        ),
    ),
    _item(
        2,
        "Hvor mange alkoholenheter (en drink, et glass vin eller 1 liten flaske pilsnerøl) "
        "tar du på en \"typisk\" drikkedag?",
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        _options(
            ("1-2", "3-4", "5-6", "7-9", "10 eller flere"),
            ("1 or 2", "3 or 4", "5 or 6", "7, 8, or 9", "10 or more"),
        ),
    ),
    _item(
        3,
        "Hvor ofte drikker du seks alkoholenheter eller mer?",
        "How often do you have six or more drinks on one occasion?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        4,
        "Hvor ofte i løpet av siste året var du ikke i stand til å stoppe å drikke etter at "
        "du hadde begynt?",
        "How often during the last year have you found that you were not able to stop "
        "drinking once you had started?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        5,
        "Hvor ofte i løpet av siste året unnlot du å gjøre ting du skulle ha gjort pga. drikking?",
        "How often during the last year have you failed to do what was normally expected "
        "from you because of drinking?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        6,
        "Hvor ofte starter du dagen din med alkohol?",
        "How often during the last year have you needed a first drink in the morning to get "
        "yourself going after a heavy drinking session?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        7,
        "Hvor ofte i løpet av det siste året har du hatt skyldfølelse pga. drikking?",
        "How often during the last year have you had a feeling of guilt or remorse after "
        "drinking?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        8,
        "Hvor ofte i løpet av det siste året har det vært umulig å huske hva som hendte "
        "kvelden før pga. drikking?",
        "How often during the last year have you been unable to remember what happened the "
        "night before because you had been drinking?",
        _options(_NB_OFTEN, _EN_OFTEN),
    ),
    _item(
        9,
        "Har du eller andre blitt skadet som følge av at du har drukket?",
        "Have you or someone else been injured as a result of your drinking?",
        _options(_NB_HARM, _EN_HARM, points=(0, 2, 4)),
    ),
    _item(
        10,
        "Har en slektning, venn eller lege bekymret seg over drikkingen din, eller antydet at "
        "du bør redusere?",
        "Has a relative or friend or a doctor or another health worker been concerned about "
        "your drinking or suggested you cut down?",
        _options(_NB_HARM, _EN_HARM, points=(0, 2, 4)),
    ),
)

_PUBLISHER = "World Health Organization (WHO)"
_REFERENCE = (
    "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT. The Alcohol Use "
    "Disorders Identification Test: Guidelines for Use in Primary Care. 2nd ed. "
    "Geneva: WHO, 2001 (WHO/MSD/MSB/01.6a)."
)
_LICENCE = (
    "WHO: may be reproduced freely without permission for non-commercial use. "
    "Shown here free of charge and unchanged."
)
_VERSIONS = {
    "nb": Version(
        "nb",
        "Norsk versjon (Aasland mfl. 1990)",
        "Aasland OG, Amundsen A, Bovim G, Fauske S, Mørland J. Identifisering av pasienter "
        "med risiko for alkoholskader. Tidsskr Nor Lægeforen 1990; 110: 1523-7. Ordlyd som "
        "publisert av Norsk Helseinformatikk: "
        "https://nhi.no/skjema-og-kalkulatorer/skjema/diverse/alkohol-audit/",
    ),
    "en": Version("en", "WHO interview version (2001, Box 4)", _REFERENCE),
}
_FOOTNOTE = {
    "nb": "1 alkoholenhet = 1 vinglass rød- eller hvitvin (120 ml) / 1 hetvinsglass "
    "sherry/hetvin (80 ml)/ 1 glass (330 ml) øl / 1 drammeglass brennevin/likør (40 ml)/ "
    "1 flaske rusbrus (med alkoholstyrke 4,7%: 330 ml)",
    "en": None,
}

AUDIT = Instrument(
    code="audit",
    name="AUDIT",
    publisher=_PUBLISHER,
    reference=_REFERENCE,
    licence=_LICENCE,
    items=AUDIT_ITEMS,
    versions=_VERSIONS,
    footnote=_FOOTNOTE,
)

AUDIT_C = Instrument(
    code="audit-c",
    name="AUDIT-C",
    publisher=_PUBLISHER,
    reference=_REFERENCE + " AUDIT-C = AUDIT items 1-3.",
    licence=_LICENCE,
    items=AUDIT_ITEMS[:3],
    versions=_VERSIONS,
    footnote=_FOOTNOTE,
)
