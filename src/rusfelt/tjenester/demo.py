"""Demo services from the seeds, in our own short words, each citing its source.

- Stavanger: the appendix service list (seed 004 L862-978) and the housing
  offers of Tabell 4 (seed 004 L627-638);
- Bydel St. Hanshaugen: the services of chapter 4 (seed 003 L382-657);
- Oslo: the Velferdsetaten institutions of Vedlegg 3 (seed 000 L2128-2164)
  and the central low-threshold services of Vedlegg 4 (seed 000 L2168-2215).

Opening hours are not in the seeds except where cited (Legevakt 24 hours,
seed 004 L866-870; staffing to about 22, seed 004 L923-933); elsewhere they
are assumed for the demo and the source line says so. No phone numbers or
addresses are invented: only national numbers (116 117) and places named in
the seeds. Keyed on slugs; a second run changes nothing.
"""

from datetime import date, time

from django.db import transaction
from django.utils.text import slugify as django_slugify

from rusfelt.core.models import OrgUnit

from .domain.sok import fold
from .models import Apningstid, Tjeneste, TjenesteOversettelse


def slugify(text: str) -> str:
    return django_slugify(fold(text))

# Hours patterns: weekday range (0 = Monday) and times; "døgn" = 24/7 incl. holidays.
DOGN = "døgn"
KONTOR = "0-4 08:00-15:30"
DAG = "0-4 10:00-15:00"
KVELD = "0-4 10:00-15:00; 0-3 18:00-21:00"
NATT = "0-6 21:00-08:00"
ASSUMED = "åpningstider antatt for demo"
VERIFIED = date(2026, 9, 1)
OLD = date(2025, 3, 1)  # more than 12 months before the demo's autumn 2026

