"""Level texts shown beside each grønn/gul/rød choice, in our own words.

Paraphrased from the seeds' descriptions (seed 003 L268-335 for each area,
seed 004 L337-343 for the general meaning of the three colours); where a
seed gives no text for grønn (fysisk helse, nettverk), the general grønn
«rimelig god kontroll» of seed 004 L338 is used.
"""

from django.utils.translation import gettext_lazy as _

LEVEL_TEXTS = {
    "bolig": {  # seed 003 L270-273
        "gronn": _("Fast bolig som fungerer godt for personen."),
        "gul": _("Har et sted å bo, men boligen er ikke god nok."),
        "rod": _("Uten bolig: akutt- eller døgnovernatting, hos kjente eller ute."),
    },
    "arbeid_aktivitet": {  # seed 003 L286-288
        "gronn": _("Nok arbeid, skole eller aktivitet som oppleves meningsfull."),
        "gul": _("Noe arbeid eller aktivitet, men for lite."),
        "rod": _("Verken arbeid eller meningsfull aktivitet."),
    },
    "okonomi": {  # seed 003 L293-297
        "gronn": _("Ordnet økonomi med fast lønn eller varig ytelse."),
        "gul": _("Delvis ordnet: lønn i perioder, faste eller midlertidige ytelser eller "
                 "sosialhjelp."),
        "rod": _("Uordnet: lever nesten bare av midlertidige ytelser, mest sosialhjelp."),
    },
    "fysisk_helse": {  # seed 003 L301-303
        "gronn": _("Ingen fysiske plager av betydning for hverdagen."),
        "gul": _("Noen fysiske plager som går alvorlig ut over hverdagen."),
        "rod": _("Store fysiske plager med svært alvorlige følger nå eller for helsen "
                 "framover."),
    },
    "psykisk_helse": {  # seed 003 L305-308
        "gronn": _("Psykiske plager gir ikke alvorlige følger for fungeringen."),
        "gul": _("Noe svikt i fungeringen."),
        "rod": _("Alvorlig svikt: mestrer ikke kravene rundt seg eller å ta vare på seg "
                 "selv."),
    },
    "rusmiddelbruk": {  # seed 003 L320-323, seed 004 L338-343
        "gronn": _("Ingen eller noe bruk, uten alvorlige følger for hverdagen."),
        "gul": _("Stor bruk med alvorlige følger, men kan til en viss grad forutse og "
                 "begrense dem."),
        "rod": _("Svært stor bruk med svært alvorlige følger; klarer ikke å begrense dem."),
    },
    "sosial_fungering": {  # seed 003 L327-330
        "gronn": _("Fungerer godt sosialt."),
        "gul": _("Fungerer i sitt vante miljø, men dårlig utenfor det."),
        "rod": _("Fungerer svært dårlig sosialt i alle sammenhenger."),
    },
    "nettverk": {  # seed 003 L333-335
        "gronn": _("God kontakt med familie, venner eller annet nettverk."),
        "gul": _("Begrenset kontakt med nettverket."),
        "rod": _("Ingen eller dårlig kontakt med nettverk."),
    },
}

