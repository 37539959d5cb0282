"""DUDIT, the Drug Use Disorders Identification Test (Karolinska Institutet).

Publisher: Berman AH, Bergman H, Palmstierna T, Schlyter F. DUDIT. The Drug
Use Disorders Identification Test. Manual, version 1.0. Stockholm: Karolinska
Institutet, Department of Clinical Neuroscience, 2003. The Norwegian
translation of the manual (version 1.1, October 2007) was made by Claes
Brisendal, Østnorsk kompetansesenter, 2008.

Licence: DUDIT is free to use in care and research; its items may not be
changed.

English wording: the items as listed from the manual (Berman et al. 2003,
appendix 1) at https://mymentalhealth.guide/get-tested/drug-use-disorders-identification-test-dudit
(which cites the manual at paihdelinkki.fi/sites/default/files/duditmanual.pdf),
and the answer labels of the English DUDIT form reproduced at
scribd.com/document/366448810/Drug-Use-Dudit (items 1-6: "Never / Once a month
or less often / 2-4 times a month / 2-3 times a week / 4 times a week or more",
"0 / 1-2 / 3-4 / 5-6 / 7 or more", "Never / Less often than once a month / Every
month / Every week / Daily or almost daily"); items 7-9 share item 4-6's scale
(manual, table 2); items 10-11's labels "No / Yes, but not over the past year /
Yes, over the past year" as in the English form.

Norwegian wording: NOT IN RUSFELT. The published Norwegian DUDIT (appendix 1
of the Norwegian manual, and the form on rop.no) could not be retrieved from
any source available while this was written, and the wording of a validated
instrument must not be paraphrased. Every Norwegian text is therefore None:
the scoring and structure are complete, the bokmål self-test says
"Spørsmålsteksten er ikke lagt inn" and offers the English version, and the
printable form is English only. Add the Norwegian wording here, exactly and
cited, and the bokmål self-test opens by itself.
"""

from .base import Instrument, Item, Option, Version

_EN_USE = ("Never", "Once a month or less often", "2-4 times a month", "2-3 times a week",
           "4 times a week or more")
_EN_TIMES = ("0", "1-2", "3-4", "5-6", "7 or more")
_EN_OFTEN = ("Never", "Less often than once a month", "Every month", "Every week",
             "Daily or almost daily")
_EN_HARM = ("No", "Yes, but not over the past year", "Yes, over the past year")


def _options(en, points=(0, 1, 2, 3, 4)):
    return tuple(Option(p, {"nb": None, "en": label}) for p, label in zip(points, en, strict=True))


def _item(number, en, options):
    return Item(number, {"nb": None, "en": en}, options)


DUDIT_ITEMS = (
    _item(1, "How often do you use drugs other than alcohol?", _options(_EN_USE)),
    _item(2, "Do you use more than one type of drug on the same occasion?", _options(_EN_USE)),
    _item(3, "How many times do you take drugs on a typical day when you use drugs?",
          _options(_EN_TIMES)),
    _item(4, "How often are you influenced heavily by drugs?", _options(_EN_OFTEN)),
    _item(5, "Over the past year, have you felt that your longing for drugs was so strong "
          "that you could not resist it?", _options(_EN_OFTEN)),
    _item(6, "Has it happened, over the past year, that you have not been able to stop taking "
          "drugs once you started?", _options(_EN_OFTEN)),
    _item(7, "How often over the past year have you taken drugs and then neglected to do "
          "something you should have done?", _options(_EN_OFTEN)),
    _item(8, "How often over the past year have you needed to take a drug the morning after "
          "heavy drug use the day before?", _options(_EN_OFTEN)),
    _item(9, "How often over the past year have you had guilt feelings or a bad conscience "
          "because you used drugs?", _options(_EN_OFTEN)),
    _item(10, "Have you or anyone else been hurt (mentally or physically) because you used "
          "drugs?", _options(_EN_HARM, points=(0, 2, 4))),
    _item(11, "Has a relative or a friend, a doctor or a nurse, or anyone else, been worried "
          "about your drug use or said to you that you should stop using drugs?",
          _options(_EN_HARM, points=(0, 2, 4))),
)

_REFERENCE = (
    "Berman AH, Bergman H, Palmstierna T, Schlyter F. DUDIT. The Drug Use Disorders "
    "Identification Test. Manual version 1.0. Stockholm: Karolinska Institutet, 2003."
)

DUDIT = Instrument(
    code="dudit",
    name="DUDIT",
    publisher="Karolinska Institutet (Berman, Bergman, Palmstierna, Schlyter)",
    reference=_REFERENCE,
    licence="Free to use in care and research; the items may not be changed.",
    items=DUDIT_ITEMS,
    versions={
        "nb": Version(
            "nb",
            "Norsk versjon (Brisendal, Østnorsk kompetansesenter 2008)",
            None,
            "Den publiserte norske ordlyden er ikke lagt inn i Rusfelt.",
        ),
        "en": Version(
            "en",
            "English version (Berman et al. 2003)",
            _REFERENCE + " Items as listed at https://mymentalhealth.guide/get-tested/"
            "drug-use-disorders-identification-test-dudit; answer labels as on the English "
            "DUDIT form (scribd.com/document/366448810/Drug-Use-Dudit).",
        ),
    },
)