# slug, name, unit, provider, kind, category, target groups, (age_min, age_max),
# access routes, hours, description, target text, access text, capacity, places, source,
# verified_on
STAVANGER = [
    ("stavanger-fastlege", "Fastlegen (allmennlegetjenesten)", "1103", "Stavanger kommune",
     "kommunal", "helse", "alle", (None, None), "timebestilling", KONTOR,
     "Fastlegen følger opp helsen din, utreder og kan henvise videre til spesialisthelsetjenesten, "
     "også ved psykiske plager og rusproblemer.",
     "Alle innbyggere har rett på en fastlege.", "Bestill time hos fastlegen din.",
     "", None, "seed 004 L864; " + ASSUMED, VERIFIED),
    ("stavanger-legevakt", "Legevakt", "1103", "Stavanger kommune", "kommunal", "akutt",
     "alle", (None, None), "drop_in,telefon_forst", DOGN,
     "Legevakten gir øyeblikkelig hjelp når det ikke kan vente til fastlegen er tilgjengelig.",
     "Alle som bor i eller oppholder seg i kommunen.",
     "Ring legevakten på 116 117 før du kommer, hvis du kan.", "", None,
     "seed 004 L866-870", VERIFIED),
    ("stavanger-psykiatrisk-sykepleier-legevakt", "Psykiatrisk sykepleier på legevakten",
     "1103", "Stavanger kommune", "kommunal", "akutt", "voksne", (None, None),
     "drop_in,telefon_forst", KONTOR,
     "Korte samtaler på dagtid for deg i en akutt livskrise, og hjelp til å finne videre hjelp.",
     "Personer i akutte livskriser i Stavanger og Randaberg.",
     "Du trenger ikke henvisning. Inntil tre samtaler (fire etter kontakt med "
     "voldtektsmottaket).", "", None, "seed 004 L870, L880-884", VERIFIED),
    ("stavanger-kriseteamet", "Kriseteamet", "1103", "Stavanger, Randaberg og Sola",
     "kommunal", "parorende", "parorende,voksne", (None, None), "telefon_forst", DOGN,
     "Støtte de første ukene etter ulykker, selvmord og andre kriser, til de som er rammet og "
     "deres pårørende.", "Berørte og pårørende.", "Kontakt går i hovedsak gjennom legevakten.",
     "11 personer, psykolog som fagleder", None, "seed 004 L872-878", VERIFIED),
    ("stavanger-hsk", "Helse- og sosialkontorene", "1103", "Stavanger kommune", "kommunal",
     "oppfolging", "voksne,ungdom,parorende", (None, None), "vedtak,timebestilling", KONTOR,
     "Inngangen til kommunens tjenester: kartlegger behov, fatter vedtak, koordinerer og lager "
     "individuell plan sammen med deg.", "Alle som tar kontakt.",
     "Søk om tjenester; kontoret fatter vedtak etter helse- og omsorgstjenesteloven.",
     "4 kontor, knyttet til bydelene", None, "seed 004 L886-896; " + ASSUMED, VERIFIED),
    ("stavanger-nav", "Nav-kontorene", "1103", "Nav Stavanger", "statlig", "arbeid_aktivitet",
     "voksne,unge_voksne", (18, None), "timebestilling,drop_in", KONTOR,
     "Økonomisk sosialhjelp, arbeidsavklaringspenger, tiltak for arbeid og aktivitet, og råd om "
     "økonomi.", "Også for mennesker med psykiske lidelser.",
     "Samlokalisert med helse- og sosialkontorene.", "4 kontor", None,
     "seed 004 L898-906; " + ASSUMED, VERIFIED),
    ("stavanger-rehabiliteringsseksjonen", "Rehabiliteringsseksjonen", "1103",
     "Stavanger kommune", "kommunal", "lavterskel", "aktiv_rus,voksne", (18, None),
     "drop_in,vedtak", KVELD,
     "Oppfølging i bolig, lavterskel helsetilbud på Stasjonen, værested med mat hver dag, "
     "oppsøkende helseteam, observasjonsseng etter overdose og lavterskel arbeid.",
     "Rusavhengige i hele byen.", "Værestedet og Stasjonen kan du gå rett inn på.",
     "5 avdelinger", None, "seed 004 L908-910, L731-735; " + ASSUMED, VERIFIED),
    ("stavanger-k46", "K46 – for unge med rusproblemer", "1103", "Rehabiliteringsseksjonen",
     "kommunal", "behandling", "ungdom,unge_voksne,parorende", (16, 25),
     "drop_in,telefon_forst", KVELD,
     "Samtaler på dag og kveld for unge med rusproblemer, et døgntilbud for stabilisering før "
     "behandling, og samtaler for familien.",
     "Unge 16-25 år som har eller er i ferd med å utvikle et rusproblem, også ved bruk av "
     "anabole steroider. Døgntilbudet er for 18-25 år.",
     "Pårørende kan ta kontakt selv. Døgnopphold krever rusfrihet og varer inntil 3-4 måneder.",
     "døgn: 5 plasser", 5, "seed 004 L912-914; " + ASSUMED, VERIFIED),
    ("stavanger-obs-teamet", "OBS-teamet", "1103", "Stavanger kommune og Helse Stavanger HF",
     "kommunal", "behandling", "rop,voksne", (18, None), "henvisning", KONTOR,
     "Et ambulant behandlingsteam med psykiater, psykologer, sykepleiere og sosionomer som "
     "kommer hjem til deg.",
     "Personer med alvorlig psykisk lidelse og rus eller sammensatte problemer som har falt "
     "utenfor andre tilbud.", "Samarbeid mellom kommunen og Helse Stavanger.", "", None,
     "seed 004 L916-917; " + ASSUMED, VERIFIED),
    ("stavanger-miljotjeneste", "Miljøtjenesten", "1103", "Miljøterapeutisk enhet",
     "kommunal", "oppfolging", "voksne,rop", (18, None), "vedtak", KONTOR,
     "Praktisk hjelp, råd og veiledning hjemme eller i bofellesskap.",
     "Personer med psykisk lidelse, ruslidelse eller annen funksjonsnedsettelse.",
     "Søk gjennom helse- og sosialkontoret.", "", None, "seed 004 L919-921; " + ASSUMED, OLD),
    ("stavanger-bo-og-aktivitet", "Bo og aktivitet psykisk helse", "1103", "Stavanger kommune",
     "kommunal", "bolig", "rop,voksne", (18, None), "vedtak", "0-6 08:00-22:00",
     "Bofellesskap med helse- og omsorgstjenester, og hjelp til å flytte videre når du er klar.",
     "Personer med alvorlige psykiske lidelser og ROP-lidelser.",
     "Søk gjennom helse- og sosialkontoret.",
     "16 bofellesskap med 167 boenheter, 88 med heldøgnsbemanning", 167,
     "seed 004 L923-933", VERIFIED),
    ("stavanger-stottekontakt", "Støttekontakt", "1103", "Stavanger kommune", "kommunal",
     "arbeid_aktivitet", "voksne", (None, None), "vedtak", "",
     "En støttekontakt gjør ting sammen med deg, så det blir lettere å delta sosialt.",
     "Mennesker med psykiske lidelser.", "Søk til helse- og sosialkontoret.", "", None,
     "seed 004 L935-939", OLD),
    ("stavanger-treningskontakt", "Treningskontakt", "1103", "Fysio- og ergoterapiavdelingen",
     "kommunal", "arbeid_aktivitet", "voksne", (18, None), "vedtak", "",
     "Trening sammen med en treningskontakt, til du kan trene på egen hånd.",
     "Over 18 år, med en diagnose innen rus eller psykisk helse, og motivert for trening.",
     "Helse- og sosialkontoret kartlegger og fatter vedtak.", "", None, "seed 004 L941-947",
     VERIFIED),
    ("stavanger-helsehuset", "Helsehuset", "1103", "Stavanger kommune", "kommunal",
     "forebygging", "voksne,parorende", (20, 65), "drop_in,timebestilling", KONTOR,
     "Kurs og veiledning om levevaner, kurs ved lette psykiske plager, og en samtale om ditt "
     "eget eller andres alkoholbruk («Litt for mye – litt for ofte»).",
     "Innbyggere; kursene er for 20-65 år.", "Du trenger ikke henvisning: ta direkte kontakt.",
     "", None, "seed 004 L949-951, L535; " + ASSUMED, VERIFIED),
    ("stavanger-flyktningseksjonen", "Flyktningseksjonen", "1103", "Stavanger kommune",
     "kommunal", "oppfolging", "alle", (None, None), "vedtak", KONTOR,
     "Bosetting, introduksjonsprogram, psykolog og foreldreveiledning for nyankomne flyktninger.",
     "Nyankomne flyktninger, familier og enslige mindreårige, de første 2-3 årene.", "", "",
     None, "seed 004 L953-961; " + ASSUMED, VERIFIED),
    ("stavanger-stokka-rusomsorg", "Avdeling for rusomsorg, Stokka sykehjem", "1103",
     "Stavanger kommune", "kommunal", "bolig", "eldre,rop,aktiv_rus", (None, None), "vedtak",
     DOGN, "Langtidsplasser i sykehjem med mål om best mulig livskvalitet.",
     "Personer med alvorlige rusproblemer og ROP-lidelser.", "", "17 langtidsplasser", 17,
     "seed 004 L963-965", VERIFIED),
    ("stavanger-oyeblikkelig-hjelp", "Øyeblikkelig hjelp døgn (Stokka)", "1103",
     "Stavanger kommune", "kommunal", "akutt", "voksne", (18, None), "henvisning", DOGN,
     "Kort innleggelse ved akutt krise eller forverring, med motiverende samtaler.",
     "Somatisk syke med lette til moderate psykiske plager og/eller rus.",
     "Legevakt eller lege legger inn.", "9 plasser", 9, "seed 004 L967-974", VERIFIED),
    ("stavanger-housing-first", "Housing First-teamet", "1103", "Stavanger kommune",
     "kommunal", "bolig", "rop,aktiv_rus", (18, None), "vedtak", KONTOR,
     "Tett, ambulant oppfølging i egen kommunal bolig.",
     "Brukere med rus- og psykiske lidelser.", "", "", None, "seed 004 L404, L640; " + ASSUMED,
     OLD),
]

