"""Demo plans from the seeds, each measure in our own short wording with its
source line (``kilde``). Keyed on plan slugs and measure numbers, so a second
``load()`` changes nothing.

- Bergen 2018-2022 (seed 002): 7 main goals, chapters 2-5 with the three
  prevention levels under chapter 2, and the 48 goals of the six
  «Målsettinger» lists as measures.
- Stavanger 2019-2023 (seed 004): 6 areas, 38 measures, bystyret's change
  log of 17.06.2019 as amendments.
- Oslo's strategic plan (byrådssak 158/18) with the city measures, and
  St. Hanshaugen's plan (seed 003) whose district measures answer them
  (parent measures across plans): 2 goals × 3 strategies, themes under S3.

The status history is invented but plausible, so the reports show something.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rusfelt.core.models import OrgUnit
from rusfelt.indikatorer.models import Indikator

from .domain.planfil import AreaRow, GoalRow, MeasureRow, PlanFile
from .models import Endring, Plan, PlanState, Statusoppdatering, Tiltak
from .services import store_plan_file

# --- Bergen, seed 002 --------------------------------------------------------

BERGEN_GOALS = [  # seed 002 L195-202
    ("HM1", "Jevne ut levekår og få flest mulig gjennom skolen.", 195),
    ("HM2", "Fange opp og hjelpe tidlig dem som står i fare for rusproblemer.", 196),
    ("HM3", "Et tilgjengelig, variert og helhetlig tjenesteapparat for alle.", 197),
    ("HM4", "En aktiv og meningsfylt hverdag for alle.", 198),
    ("HM5", "Reell brukerinnflytelse og flere brukerstyrte løsninger.", 200),
    ("HM6", "Kompetanseutvikling på rusfeltet.", 201),
    ("HM7", "Godt tilbud til dem med store rusproblemer og pleiebehov.", 202),
]
BERGEN_AREAS = [  # code, title, parent, kind, line
    ("K2", "Forebyggende arbeid", "", "kapittel", 303),
    ("K2.1", "Trinn 1 – universell forebygging", "K2", "trinn", 305),
    ("K2.2", "Trinn 2 – selektiv forebygging", "K2", "trinn", 486),
    ("K2.3", "Trinn 3 – indikativ forebygging", "K2", "trinn", 586),
    ("K3", "Åpne russcener og lavterskel helse og omsorg", "", "kapittel", 658),
    ("K4", "Habilitering og rehabilitering", "", "kapittel", 801),
    ("K5", "Samarbeid", "", "kapittel", 913),
]
# number, area, line, text, goals, extra
BERGEN_MEASURES = [
    (
        "2.1-01",
        "K2.1",
        474,
        "Barnehage, skole, kultur og idrett som kraftsentre i nærmiljøet.",
        "HM1",
    ),
    (
        "2.1-02",
        "K2.1",
        475,
        "Tidlig innsats for å jevne ut forskjeller mellom levekårssoner.",
        "HM1",
    ),
    (
        "2.1-03",
        "K2.1",
        476,
        "Prioritere helsestasjon, skolehelse og ressurssentre i utsatte soner.",
        "HM1",
    ),
    ("2.1-04", "K2.1", 477, "Delta fast i Ungdata-undersøkelsene.", "HM2"),
    ("2.1-05", "K2.1", 478, "Mer cannabiskompetanse og flere avvenningskurs.", "HM2"),
    ("2.1-06", "K2.1", 479, "Egen handlingsplan mot alkoholrelatert sentrumsvold.", ""),
    ("2.1-07", "K2.1", 480, "Kurset «Ansvarlig vertskap» med politi og utelivsnæring.", ""),
    ("2.1-08", "K2.1", 481, "Etisk refleksjon om alkohol og arbeidsliv på ledersamlinger.", ""),
    (
        "2.1-09",
        "K2.1",
        482,
        "Ta hensyn til kjønn og seksuell orientering i tjenesteutvikling.",
        "HM3",
    ),
    (
        "2.1-10",
        "K2.1",
        483,
        "Hjemmetjenester lager rutiner for bekymring om rus og medisiner.",
        "HM2",
    ),
    (
        "2.1-11",
        "K2.1",
        484,
        "Dialog med allmennlegene om digitale kartleggingsverktøy for rus.",
        "HM2",
    ),
    ("2.2-01", "K2.2", 578, "Langtidsprevensjon tilbys kvinner med rusavhengighet.", "HM7"),
    ("2.2-02", "K2.2", 579, "Lokale handlingsprogram for SLT-arbeidet.", "HM2"),
    ("2.2-03", "K2.2", 580, "Styrke oppsøkende arbeid mot unge og unge voksne.", "HM2"),
    ("2.2-04", "K2.2", 581, "Bedre samarbeid rundt foreldre og barn i familier med rus.", "HM2"),
    ("2.2-05", "K2.2", 582, "NAV oppfyller kravene om barn som pårørende.", "HM2"),
    ("2.2-06", "K2.2", 583, "Rutiner for barne- og ungetjenester ved risikofylt rusbruk.", "HM2"),
    ("2.2-07", "K2.2", 584, "Gjøre «Kjentmannsordningen» kjent på alle ungdomsskoler.", "HM2"),
    ("2.3-01", "K2.3", 652, "Mindre skulk og frafall gjennom bedre samhandling.", "HM1"),
    ("2.3-02", "K2.3", 653, "Kompetanse om utviklingshemming og rus i alle rustjenester.", "HM6"),
    (
        "2.3-03",
        "K2.3",
        654,
        "Aktivitets- og arbeidstilbud til alle NAV-brukere under 30 år.",
        "HM4",
    ),
    ("3-01", "K3", 782, "Rullere handlingsplanen mot åpne russcener.", "HM3"),
    ("3-02", "K3", 783, "Medarbeider med brukererfaring inn i operativ gruppe.", "HM5"),
    (
        "3-03",
        "K3",
        784,
        "Utredning for psykisk lidelse ved pågripelse (prosjektet Sent ute).",
        "HM3",
    ),
    ("3-04", "K3", 785, "Mer helse- og sosialfaglig nærvær på åpne russcener.", "HM3"),
    ("3-05", "K3", 786, "Etablere MO-senter i Eidsvåg.", "HM3", {"deadline": date(2018, 12, 31)}),
    (
        "3-06",
        "K3",
        787,
        "Utrydde hepatitt C i Bergen innen ti år.",
        "HM3",
        {"period_to": 2027, "responsible_text": "Bergen kommune og Helse Bergen"},
    ),
    ("3-07", "K3", 788, "Flere differensierte botilbud, også for ROP.", "HM7"),
    ("3-08", "K3", 789, "ROP-forløpet med Helse Bergen innføres i alle tjenester.", "HM3"),
    ("3-09", "K3", 790, "Alle med ROP får tilbud om IP, kriseplan og ansvarsgruppe.", "HM3"),
    ("3-10", "K3", 791, "Ansette egen IPS-koordinator for personer med ROP.", "HM4"),
    (
        "3-11",
        "K3",
        792,
        "Ny krisesenteravtale skal gi tilbud også i aktiv rus.",
        "HM3",
        {"deadline": date(2018, 12, 31)},
    ),
    ("3-12", "K3", 793, "Arbeide for en bredere sprøyteromsforskrift.", "HM3"),
    (
        "3-13",
        "K3",
        794,
        "Etablere et ambulant overdoseteam.",
        "HM3",
        {"deadline": date(2018, 6, 30)},
    ),
    ("3-14", "K3", 795, "Markere verdens overdosedag 31. august hvert år.", ""),
    ("4-01", "K4", 898, "Flere omsorgsbolig+ og sykehjemsplasser for rusavhengige.", "HM7"),
    ("4-02", "K4", 899, "Flere aktivitets- og arbeidstiltak i NAV sosialtjeneste.", "HM4"),
    ("4-03", "K4", 900, "Vurdere mer brukerstyrte behandlingsforløp.", "HM5", {"kind": "vurdere"}),
    ("4-04", "K4", 901, "Prioritere tilpassede boliger ved kjøp av nye boliger.", "HM7"),
    ("4-05", "K4", 902, "Ansette medarbeidere med brukererfaring i alle rustjenester.", "HM5"),
    ("4-06", "K4", 903, "Mer recovery-kompetanse i alle rustjenester.", "HM6"),
    (
        "4-07",
        "K4",
        904,
        "Kommunal handlingsplan for arbeid og aktivitet.",
        "HM4",
        {"period_to": 2022},
    ),
    ("5-01", "K5", 1015, "Målrette tilskudd til ideelle og bruker- og pårørendeforeninger.", "HM5"),
    ("5-02", "K5", 1016, "Rekruttere ansatte med egen brukererfaring.", "HM5"),
    ("5-03", "K5", 1017, "FOU-enhet for psykisk helse og rus.", "HM6"),
    ("5-04", "K5", 1018, "Medietrening for personer med brukererfaring.", "HM5"),
    ("5-05", "K5", 1019, "Brukererfaring inn i helse- og sosialfaglige utdanninger.", "HM6"),
    ("5-06", "K5", 1020, "Rutine for hva pårørende kan vente av kommunen.", "HM5"),
]

# --- Stavanger, seed 004 -----------------------------------------------------

STAVANGER_GOALS = [  # seed 004 L75-79, restated L810-814
    ("M1", "Forebygge rusmisbruk og avhengighet.", 810),
    ("M2", "God rehabilitering som hjelper folk til å bli rusfrie.", 811),
    ("M3", "Verdighet, mestring og hjelp for folk med rusutfordringer.", 812),
]
STAVANGER_AREAS = [  # seed 004 §2.1: code, title, line of its goal
    ("I1", "Recovery-orientert praksis og kompetanse", 484),
    ("I2", "Tidlig innsats, behandling og samhandling", 569),
    ("I3", "Sosial inkludering, arbeid og aktivitet", 608),
    ("I4", "Oppfølging i bolig", 656),
    ("I5", "Tilbud til brukere med ROP-lidelser", 700),
    ("I6", "Forebygging av overdoser og overdosedødsfall", 741),
]
# nr, area, Del 3 line (seed 004 L754-800), text, responsible, goals
STAVANGER_MEASURES = [
    (
        1,
        "I1",
        757,
        "Opplæringsprogram i recovery for alle rus- og psykiske helsetjenester.",
        "",
        "M2",
    ),
    (2, "I1", 758, "Arbeidsgruppe om rammer for å ansette erfaringskonsulenter.", "", "M3"),
    (
        3,
        "I1",
        759,
        "Flere og bedre individuelle planer: enklere mal og dialogsamling.",
        "Helse- og sosialkontorene",
        "M3",
    ),
    (4, "I1", 760, "Felles kompetanseplan for rus og psykisk helse.", "", "M2"),
    (
        5,
        "I1",
        761,
        "Alle følger retningslinjene for pårørendearbeid; fagdag hvert annet år.",
        "",
        "M3",
    ),
    (6, "I2", 763, "Slutte seg til Av-og-til.", "", "M1"),
    (
        7,
        "I2",
        764,
        "Videreføre «Tett på!» og vurdere det bydekkende, forankret hos K46.",
        "Helse- og sosialkontorene",
        "M1",
    ),
    (
        8,
        "I2",
        765,
        "«Litt for mye – litt for ofte» inn i ordinær drift ved Helsehuset.",
        "Helsehuset",
        "M1",
    ),
    (
        9,
        "I2",
        766,
        "Hjemmetjenestene skal oppdage rus- og medisinbruk hos eldre tidlig.",
        "Hjemmebaserte tjenester",
        "M1",
    ),
    (10, "I2", 767, "Kartlegge rusbruk blant innvandrerungdom.", "", "M1"),
    (
        11,
        "I2",
        768,
        "BrukerPlan hvert annet år og årlig oversikt over LAR-brukere.",
        "Rådmannen",
        "M2",
    ),
    (12, "I2", 769, "Utrede overgangstilbud for utskrivningsklare ROP-pasienter.", "", "M2"),
    (
        13,
        "I2",
        770,
        "Innføre pakkeforløp med spesialisthelsetjenesten.",
        "Helse- og sosialkontorene",
        "M2",
    ),
    (
        14,
        "I2",
        771,
        "To MO-sentre (ung og voksen) med frivillige og brukerorganisasjoner.",
        "K46 og Rehabiliteringsseksjonen",
        "M3",
    ),
    (
        15,
        "I2",
        772,
        "Avtaler og kontaktpersoner for kriser med brann, politi og sykehus.",
        "Helse og velferd, stab",
        "M3",
    ),
    (16, "I3", 775, "Oversikt over tilbud for dem som ikke er rusfrie, og bruke dem.", "", "M3"),
    (17, "I3", 776, "Årlig informasjonsmesse om tilbudene.", "", "M3"),
    (18, "I3", 777, "Utvikle Jæren recovery-college og vurdere drift etterpå.", "", "M2"),
    (
        19,
        "I3",
        778,
        "Oversikt over arbeidstilbud med NAV og frivillige, og nye tilbud.",
        "NAV",
        "M2",
    ),
    (
        20,
        "I4",
        780,
        "Vurdere og samle de ambulante oppfølgingstjenestene.",
        "Rehabiliteringsseksjonen",
        "M3",
    ),
    (21, "I4", 781, "Kartlegge behovet for bolig med stasjonær bemanning.", "", "M3"),
    (22, "I4", 782, "Evaluere tilskuddsfinansiert bo-oppfølging før ordinær drift.", "", "M3"),
    (23, "I4", 783, "Vurdere Housing First i ordinær drift.", "Housing First-teamet", "M3"),
    (24, "I4", 784, "Vurdere eget botilbud for kvinner.", "", "M3"),
    (25, "I5", 786, "FoU-prosjekt om nye bolig- og tjenestetilbud for ROP.", "", "M3"),
    (26, "I5", 787, "Vurdere de ambulante tilbudene for personer med ROP.", "OBS-teamet", "M3"),
    (27, "I5", 788, "Botiltak der voldshistorie ikke utelukker.", "", "M3"),
    (28, "I5", 789, "Leiligheter knyttet til en miljøbase.", "", "M3"),
    (29, "I5", 790, "Vurdere nye aktivitetstiltak for personer med ROP.", "", "M2"),
    (
        30,
        "I5",
        791,
        "Ressurspersoner for ROP i hjemmebaserte tjenester.",
        "Hjemmebaserte tjenester",
        "M3",
    ),
    (31, "I6", 793, "Opplæring i kameratredning.", "Rehabiliteringsseksjonen", "M3"),
    (32, "I6", 794, "Motivere til mindre skadelig inntak enn injisering.", "", "M3"),
    (33, "I6", 795, "Ansatte i botilbud skal oppdage overdosefare tidlig.", "", "M3"),
    (34, "I6", 796, "Stasjonens ambulante helseteam ut på brukernes arena.", "Stasjonen", "M3"),
    (35, "I6", 797, "Gode overganger fra sykehus og fengsel med avtaler og IP.", "", "M3"),
    (36, "I6", 798, "Vurdere døgnbemannet akuttrom etter overdose.", "", "M3"),
    (37, "I6", 799, "Markere verdens overdosedag 31. august.", "", "M3"),
    (38, "I6", 800, "Vurdere større legestilling ved Stasjonen.", "Stasjonen", "M3"),
]
# The assess-first measures (verb vurdere/utrede/kartlegge/evaluere), seed-notes 004 §2.2.
STAVANGER_ASSESS = {7, 10, 11, 12, 20, 21, 22, 23, 24, 26, 29, 36, 38}
STAVANGER_EXTRA = {
    3: {"deadline": date(2023, 12, 31)},  # «innen utgangen av planperioden», L759
    8: {"period_from": 2020, "financing": "Tilskudd til 2020, deretter ordinær drift (L535)"},
    14: {"deadline": date(2020, 12, 31)},  # MO-UNG starts 2020, L559
    15: {"deadline": date(2019, 6, 30)},  # contact persons «våren 2019», L565
    25: {"cost": Decimal("10000000"), "financing": "Bystyret satte av 10 mill. kr (L692)"},
    7: {"financing": "Vurderes i handlings- og økonomiplanen (L574)"},
    38: {"financing": "Vurderes i budsjettbehandlingen (L834)"},
}
UNKNOWN_DRAFT = "(Teksten i rådmannens forslag er ikke gjengitt i kilden.)"
# Bystyret 17.06.2019 (seed 004 L16-22, change log L804-860): number, line,
# what changed, the text before (our wording, where the source gives it).
STAVANGER_AMENDMENTS = [
    (3, 821, "Pkt. 3 endret: enklere IP-mal i CosDoc og dialogsamling.", UNKNOWN_DRAFT),
    (
        7,
        828,
        "Pkt. 7 endret: «Tett på!» videreføres og forankres hos K46.",
        "Vurdere «Tett på!» ved to helse- og sosialkontor i kommende økonomiplan.",
    ),
    (
        15,
        830,
        "Pkt. 15 tilføyd: kontaktpersoner med opplæring og myndighet til å rykke ut.",
        "Avtaler og kontaktpersoner for kriser med brann, politi og sykehus.",
    ),
    (16, 832, "Pkt. 16 endret: frivillige og ideelle tilbud.", UNKNOWN_DRAFT),
    (38, 834, "Nytt punkt: vurdere større legestilling ved Stasjonen.", ""),
    (6, 846, "Pkt. 6 endret: kommunen slutter seg til Av-og-til.", UNKNOWN_DRAFT),
    (11, 848, "LAR-registrering (med alder) tatt inn i planen.", "BrukerPlan hvert annet år."),
    (2, 852, "Tiltak 2 ny tekst.", UNKNOWN_DRAFT),
    (
        14,
        856,
        "Tiltak 14 ny tekst: digitalt utenforskap tas med.",
        "To MO-sentre (ung og voksen) med frivillige og brukerorganisasjoner.",
    ),
    (19, 860, "Tiltak 19 ny tekst (NAV og frivillige).", UNKNOWN_DRAFT),
]
# Changes in the change log that touch the plan's text, not a measure.
STAVANGER_PLAN_AMENDMENTS = [
    (808, "1.1 Innledning: planens tre mål skrives inn."),
    (816, "1.9: nytt avsnitt om tilskudd til frivillige og ideelle organisasjoner."),
    (836, "2.2.2 Utfordringer: nye setninger om Av-og-til."),
]
STAVANGER_AMENDED_TEXT = {
    15: "Avtaler for kriser med brann, politi og sykehus; kontaktpersoner som kan rykke ut.",
    14: "To MO-sentre (ung og voksen) med frivillige; også digitalt utenforskap.",
}

# --- Oslo and St. Hanshaugen, seed 003 ---------------------------------------

OSLO_GOALS = [  # seed 003 L81-84
    ("M1", "Færre innbyggere utvikler rusproblemer.", 665),
    ("M2", "Innbyggere med rusproblemer får hjelp etter behov til et meningsfylt liv.", 779),
]
OSLO_AREAS = [  # strategies L85-88 and the themes of S3: code, title, parent, kind, line
    ("S1", "Forebyggingsoffensiv", "", "strategi", 667),
    ("S2", "Tidligere innsats når rusproblemer oppstår", "", "strategi", 717),
    ("S3", "Økt livskvalitet ved rusproblemer", "", "strategi", 783),
    ("S3-T1", "Generelle tiltak", "S3", "tema", 785),
    ("S3-T2", "Aktivitet, sysselsetting og arbeid", "S3", "tema", 819),
    ("S3-T3", "Permanente boliger med oppfølging", "S3", "tema", 850),
    ("S3-T4", "Helse", "S3", "tema", 870),
    ("S3-T5", "Kompetanse og erfaringsdeling", "S3", "tema", 901),
]
# The 36 city measures (byrådets tiltak, grey in the source): area, letter, line, text
OSLO_MEASURES = [
    ("S1", "a", 671, "Oppdatere rusprogrammet i Osloskolen med faktakunnskap."),
    ("S1", "b", 677, "Utrede tilbud til elever bortvist for rus."),
    ("S1", "c", 684, "Lavterskel psykososiale tjenester på barns arenaer."),
    ("S1", "d", 693, "Tydelig ansvar for oppfølging av bekymring om rus hos unge."),
    ("S1", "e", 699, "Felles faglig standard for oppsøkende arbeid (Uteseksjonen)."),
    ("S1", "f", 711, "Gå gjennom kommunens nettsider om forebygging og hjelp."),
    ("S2", "a", 721, "Alltid tilby oppfølgingssamtale, også til pårørende."),
    ("S2", "b", 727, "Mer tid til direkte arbeid med folk, mindre til utredning."),
    ("S2", "c", 734, "Innhente samtykke for å samarbeide med pårørende."),
    ("S2", "d", 738, "Hjelpe folk til selvhjelpsgrupper og brukerorganisasjoner."),
    ("S2", "e", 744, "Spørre pårørende, også barn, om hva som avlaster."),
    ("S2", "f", 750, "Lavterskel møteplasser for pårørende."),
    ("S2", "g", 752, "Én fast kontaktperson for alle med rustjenester."),
    ("S2", "h", 758, "Hasjavvenningsprogram (HAP) i alle bydeler."),
    ("S2", "i", 761, "Utrede akuttbolig med tett oppfølging for unge uten bolig."),
    ("S2", "j", 771, "Pilot: samarbeid NAV, voksenopplæring og Nettverk etter soning."),
    ("S3-T1", "a", 787, "Dokumentere opplevd livskvalitet som resultatmål."),
    ("S3-T1", "b", 796, "Vurdere BTI-metodikken også for personer med rusproblemer."),
    ("S3-T1", "c", 799, "Pilot med politiet om alternative reaksjoner for unge under 23."),
    ("S3-T1", "d", 807, "Sosialt entreprenørskap og samskaping i nye tjenester."),
    ("S3-T2", "a", 823, "Aktivisering og opplæring mot arbeid på lik linje med andre."),
    ("S3-T2", "b", 831, "Utvide «Nyttig arbeid» og IPS."),
    ("S3-T2", "c", 837, "Legge til rette for egeninnsats, likemenn og selvhjelp."),
    ("S3-T2", "d", 843, "Bruke erfaringskompetanse i endringsarbeidet."),
    ("S3-T3", "a", 854, "Vurdere bydelsbetaling for opphold i rusinstitusjon."),
    ("S3-T3", "b", 858, "Utrede bo-oppfølging også kveld og helg."),
    ("S3-T3", "c", 863, "Vurdere samhandlingshus i hver sektor."),
    ("S3-T4", "a", 872, "Avtaler med sektorsykehus om ACT/FACT-team."),
    ("S3-T4", "b", 880, "Frisklivstilbud for personer med rusproblemer."),
    ("S3-T4", "c", 886, "Nasjonal finansiering av smittevern- og overdoseutstyr."),
    ("S3-T4", "d", 889, "Nasjonal delfinansiering av lavterskeltiltak i Oslo."),
    ("S3-T4", "e", 892, "Mer innsats for ernæring og tannhelse."),
    ("S3-T4", "f", 894, "Rutiner for å evaluere alvorlige hendelser og dødsfall."),
    ("S3-T5", "a", 907, "Kompetanse om bekymring for rus hos alle som jobber med unge."),
    ("S3-T5", "b", 919, "Kompetanseprogram om årsaker til rusproblemer."),
    ("S3-T5", "c", 924, "Kunnskapsdeling mellom bydeler om botilbud."),
]
# The 42 district items: area, own number, city letter answered ("" none), line, text
STH_MEASURES = [
    ("S1", "1", "a", 675, "Vi oppdaterer rusprogrammet sammen med skolene i bydelen."),
    ("S1", "2", "b", 680, "Oppfølging hos helsesykepleier og ruskonsulent for bortviste elever."),
    ("S1", "3", "c", 686, "Felles inntaksteam og FACT Ung med Nic Waals Institutt."),
    (
        "S1",
        "3b",
        "c",
        690,
        "Ny samarbeidspraksis mellom skolehelse, elevterapeuter og ruskonsulent.",
    ),
    ("S1", "4", "d", 695, "Opplæring i meldeplikt til barnevernet."),
    ("S1", "5", "e", 701, "Bidra til den felles standarden for oppsøkende arbeid."),
    ("S1", "6", "", 705, "Matriseorganisert ungdomsteam for utsatt ungdom."),
    ("S1", "7", "f", 713, "Forståelig informasjon på bydelens nettsider."),
    ("S2", "1", "a", 723, "Dokumentere tilbud om oppfølgingssamtale."),
    ("S2", "2", "b", 729, "Prøve ut ambulant rusteam for eldre (FACT)."),
    ("S2", "2b", "b", 732, "Mer direkte brukertid."),
    ("S2", "3", "c", 735, "Felles samtykkeskjema i alle tjenester."),
    ("S2", "4", "d", 740, "Kjenne og formidle selvhjelpsgrupper og brukerorganisasjoner."),
    ("S2", "5", "e", 746, "Spørre barn som pårørende systematisk om støtte."),
    ("S2", "7", "g", 753, "Fast kontaktperson for alle med rustjenester."),
    ("S2", "7b", "g", 756, "Individuell plan og koordinator ved to eller flere tjenester."),
    ("S2", "9", "i", 763, "Utleieboliger tilpasset behov, med andre kommunale aktører."),
    ("S2", "9b", "i", 768, "Systematisk kartlegging av alle med rusproblemer."),
    ("S2", "10", "j", 774, "Forpliktende samarbeid om oppfølging under og etter soning."),
    ("S3-T1", "1", "a", 791, "Innføre FIT i aktuelle tjenester."),
    ("S3-T1", "1b", "a", 792, "Brukertilfredshetsundersøkelse med KORUS."),
    ("S3-T1", "1c", "a", 794, "Gjennomføre Helseetatens brukerundersøkelse."),
    ("S3-T1", "3", "c", 801, "Ruskontrakt og oppfølging ved påtaleunnlatelse."),
    ("S3-T1", "4", "d", 812, "Etterspørre sosialt entreprenørskap og samskaping."),
    ("S3-T1", "4b", "d", 816, "Brukerinvolvering med Helseetaten og NAPHA."),
    ("S3-T2", "1", "a", 825, "NAV kartlegger og tilbyr arbeidsrettede tiltak."),
    ("S3-T2", "1b", "a", 829, "Meningsfulle aktiviteter og fellesskap for alle."),
    ("S3-T2", "2", "b", 833, "Utvide IPS til flere med rusproblemer."),
    ("S3-T2", "3", "c", 839, "Mer egeninnsats, flere likemenn og selvhjelp."),
    ("S3-T2", "4", "d", 845, "Flere erfaringskonsulenter."),
    ("S3-T2", "5", "", 848, "Brukere og erfaringskonsulenter i all tjenesteutvikling."),
    ("S3-T3", "1", "a", 855, "Bosette alle som kan bo i egnet bolig."),
    ("S3-T3", "2", "b", 860, "Prøve ut booppfølging kveld og helg."),
    ("S3-T3", "3", "c", 865, "Videreføre bydelens samhandlingshus."),
    ("S3-T4", "1", "a", 876, "Prøve ut rus-FACT med Gamle Oslo og Grünerløkka."),
    ("S3-T4", "2", "b", 882, "Utvikle helsefremmende tilbud for personer med rusproblemer."),
    ("S3-T4", "4", "f", 897, "Følge rutiner for evaluering av alvorlige hendelser."),
    ("S3-T5", "1", "a", 909, "Kompetanseheving om rus og rusmidler."),
    ("S3-T5", "1b", "a", 913, "Opplæring i bekymringsmelding til barnevernet."),
    ("S3-T5", "1c", "a", 916, "BTI-undersøkelse av kompetanse blant ansatte."),
    ("S3-T5", "2", "b", 921, "Kompetanseheving om årsaker til rusproblemer."),
    ("S3-T5", "3", "c", 926, "Be EHA om nettverk for erfaringsdeling mellom bydelene."),
]

PLANS = [
    # slug, owner, title, from, to, adopted, decision, state, description, kilde
    (
        "bergen-rusplan-2018-2022",
        "4601",
        "Samarbeid, mestring og verdighet – Plan for rusfeltet",
        2018,
        2022,
        date(2017, 11, 22),
        "bystyresak 278/17",
        PlanState.EXPIRED,
        "Strategisk plan; målsettingene er lagt inn som tiltak.",
        "seed 002 L1022",
    ),
    (
        "stavanger-rusplan-2019-2023",
        "1103",
        "Erfaring og fag – på samme lag. Ruspolitisk handlingsplan",
        2019,
        2023,
        date(2019, 6, 17),
        "bystyret 17.06.2019",
        PlanState.ADOPTED,
        "Endringene fra bystyret er lagt inn som endringer.",
        "seed 004 L16",
    ),
    (
        "oslo-strategisk-plan-rus",
        "0301",
        "Byrådets strategiske plan for rusfeltet",
        2018,
        2023,
        None,
        "byrådssak 158/18",
        PlanState.ADOPTED,
        "Byrådets tiltak slik de gjengis i St. Hanshaugens plan. Planperioden er ikke oppgitt "
        "i kilden; 2018–2023 er satt for demo.",
        "seed 003 L39",
    ),
    (
        "st-hanshaugen-rusplan",
        "030104",
        "Ruspolitisk handlingsplan for Bydel St. Hanshaugen",
        2020,
        2023,
        None,
        "",
        PlanState.ADOPTED,
        "Bydelens tiltak svarer på byrådets tiltak. Perioden er ikke oppgitt i kilden.",
        "seed 003 L3",
    ),
]
STATUS_YEARS = {
    "bergen-rusplan-2018-2022": [2018, 2019, 2020, 2021],
    "stavanger-rusplan-2019-2023": [2019, 2020, 2021, 2022],
    "oslo-strategisk-plan-rus": [2020, 2021],
    "st-hanshaugen-rusplan": [2020, 2021],
}


def bergen_file() -> PlanFile:
    f = PlanFile()
    f.goals = [GoalRow(0, c, t, f"seed 002 L{line}") for c, t, line in BERGEN_GOALS]
    f.areas = [AreaRow(0, c, t, p, k, f"seed 002 L{line}") for c, t, p, k, line in BERGEN_AREAS]
    for number, area, line, text, goal, *extra in BERGEN_MEASURES:
        m = MeasureRow(
            0,
            number,
            text,
            area=area,
            goals=[goal] if goal else [],
            kilde=f"seed 002 L{line}",
            period_from=2018,
            period_to=2022,
        )
        for k, v in (extra[0] if extra else {}).items():
            setattr(m, k, v)
        f.measures.append(m)
    return f


def stavanger_file() -> PlanFile:
    f = PlanFile()
    f.goals = [GoalRow(0, c, t, f"seed 004 L{line}") for c, t, line in STAVANGER_GOALS]
    f.areas = [
        AreaRow(0, c, t, "", "innsatsomrade", f"seed 004 L{line}") for c, t, line in STAVANGER_AREAS
    ]
    for nr, area, line, text, responsible, goal in STAVANGER_MEASURES:
        m = MeasureRow(
            0,
            str(nr),
            STAVANGER_AMENDED_TEXT.get(nr, text),
            area=area,
            goals=[goal],
            responsible_text=responsible,
            kilde=f"seed 004 L{line}",
            kind="vurdere" if nr in STAVANGER_ASSESS else "gjennomfore",
            period_from=2019,
            period_to=2023,
        )
        for k, v in STAVANGER_EXTRA.get(nr, {}).items():
            setattr(m, k, v)
        f.measures.append(m)
    return f


def _oslo_structure(f: PlanFile) -> None:
    f.goals = [GoalRow(0, c, t, f"seed 003 L{line}") for c, t, line in OSLO_GOALS]
    f.areas = [AreaRow(0, c, t, p, k, f"seed 003 L{line}") for c, t, p, k, line in OSLO_AREAS]


def _goal_of(area: str) -> str:
    return "M1" if area in ("S1", "S2") else "M2"


def oslo_file() -> PlanFile:
    f = PlanFile()
    _oslo_structure(f)
    for area, letter, line, text in OSLO_MEASURES:
        f.measures.append(
            MeasureRow(
                0,
                f"{area}-{letter}",
                text,
                area=area,
                goals=[_goal_of(area)],
                kilde=f"seed 003 L{line}",
                kind="vurdere" if text.startswith(("Utrede", "Vurdere")) else "gjennomfore",
            )
        )
    return f


def sth_file(sth: OrgUnit) -> PlanFile:
    f = PlanFile()
    _oslo_structure(f)
    for area, number, letter, line, text in STH_MEASURES:
        f.measures.append(
            MeasureRow(
                0,
                f"{area}-{number}",
                text,
                area=area,
                goals=[_goal_of(area)],
                kilde=f"seed 003 L{line}",
                responsible_unit=sth.code,
                parent=f"oslo-strategisk-plan-rus/{area}-{letter}" if letter else "",
            )
        )
    return f


# Measures linked to indicators of the indikatorer demo set (Fafo's numbers,
# seed 001): 15/16 levekårsindeks, 30 planer/ansvarsgruppe, 77 bosituasjon,
# 84 i arbeid. Linked only when that set is loaded.
INDICATOR_SET = "opptrappingsplanen-2016-2020"
INDICATOR_LINKS = {
    "bergen-rusplan-2018-2022": {"3-09": [30], "2.3-03": [84], "4-02": [84], "4-04": [77]},
    "stavanger-rusplan-2019-2023": {"3": [30], "11": [15, 16], "19": [84], "20": [77],
                                    "23": [77]},
    "oslo-strategisk-plan-rus": {"S2-g": [30], "S3-T2-a": [84]},
    "st-hanshaugen-rusplan": {"S2-7b": [30], "S3-T3-1": [77], "S3-T2-1": [84]},
}


def _link_indicators(plan: Plan) -> None:
    by_number = {i.number: i for i in Indikator.objects.filter(sett__slug=INDICATOR_SET)}
    if not by_number:
        return
    for number, indicator_numbers in INDICATOR_LINKS.get(plan.slug, {}).items():
        tiltak = Tiltak.objects.filter(plan=plan, number=number).first()
        wanted = [by_number[n] for n in indicator_numbers if n in by_number]
        if tiltak is not None and wanted:
            tiltak.indikatorer.add(*wanted)


def _status_for(number: str, slug: str, step: int) -> str:
    """A plausible path per measure: most start, many finish, a few stall."""
    h = int(hashlib.sha256(f"{slug}/{number}".encode()).hexdigest()[:8], 16)
    path = [
        ["ikke_startet", "pagar", "pagar", "gjennomfort"],
        ["pagar", "pagar", "gjennomfort", "gjennomfort"],
        ["pagar", "pagar", "pagar", "pagar"],
        ["ikke_startet", "ikke_startet", "utsatt", "utsatt"],
        ["pagar", "gjennomfort", "gjennomfort", "avsluttet"],
        ["ikke_startet", "pagar", "utsatt", "pagar"],
    ][h % 6]
    return path[min(step, len(path) - 1)]


COMMENTS = {
    "ikke_startet": "Ikke prioritert i budsjettet ennå.",
    "pagar": "Arbeidet er i gang.",
    "gjennomfort": "Gjennomført som planlagt.",
    "utsatt": "Utsatt til neste økonomiplan.",
    "avsluttet": "Avsluttet; videreført i ordinær drift.",
}


def _status_history(plan: Plan) -> int:
    if Statusoppdatering.objects.filter(tiltak__plan=plan).exists():
        return 0
    tz = timezone.get_current_timezone()
    rows = []
    for t in plan.tiltak.all():
        for step, year in enumerate(STATUS_YEARS[plan.slug]):
            status = _status_for(t.number, plan.slug, step)
            rows.append(
                Statusoppdatering(
                    tiltak=t,
                    year=year,
                    tertial=0,
                    period_key=year * 10 + 9,
                    status=status,
                    comment=COMMENTS[status],
                    created_by_name="demo",
                    created_at=datetime(year, 12, 15, 12, 0, tzinfo=tz),
                )
            )
    Statusoppdatering.objects.bulk_create(rows)
    Plan.figures_changed(plan.pk)  # bulk_create sends no signal
    return len(rows)


def _stavanger_amendments(plan: Plan) -> None:
    for line, description in STAVANGER_PLAN_AMENDMENTS:
        Endring.objects.get_or_create(
            plan=plan, tiltak=None, kilde=f"seed 004 L{line}",
            defaults={"date": date(2019, 6, 17), "decision_ref": "bystyret 17.06.2019",
                      "description": description},
        )
    for nr, line, description, old_text in STAVANGER_AMENDMENTS:
        tiltak = Tiltak.objects.get(plan=plan, number=str(nr))
        Endring.objects.get_or_create(
            plan=plan,
            tiltak=tiltak,
            kilde=f"seed 004 L{line}",
            defaults={
                "date": date(2019, 6, 17),
                "decision_ref": "bystyret 17.06.2019",
                "description": description,
                "old_text": old_text,
                "new_text": tiltak.text,
            },
        )


def load(stdout=None, slugs=None) -> None:
    """Load the demo plans (all, or only ``slugs``: tests load what they need)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["4601", "1103", "0301", "030104"])}
    with transaction.atomic():
        for slug, owner, title, y0, y1, adopted, ref, state, description, kilde in PLANS:
            if slugs is not None and slug not in slugs:
                continue
            plan, _ = Plan.objects.get_or_create(
                slug=slug,
                defaults={
                    "owner": units[owner],
                    "title": title,
                    "period_from": y0,
                    "period_to": y1,
                    "adopted_on": adopted,
                    "decision_ref": ref,
                    "state": state,
                    "description": description,
                    "kilde": kilde,
                },
            )
            if slug.startswith("bergen"):
                parsed = bergen_file()
            elif slug.startswith("stavanger"):
                parsed = stavanger_file()
            elif slug.startswith("oslo"):
                parsed = oslo_file()
            else:
                parsed = sth_file(units["030104"])
            store_plan_file(plan, parsed, {"030104": units["030104"]})
            if slug.startswith("stavanger"):
                _stavanger_amendments(plan)
            _link_indicators(plan)
            n = _status_history(plan)
            if stdout is not None:
                stdout.write(f"Plan {slug}: {plan.tiltak.count()} tiltak, {n} nye statuser.\n")