ROW_LABELS = {
    "totalt": _("Totalt"),
    "gronn": _("Grønn"), "gul": _("Gul"), "rod": _("Rød"), "blalys": _("Blålys"),
    "antall": _("Antall"), "ja": _("Antall"),
    "rus": _("Kun rus"), "psykisk": _("Kun psykisk"), "rus_psykisk": _("Rus og psykisk"),
    "rop": _("ROP"), "ikke_rop": _("Ikke ROP"),
    "mann": _("Menn"), "kvinne": _("Kvinner"),
    "nav": _("NAV"), "helse_omsorg": _("Helse og omsorg"), "barnevern": _("Barnevern"),
    "annen": _("Annen tjeneste"),
    "bolig": _("Bolig"), "arbeid_aktivitet": _("Arbeid og meningsfull aktivitet"),
    "okonomi": _("Økonomi"), "fysisk_helse": _("Fysisk helse"),
    "psykisk_helse": _("Psykisk helse"), "rusmiddelbruk": _("Rusmiddelbruk"),
    "sosial_fungering": _("Sosial fungering"), "nettverk": _("Nettverk"),
    "varighet_over_3_ar": _("Varighet over 3 år"),
    "norge": _("Norge"), "europa": _("Europa utenom Norge"),
    "utenfor_europa": _("Utenfor Europa"), "ukjent": _("Ukjent"),
    "alene": _("Bor alene"), "partner": _("Med partner"),
    "familie_venner": _("Med familie eller venner"), "uklar": _("Uklar"),
    "med_barn": _("Personer med barn under 18"), "antall_barn": _("Antall barn"),
    "omsorg": _("Har omsorg"), "samvaer": _("Har samvær"), "ingen_kontakt": _("Ingen kontakt"),
    "individuell_plan": _("Individuell plan"), "tiltaksplan": _("Tiltaksplan"),
    "kriseplan": _("Kriseplan"), "ansvarsgruppe": _("Ansvarsgruppe"),
    "koordinator": _("Koordinator"),
    "selvmordsforsok": _("Selvmordsforsøk"), "selvmordsfare": _("Selvmordsfare"),
    "overdose": _("Overdose"), "overdosefare": _("Overdosefare"),
    "vold_utsatt": _("Utsatt for vold"), "vold_utover": _("Utøver vold"),
    "under 16": _("Under 16"), "16-29": _("16–29 år"), "30-59": _("30–59 år"), "60+": _("60 år+"),
    # Screening (issue #16): the categories of screening/domain/scoring.py.
    "screenet": _("Screenet"), "ikke_screenet": _("Ikke screenet"),
    "lav_risiko": _("Lav risiko"), "okt_risiko": _("Økt risiko"), "hoy_risiko": _("Høy risiko"),
    "ingen_indikasjon": _("Ingen indikasjon"), "sannsynlig_problem": _("Sannsynlig problem"),
    "sannsynlig_avhengighet": _("Sannsynlig avhengighet"),
}

#: Under a results table with a field nobody in the round was registered with
#: (issue 15, item 1); «..» is Statistics Norway's symbol for missing data.
MISSING_NOTE = _("«..»: ikke registrert for noen i runden. Tallet mangler; det er ikke null.")
PARTLY_NOTE = _("«..» for %(rows)s: registrert for bare noen av dem som er kartlagt. En andel "
                "av alle ville telle de andre som «nei», så tallet vises ikke.")
LEFT_OUT_MISSING_NOTE = _("«..»: ikke registrert for alle i %(units)s, så summen kan ikke "
                          "regnes ut. Tallet mangler; det er ikke null.")
LEFT_OUT_NOTE = _("Summen omfatter ikke %(units)s, der feltet ikke er registrert; andelene "
                  "er av dem som er med.")


def missing_notes(table: dict) -> list[str]:
    """The notes under a results table saying why figures are missing or partial.

    ``table`` comes from ``results.with_missing``: ``missing`` (some rows
    are «..»), ``delvis`` (of those, the ones registered for only some) and
    ``uten`` (in a sum, the units whose figures it lacks).
    """
    units = table.get("uten") or []
    joined = ", ".join(units)
    if units:
        return [str((LEFT_OUT_MISSING_NOTE if table.get("missing") else LEFT_OUT_NOTE)
                    % {"units": joined})]
    if not table.get("missing"):
        return []
    partly = table.get("delvis") or []
    notes = []
    if len(partly) < sum(1 for row in table["counts"] if None in row):
        notes.append(str(MISSING_NOTE))
    if partly:
        rows = ", ".join(str(ROW_LABELS.get(r, r)) for r in partly)
        notes.append(str(PARTLY_NOTE % {"rows": rows}))
    return notes

TABLE_TITLES = {
    "antall": _("Antall kartlagte"),
    "levekarsomrader": _("Levekårsområder"),
    "levekarsindeks": _("Levekårsindeks"),
    "kategori": _("Kategori"),
    "rop": _("ROP (rus og psykisk helse begge minst gul, én av dem rød)"),
    "kjonn": _("Kjønn"),
    "alder": _("Alder"),
    "tjeneste": _("Registrerende tjeneste"),
    "varighet": _("Varighet"),
    "fodested": _("Fødested"),
    "bosituasjon": _("Bosituasjon"),
    "barn": _("Barn"),
    "barn_kontakt": _("Kontakt med barn"),
    "planer": _("Planer og oppfølging"),
    "risiko": _("Selvmord og overdose"),
    "vold": _("Vold"),
    "screening_screenet": _("Screenet med AUDIT eller DUDIT"),
    "screening_audit": _("AUDIT: kategori"),
    "screening_audit_tjeneste": _("AUDIT: kategori per registrerende tjeneste"),
    "screening_audit_kjonn": _("AUDIT: kategori per kjønn"),
    "screening_dudit": _("DUDIT: kategori"),
    "screening_dudit_tjeneste": _("DUDIT: kategori per registrerende tjeneste"),
    "screening_dudit_kjonn": _("DUDIT: kategori per kjønn"),
}