# Tabell 4, boligtilbud (seed 004 L627-638): name, target text, places, target groups, ages.
STAVANGER_HOUSING = [
    ("Endringshuset", "Du trenger bolig med oppfølging tilpasset deg, og ønsker selv endring.",
     10, "voksne", (18, None)),
    ("M100", "Over 18 år og har fullført minst 6 måneders medikamentfri langtidsbehandling i TSB.",
     9, "rusfrie,voksne", (18, None)),
    ("Opp & Lev", "Unge voksne 18-25 år i faresonen for rusproblemer, med jobb eller skole "
     "på plass før innflytting.", 4, "unge_voksne", (18, 25)),
    ("M98", "Voksne over 40 med rusavhengighet som venter på kommunal bolig og kan bo tett med "
     "andre. Ikke tilpasset rullestol.", 7, "voksne,aktiv_rus", (40, None)),
    ("Småhusene", "For deg som trenger tett oppfølging og har vansker i vanlige bomiljø.", 7,
     "voksne,aktiv_rus", (18, None)),
    ("L47", "Over 18 år med rusproblemer, for kartlegging før annet botilbud eller døgnbehandling.",
     10, "voksne,aktiv_rus", (18, None)),
    ("Bofellesskap ROP", "Over 18 år med rusproblemer og psykisk lidelse.", 20, "rop",
     (18, None)),
]

STH = "030104"
STH_SERVICES = [
    ("sth-helsestasjon", "Helsestasjon 0-5 år", "barn,parorende", (0, 5), "timebestilling", KONTOR,
     "Oppfølging av små barn, foreldreveiledning og støttesamtaler.",
     "Familier med barn under skolealder.", "forebygging", "seed 003 L396-418, L467-471"),
    ("sth-jordmor", "Jordmortjenesten", "gravide", (None, None), "timebestilling", KONTOR,
     "Rus er tema i all svangerskapsoppfølging.", "Gravide.", "forebygging", "seed 003 L404-405"),
    ("sth-skolehelsetjenesten", "Skolehelsetjenesten", "barn,ungdom", (6, 19), "drop_in", KONTOR,
     "Helsesykepleier på skolen; helseundersøkelser i 1. og 8. klasse tar opp rus.",
     "Skoleelever.", "forebygging", "seed 003 L420-423, L477-489"),
    ("sth-elevterapeut", "Elevterapeut", "ungdom", (13, 19), "henvisning", KONTOR,
     "Støttesamtaler og kortvarig terapi på skolen.",
     "Elever som ikke trenger spesialisthelsetjenesten.", "behandling", "seed 003 L494-502"),
    ("sth-juniorklubb", "Juniorklubb", "barn", (10, 12), "drop_in", "0-4 14:00-18:00",
     "Fritidsklubb på Hammersborg og Marienlyst.", "Barn 10-12 år.", "forebygging",
     "seed 003 L427-428"),
    ("sth-haugenkafeen", "Ungdomsklubb og Haugenkafeen", "ungdom", (13, 18), "drop_in",
     "0-4 15:00-21:00", "En uforpliktende møteplass for ungdom.", "Ungdom.", "forebygging",
     "seed 003 L429-433"),
    ("sth-ungdomskonsulenter", "Ungdomskonsulenter", "ungdom", (13, 20), "telefon_forst",
     KONTOR, "Aktiviteter og ferietilbud for ungdom i bydelen.", "Ungdom.", "forebygging",
     "seed 003 L435-436"),
    ("sth-ruskonsulent-unge", "Ruskonsulent for unge", "ungdom,unge_voksne,parorende", (13, 25),
     "henvisning,telefon_forst", KONTOR,
     "Oppfølging og behandling for unge som bruker rusmidler, også ruskontrakt.",
     "Ungdom og familien deres.", "behandling", "seed 003 L462, L556-564, L803"),
    ("sth-salto", "SaLTo-koordinator", "ungdom", (12, 23), "telefon_forst", KONTOR,
     "Samarbeid med politiet for å forebygge kriminalitet og rus blant unge.", "12-23 år.",
     "forebygging", "seed 003 L566-571"),
    ("sth-ung-i-bsh", "Ung i BSH", "unge_voksne", (16, 25), "telefon_forst", KONTOR,
     "Individuell oppfølging og hjelp med bolig for unge utenfor skole og jobb.",
     "Utsatt ungdom som verken går på skole eller er i jobb.", "oppfolging",
     "seed 003 L573-579"),
    ("sth-barnevern", "Barneverntjenesten", "barn,ungdom,parorende,barn_parorende", (0, 23),
     "telefon_forst", KONTOR,
     "Veiledning og tiltak i hjemmet for barn i familier med rus, og hjelp til unge som ruser seg.",
     "Barn i risikofamilier og unge med rusproblemer.", "oppfolging", "seed 003 L522-554"),
    ("sth-nav-sosial", "Sosialtjenesten i Nav", "voksne,unge_voksne,bostedslose", (18, None),
     "drop_in,timebestilling", KONTOR,
     "Hjelp til livsopphold, husleie og depositum, økonomisk rådgivning, midlertidig bolig og "
     "arbeid.", "Vanskeligstilte.", "arbeid_aktivitet", "seed 003 L583-588"),
    ("sth-boligkontoret", "Boligkontoret", "voksne,bostedslose", (18, None), "timebestilling",
     KONTOR, "Kommunale boliger, startlån, boligtilskudd og bostøtte.", "Vanskeligstilte.",
     "bolig", "seed 003 L590-592"),
    ("sth-hjemmetjenester", "Hjemmetjenester og bo-oppfølging", "voksne,rop", (18, None),
     "vedtak", "0-6 08:00-22:00",
     "Hjemmesykepleie, praktisk hjelp og psykisk helsearbeid hjemme hos deg.",
     "Personer med psykisk sykdom og rusproblemer.", "oppfolging", "seed 003 L594-596"),
    ("sth-fact", "FACT-team", "rop", (18, None), "henvisning", KONTOR,
     "Et team fra bydelen og Lovisenberg DPS som følger deg opp over tid, også hjemme.",
     "Alvorlig psykisk lidelse eller ROP.", "behandling", "seed 003 L598-603"),
    ("sth-rusteam", "Rusteamet", "voksne,aktiv_rus,parorende", (18, None),
     "drop_in,telefon_forst", KONTOR, "Individuell oppfølging ved rusproblemer.",
     "Voksne med rusproblemer, og pårørende.", "oppfolging", "seed 003 L605-608, L721-725"),
    ("sth-rask-psykisk-helsehjelp", "Rask psykisk helsehjelp", "voksne", (18, None),
     "timebestilling", KONTOR, "Kognitiv terapi ved angst, depresjon og søvnvansker.",
     "Over 18 år med milde til moderate plager.", "behandling", "seed 003 L610-612"),
    ("sth-jobbstotte", "Individuell jobbstøtte", "voksne,rop", (18, None), "henvisning",
     KONTOR, "Hjelp med å søke jobb, begynne i jobb og bli stående i den.",
     "Deg som er motivert for jobb.", "arbeid_aktivitet", "seed 003 L614-616"),
    ("sth-moteplasser", "Møteplasser og aktivitetsgrupper", "voksne,rop", (18, None),
     "drop_in", "1 10:00-13:00; 3 10:00-13:00",
     "Yoga, løping, ballspill og turer med ergoterapeut.", "Psykisk helse eller rus, 18 år og "
     "eldre.", "arbeid_aktivitet", "seed 003 L619-627"),
    ("sth-samlokaliserte-boliger", "Samlokaliserte boliger", "rop,aktiv_rus", (18, None),
     "vedtak", DOGN, "Boliger med bemanning hele døgnet eller dag og kveld.",
     "Personer med rus og psykiske lidelser.", "bolig", "seed 003 L629-637"),
    ("sth-flexbo", "Flexbo", "rop,aktiv_rus", (18, None), "vedtak", KONTOR,
     "Bo-oppfølging og aktivitet i vanlige boliger rundt i bydelen.",
     "Personer med rus og psykiske lidelser.", "bolig", "seed 003 L639-650"),
    ("sth-oslokassa", "Oslokassa", "voksne,aktiv_rus", (18, None), "drop_in", DAG,
     "Arbeid med å lage fugle- og flaggermuskasser.",
     "Personer med rusproblemer som ikke er klare for vanlig arbeid.", "arbeid_aktivitet",
     "seed 003 L652-657"),
]

# Vedlegg 3 (seed 000 L2128-2164): name, type, places, kjønn, eier (K/P). Facts only.
OSLO_INSTITUTIONS = [
    ("Adamstuen omsorgsboliger", "Omsorg, aktiv/noe rus", 10, "K/M", "K"),
    ("Adamstuen omsorgssenter", "Omsorg, aktiv/noe rus", 33, "K/M", "K"),
    ("Bjørnerud rehabiliteringssenter", "Rehabilitering, aktiv/noe rus", 22, "M", "K"),
    ("Blindern rehabiliteringssenter", "Rehabilitering, rusfri", 18, "M", "K"),
    ("BoSatt H25", "Rehabilitering, rusfri", 30, "K/M", "P"),
    ("Bygdøy rehabiliteringssenter", "Rehabilitering, aktiv/noe rus", 19, "K/M", "K"),
    ("Dalsbergstien", "Akutt/korttid, aktiv rus", 45, "K/M", "K"),
    ("Den Åpne Dør, Frelsesarmeen", "Omsorg, aktiv/noe rus", 21, "K/M", "P"),
    ("Enga, Kirkens bymisjon", "Omsorg, aktiv/noe rus", 35, "K/M", "P"),
    ("EXIT", "Unge voksne, aktiv/noe rus", 8, "K/M", "K"),
    ("Fagerborg, Frelsesarmeen", "Korttid, aktiv rus", 20, "K/M", "P"),
    ("Fredensborg bosenter", "Korttid, aktiv rus", 32, "K/M", "K"),
    ("Fredheim", "Rehabilitering, rusfri", 20, "K/M", "P"),
    ("Haugenstua treningsleiligheter", "Rehabilitering, rusfri", 27, "K/M", "K"),
    ("Heimen", "Omsorg, aktiv/noe rus", 26, "K/M", "P"),
    ("Holmen", "Korttid, rusfri", 25, "K/M", "P"),  # "Kortid" in the source (typo)
    ("Incita AS", "Rus og psykisk helse", 6, "K/M", "P"),
    ("Karlsborg rehabiliteringssenter", "Rehabilitering, aktiv/noe rus", 19, "M", "K"),
    ("Lassonløkken rehabiliteringssenter", "Rehabilitering, aktiv/noe rus", 10, "M", "K"),
    ("Liakollen rehabiliteringssenter", "Rehabilitering, aktiv/noe rus", 25, "K/M", "K"),
    ("Marcus Thranes Hus", "Akutt/korttid, aktiv rus", 37, "K/M", "K"),
    ("P22", "Korttid, rusfri", 5, "K/M", "P"),
    ("Prindsen døgnovernatting", "Akutt, aktiv rus", 17, "K/M", "K"),
    ("Sjøstrand omsorgssenter", "Omsorg, aktiv/noe rus", 31, "K/M", "K"),
    ("Stensløkka ressurscenter", "Rehabilitering, rusfri", 17, "K/M", "K"),
    ("Stiftelsen Guts", "Rehabilitering, rusfri", 28, "K/M", "P"),
    ("Svingen", "Rus og psykisk helse", 5, "K", "K"),
    ("Syningom omsorgssenter", "Omsorg, rusfri", 22, "K/M", "K"),
    ("Thereses hus", "Akutt, aktiv rus", 12, "K", "K"),
    ("Tyrili rehabilitering", "Rehabilitering, rusfri", 20, "K/M", "P"),
    ("Vestli rehabiliteringssenter", "Rehabilitering, rusfri", 32, "K/M", "K"),
    ("Østensjøveien hus", "Rehabilitering, aktiv/noe rus", 26, "K", "K"),
]

# Vedlegg 4 (seed 000 L2168-2215): name, kind, target text, offer, category, groups, hours.
OSLO_LOW_THRESHOLD = [
    ("Prinsen mottakssenter", "kommunal", "Personer i aktiv rus",
     "Smittevern, sprøyterom, feltpleie og overnatting.", "skadereduksjon", "aktiv_rus", DOGN),
    ("Uteseksjonen", "kommunal", "Unge voksne i sentrum",
     "Oppsøkende arbeid, råd, samtaler og telefontjeneste.", "lavterskel", "unge_voksne",
     "0-4 10:00-22:00"),
    ("Riverside", "kommunal", "Ungdom 15-23 år",
     "Råd og veiledning, sosial møteplass, kurs, aktiviteter og arbeidspraksis.", "lavterskel",
     "ungdom,unge_voksne", "0-4 12:00-20:00"),
    ("Sosial og ambulant akuttjeneste (SAA)", "kommunal", "Personer i aktiv rus",
     "Hjelp ved akutt krise, informasjon, kartlegging, henvisning og oppsøkende arbeid i hjemmet.",
     "akutt", "aktiv_rus,voksne", DOGN),
    ("Prosenteret", "kommunal", "Personer som selger seksuelle tjenester",
     "Oppsøkende arbeid, informasjon og en sosial møteplass.", "lavterskel", "voksne", DAG),
    ("Fri rettshjelp", "kommunal", "Svakerestilte i Oslo og omegn",
     "Gratis juridisk rådgivning.", "rad", "voksne", KONTOR),
    ("LASSO", "kommunal", "Opiatavhengige", "Medisinering og motivasjon.", "behandling",
     "aktiv_rus", DAG),
    ("Blå Kors kontaktsenter", "ideell", "Personer med rusmiddelproblemer",
     "Mat, klær og rådgivning.", "lavterskel", "aktiv_rus", DAG),
    ("Blå Kors Steg for steg", "ideell", "Tidligere rusmiddelproblemer",
     "Aktiviteter, nettverk og oppfølging.", "arbeid_aktivitet", "rusfrie", DAG),
    ("Caritas", "ideell", "EØS-innvandrere med lovlig opphold",
     "Råd, veiledning, kurs og aktiviteter.", "rad", "voksne", DAG),
    ("= Oslo", "ideell", "Vanskeligstilte og rusavhengige", "Salg av aviser og et møtested.",
     "arbeid_aktivitet", "aktiv_rus", DAG),
    ("Fattighuset", "ideell", "Fattige og vanskeligstilte",
     "Utdeling av mat og klær, og aktiviteter.", "lavterskel", "alle", DAG),
    ("Foreningen for human narkotikapolitikk", "ideell", "Personer med rusmiddelproblemer",
     "Brukerråd, råd og støtte, og utdeling av brukerutstyr.", "skadereduksjon", "aktiv_rus",
     DAG),
    ("Frelsesarmeen Feltpleie", "ideell", "Personer i aktiv rus", "Feltpleie: helsehjelp.",
     "skadereduksjon", "aktiv_rus", KVELD),
    ("Frelsesarmeen Fyrlyset", "ideell", "Personer med rusmiddelproblemer",
     "Mat, klær, sosiale aktiviteter og rådgivning.", "lavterskel", "aktiv_rus", DAG),
    ("Frelsesarmeen Jobben", "ideell", "Personer med rusmiddelproblemer",
     "Arbeidstrening og aktiviteter.", "arbeid_aktivitet", "aktiv_rus", KONTOR),
    ("Frelsesarmeen Migrasjonssenteret", "ideell", "Utenlandske tilreisende",
     "Dusj, toalett, mat og råd.", "lavterskel", "voksne,bostedslose", DAG),
    ("Frelsesarmeen Slumstasjon", "ideell", "Fattige (ikke rus)",
     "Matutdeling, aktiviteter, råd og kurs.", "lavterskel", "alle", DAG),
    ("Frelsesarmeen Vinternatt", "ideell", "Bostedsløse med begrensede sosiale rettigheter",
     "Akutt overnatting.", "bolig", "bostedslose", NATT),
    ("Marita Ung", "ideell", "Ungdom 15-23 år i sentrum", "Musikkverksted, kafé og samtaler.",
     "lavterskel", "ungdom,unge_voksne", "0-4 14:00-20:00"),
    ("Maritakafeen", "ideell", "Rus- og prostitusjonserfaring", "Kafé, samtaler og råd.",
     "lavterskel", "aktiv_rus", "0-6 18:00-02:00"),
    ("Oslo Røde Kors overnatting", "ideell", "Mannlige fattige tilreisende",
     "Akutt overnatting.", "bolig", "bostedslose", NATT),
    ("Evangeliesenteret kontaktsenter", "ideell", "Rus og vanskeligstilte EØS-borgere",
     "Matposer og middag.", "lavterskel", "aktiv_rus", DAG),
    ("Fransiskushjelpen Sykepleie på hjul", "ideell", "Rusavhengige og prostituerte",
     "Oppsøkende helsehjelp, brukerutstyr og sårstell.", "skadereduksjon", "aktiv_rus",
     "0-4 18:00-23:00"),
    ("Kirkens Bymisjon Tøyenkirken", "ideell", "Fattige tilreisende og vanskeligstilte",
     "Mat og kafé, aktiviteter og vaskeri.", "lavterskel", "alle", DAG),
    ("Kirkens Bymisjon akuttovernatting for kvinner", "ideell", "Kvinnelige fattige tilreisende",
     "Akutt overnatting.", "bolig", "bostedslose", NATT),
    ("Kirkens Bymisjon 24-SJU", "ideell", "Aktiv rus og psykiske lidelser",
     "Råd, samtaler, værested og hvilestoler.", "lavterskel", "aktiv_rus,rop", DOGN),
    ("Kirkens Bymisjon Sporet", "ideell", "Rus, psykisk syke og tilreisende på Oslo S",
     "Oppsøkende arbeid, samtaler og hjelp videre.", "lavterskel", "aktiv_rus,rop", DAG),
    ("Kirkens Bymisjon Gatejuristen", "ideell", "Har eller har hatt rusmiddelproblemer",
     "Rettshjelp.", "rad", "aktiv_rus,rusfrie", KONTOR),
    ("Kirkens Bymisjon Lønn som fortjent", "ideell", "Rus, prostitusjon med flere", "Arbeid.",
     "arbeid_aktivitet", "aktiv_rus", KONTOR),
    ("Kirkens Bymisjon Møtestedet", "ideell", "Rus, prostitusjon og gatemiljø",
     "Mat, aktiviteter og råd.", "lavterskel", "aktiv_rus", DAG),
    ("Kirkens Bymisjon Nadheim", "ideell", "Prostitusjonserfaring",
     "Oppsøkende arbeid, oppfølging og kurs.", "oppfolging", "voksne", DAG),
    ("Kirkens Bymisjon Safir", "ideell", "Tidligere rusmiddelproblemer",
     "Aktiviteter, boligskole og kafé.", "arbeid_aktivitet", "rusfrie", DAG),
    ("Stiftelsen Retretten", "ideell", "Tidligere rusavhengige, straffedømte og pårørende",
     "Kurs, råd og akupunktur.", "oppfolging", "rusfrie,parorende", KVELD),
    ("Sub Church Subscene", "ideell", "Ungdom i faresonen", "Kafé, aktiviteter og konserter.",
     "forebygging", "ungdom", "4-5 18:00-23:00"),
    ("UiO Juss-Buss", "ideell", "Vanskeligstilte", "Rettshjelp.", "rad", "voksne", KONTOR),
    ("WayBack", "ideell", "Tidligere straffedømte", "Faddere, råd og aktiviteter.",
     "oppfolging", "voksne", DAG),
]

# English texts for a few services, to show the translation table at work.
ENGLISH = {
    "stavanger-legevakt": ("Emergency medical clinic (legevakt)",
                           "Urgent help when it cannot wait for your regular GP.",
                           "Call 116 117 before you come, if you can."),
    "stavanger-k46": ("K46 – for young people with substance problems",
                      "Day and evening conversations for young people, a residential unit for "
                      "stabilisation before treatment, and family conversations.",
                      "Relatives may get in touch themselves."),
    "oslo-prinsen-mottakssenter": ("Prinsen reception centre",
                                   "Infection control, supervised injection room, field nursing "
                                   "and night shelter.", ""),
    "sth-rusteam": ("Substance use team", "One-to-one follow-up for substance problems.",
                    "Drop in or call first."),
}


# Organisations that run several of Vedlegg 4's services, named first in the
# service's name there (seed 000 L2168-2215). Any other ideell service is its
# own organisation ("Caritas", "= Oslo", "Fattighuset").
ORGANISATIONS = ("Blå Kors", "Frelsesarmeen", "Kirkens Bymisjon", "Fransiskushjelpen",
                 "Oslo Røde Kors", "Stiftelsen Retretten", "UiO")


def provider_of(name: str) -> str:
    """The organisation behind a Vedlegg 4 service: a known name it starts with, or
    the whole name (never just its first word: "Blå", "Kirkens", "=")."""
    for organisation in ORGANISATIONS:
        if name == organisation or name.startswith(organisation + " "):
            return organisation
    return name


def parse_hours(pattern: str) -> list[tuple[int, time, time]]:
    """"0-4 08:00-15:30; 5 10:00-14:00" -> [(weekday, opens, closes), ...]."""
    if not pattern:
        return []
    if pattern == DOGN:
        return [(day, time(0), time(0)) for day in range(7)]
    rows = []
    for chunk in pattern.split(";"):
        days, hours = chunk.split()
        first, _sep, last = days.partition("-")
        opens, closes = (time.fromisoformat(t) for t in hours.split("-"))
        rows += [(d, opens, closes) for d in range(int(first), int(last or first) + 1)]
    return rows


def _institution(name, kind_text, places, kjonn, eier):
    """Velferdsetaten's institutions (seed 000 L2128-2164), in our words."""
    lowered = kind_text.lower()
    if "akutt" in lowered or "korttid" in lowered:
        category, text = "bolig", "Akutt- eller korttidsplass med overnatting"
    elif "rehabilitering" in lowered:
        category, text = "behandling", "Rehabiliteringsplass over tid"
    elif "omsorg" in lowered:
        category, text = "bolig", "Omsorgsplass for lengre tid"
    else:
        category, text = "behandling", "Plass for personer med rus og psykisk lidelse"
    groups = ["rusfrie"] if "rusfri" in lowered else ["aktiv_rus"]
    if "psykisk" in lowered:
        groups = ["rop"]
    if "unge voksne" in lowered:
        groups.append("unge_voksne")
    who = {"K/M": "Kvinner og menn", "M": "Menn", "K": "Kvinner"}[kjonn]
    ideell = any(w in name for w in ("Frelsesarmeen", "bymisjon", "Stiftelsen"))
    return {
        "name": name,
        "kind": "kommunal" if eier == "K" else ("ideell" if ideell else "privat"),
        "provider_name": "Velferdsetaten" if eier == "K" else name.split(", ")[-1],
        "category": category,
        "target_groups": groups,
        "description": f"{text}. Type i Velferdsetatens oversikt: {kind_text.lower()}.",
        "target_text": f"{who}.",
        "access_routes": ["vedtak", "telefon_forst"],
        "access_text": (
            "Bydelen fatter vedtak om plass. Trenger du akutt overnatting, kontakter Nav "
            "Velferdsetatens vakttelefon; utenom kontortid kan du møte opp hos Sosial og "
            "ambulant akuttjeneste på legevakten i Storgata."
        ),
        "places": places,
        "capacity": f"{places} plasser",
        "source_ref": "seed 000 L2128-2164 (Vedlegg 3); inntak L1217, L1288",
    }


def rows(units):
    """Every demo service as (slug, fields, hours pattern)."""
    out = []
    for (slug, name, unit, provider, kind, category, groups, ages, access, hours, desc,
         target, access_text, capacity, places, source, verified) in STAVANGER:
        out.append((slug, {
            "name": name, "unit": units[unit], "provider_name": provider, "kind": kind,
            "category": category, "target_groups": groups.split(","), "age_min": ages[0],
            "age_max": ages[1], "access_routes": access.split(","), "description": desc,
            "target_text": target, "access_text": access_text, "capacity": capacity,
            "places": places, "source_ref": source, "verified_on": verified, "city": "Stavanger",
            "phone": "116 117" if slug == "stavanger-legevakt" else "",
        }, hours))
    for name, target, places, groups, ages in STAVANGER_HOUSING:
        out.append((f"stavanger-bolig-{slugify(name)}", {
            "name": f"{name} (bolig med oppfølging)", "unit": units["1103"],
            "provider_name": "Stavanger kommune", "kind": "kommunal", "category": "bolig",
            "target_groups": groups.split(","), "age_min": ages[0], "age_max": ages[1],
            "access_routes": ["vedtak"], "description": "Bolig med oppfølging fra kommunen.",
            "target_text": target, "access_text": "Søk gjennom helse- og sosialkontoret.",
            "places": places, "capacity": f"{places} plasser", "city": "Stavanger",
            "source_ref": "seed 004 L627-638 (Tabell 4)", "verified_on": VERIFIED,
        }, DOGN))
    for slug, name, groups, ages, access, hours, desc, target, category, source in STH_SERVICES:
        out.append((slug, {
            "name": name, "unit": units[STH], "provider_unit": units[STH], "kind": "kommunal",
            "category": category, "target_groups": groups.split(","), "age_min": ages[0],
            "age_max": ages[1], "access_routes": access.split(","), "description": desc,
            "target_text": target, "city": "Oslo",
            "source_ref": source + ("" if hours in ("", DOGN) else "; " + ASSUMED),
            "verified_on": OLD if slug in ("sth-oslokassa", "sth-flexbo") else VERIFIED,
        }, hours))
    for name, kind_text, places, kjonn, eier in OSLO_INSTITUTIONS:
        fields = _institution(name, kind_text, places, kjonn, eier)
        fields.update(unit=units["0301"], city="Oslo", verified_on=VERIFIED)
        out.append((f"oslo-{slugify(name)}", fields, DOGN))
    for name, kind, target, offer, category, groups, hours in OSLO_LOW_THRESHOLD:
        slug = "oslo-" + (slugify(name) or "likhetstegn-oslo")
        fields = {
            "name": name, "unit": units["0301"], "provider_name": provider_of(name)
            if kind == "ideell" else "Oslo kommune", "kind": kind, "category": category,
            "target_groups": groups.split(","), "age_min": 15 if "15-23" in target else None,
            "age_max": 23 if "15-23" in target else None,
            "access_routes": ["drop_in"], "description": offer, "target_text": target + ".",
            "city": "Oslo", "verified_on": OLD if kind == "ideell" and "Kirkens" in name
            else VERIFIED,
            "source_ref": "seed 000 L2168-2215 (Vedlegg 4); " + ASSUMED,
        }
        if name.startswith("Sosial og ambulant"):
            fields["street_address"] = "Legevakten, Storgata"  # seed 000 L1288
            fields["access_routes"] = ["drop_in", "telefon_forst"]
        out.append((slug, fields, hours))
    return out


@transaction.atomic
def load(stdout=None) -> None:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["0301", STH, "1103"])}
    created = 0
    for slug, fields, hours in rows(units):
        fields.setdefault("open_on_holidays", hours == DOGN)
        obj, was_created = Tjeneste.objects.get_or_create(slug=slug, defaults=fields)
        if not was_created:
            continue
        created += 1
        Apningstid.objects.bulk_create(
            Apningstid(tjeneste=obj, weekday=d, opens=o, closes=c) for d, o, c in
            parse_hours(hours)
        )
        if slug in ENGLISH:
            name, description, access = ENGLISH[slug]
            TjenesteOversettelse.objects.create(tjeneste=obj, language="en", name=name,
                                                description=description, access_text=access)
            obj.refresh_search_index()
    if stdout is not None:
        stdout.write(f"  {created} nye tjenester ({Tjeneste.objects.count()} i alt)")
