"""Demo data: the 85 indicators of the escalation plan's evaluation (seed 001).

Loaded through the same imports a user runs: the definitions from
``demo_data/opptrappingsplanen-definisjoner.csv`` (titles in our own short
words, each row citing its seed line) and the national values 2016-2018 from
``demo_data/opptrappingsplanen-norge.csv`` in the seed's wide layout, as
printed (Tables 5.1-11.1, L1084-1653).

Wanted direction (``retning``). The seed never tabulates it (seed-notes §2.5);
our choices, and why:

=====================  ========  ===============================================
indicators             retning   reason
=====================  ========  ===============================================
1, 2                   none      yearly increments of money; the seed prints no
                                 change for them (L1087-1088), so no judgement
3-5, 8, 24, 39, 47     up        resources: the plan is an escalation of
                                 resources (L105, L243; årsverk growth read as
                                 progress, L159)
6                      up        golden rule: met when the ratio is above 1
                                 (L1172); shown as rule met / not met
7, 25-38, 42-43, 45-46 up        the main goals ask for more user influence,
52-55, 57-93                     early help, available services, an active life
                                 and more alternative sanctions (L115-121);
                                 88 falling is called negative (L1634)
9-10                   down      deaths from drugs and alcohol (L1224: fewer
                                 overdoses «positiv utvikling»)
11-14                  down      fewer sanctions and child-welfare reports read
                                 as positive (L1226)
15 / 16                up / down share with green / red or blålys levekår (L1264)
19-23                  down      use of alcohol and cannabis: the plan aims at
                                 less harm (effect indicators, L314)
44                     unknown   more reports on children's own use may mean
                                 earlier detection or more use; the seed does not
                                 say
56                     down      waiting time to treatment (L1520-1535)
=====================  ========  ===============================================

Type: the printed label is a merged cell; we read it as applying from its row
down (seed-notes §2.3). Where a page break lost it (56-68, 76-86) the type is
``ukjent``. Tables 5.1 and 6.1 have no column: innsats (L1174) and effekt
(L1230).

Breaks and revisions (``demo_data/opptrappingsplanen-brudd.csv``, each row
citing its seed line, loaded after the values): indicator 32 breaks in 2018
(new answer categories, «brudd i tidsserien», L387, L1302), so no change is
computed into 2018. Indicators 39, 92 and 93 were redefined (L1430, L1651,
L1628), but the seed prints every year on the new definition («sammenlignbar
over tid», L1628), so they carry a note and no break; so do the revised
figures of indicators 2 and 91 (L1100, L1653) and the levekårsindeks shares
15 and 16 for 2018, which Fafo gives in the weighted version comparable with
2017 (L380, L1270).

Municipal values (Oslo, Bergen, Stavanger; indicators 15, 16, 30, 77, 84) are
ILLUSTRATIVE demo values, not statistics, and say so in their merknad, so that
the comparison of units has something to show. Bergen's 2016-2018 values
belong to Bergen 1201 and its 2020 values to Bergen 4601 (new number at the
2020 reform); the successor's series reaches back through the reform with a
break. Stavanger gets no 2020 values: its plan report reads 2018 (planer tests).
"""

import csv
import io
from pathlib import Path

from django.db import transaction

from rusfelt.core.models import OrgUnit

from . import services
from .models import Gruppe, Indikatorsett

DATA = Path(__file__).resolve().parent / "demo_data"
SLUG = "opptrappingsplanen-2016-2020"

GROUPS = [
    # code, name, goal text in our words, is a main goal
    ("OI", "Overordnet innsats", "Ressurser og kunnskapsutvikling (seed 001 L1098).", False),
    ("SE", "Samfunnseffekter", "Utviklingen i samfunnet som helhet (seed 001 L1230).", False),
    ("HM1", "Hovedmål 1: Brukerinnflytelse",
     "Reell innflytelse for brukerne: fritt behandlingsvalg, brukerstyrte løsninger og "
     "medvirkning i utformingen av tjenestene (seed 001 L115).", True),
    ("HM2", "Hovedmål 2: Tidlig innsats",
     "Den som står i fare for å utvikle et rusproblem, fanges opp og får hjelp tidlig "
     "(seed 001 L117).", True),
    ("HM3", "Hovedmål 3: Tilgjengelige tjenester",
     "Alle møter tjenester som er tilgjengelige, varierte og henger sammen (seed 001 L119).",
     True),
    ("HM4", "Hovedmål 4: Aktiv og meningsfylt tilværelse",
     "Alle skal ha et aktivt og meningsfylt liv (seed 001 L120).", True),
    ("HM5", "Hovedmål 5: Alternative straffereaksjoner",
     "Flere alternative straffereaksjoner og soningsformer, og bedre rusbehandling i "
     "fengslene (seed 001 L121, L181).", True),
]

ILLUSTRATIVE = "Illustrativ demoverdi, ikke offisiell statistikk"
# unit code -> indicator -> (2016, 2017, 2018); invented, plausible shares
MUNICIPAL = {
    "0301": {15: (4, 4, 3), 16: (64, 65, 66), 30: (70, 71, 73), 77: (62, 63, 61),
             84: (8, 9, 9)},
    "1201": {15: (6, 6, 7), 16: (58, 57, 55), 30: (60, 63, 66), 77: (70, 69, 72),
             84: (12, 12, 14)},
    "1103": {15: (5, 5, 6), 16: (61, 62, 60), 30: (72, 70, 71), 77: (68, 70, 71),
             84: (10, 11, 13)},
}
# After the 2020 reform: unit code -> indicator -> 2020 value (invented).
MUNICIPAL_2020 = {
    "4601": {15: 7, 16: 54, 30: 67, 77: 71, 84: 14},
}


def _municipal_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indikator", "enhet", "ar", "verdi", "merknad"])
    for code, indicators in MUNICIPAL.items():
        for number, values in indicators.items():
            for year, value in zip((2016, 2017, 2018), values, strict=True):
                writer.writerow([number, code, year, value, ILLUSTRATIVE])
    for code, indicators in MUNICIPAL_2020.items():
        for number, value in indicators.items():
            writer.writerow([number, code, 2020, value, ILLUSTRATIVE])
    return out.getvalue().encode()


@transaction.atomic
def load(stdout=None):
    sett, _ = Indikatorsett.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Opptrappingsplanen for rusfeltet 2016–2020",
            "description": "Indikatorsettet fra Fafos evaluering av opptrappingsplanen, "
            "tredje statusrapport (Fafo-rapport 2019:33).",
            "baseline_year": 2016,
            "source_ref": "seed 001 L318-341",
            "owner": OrgUnit.objects.filter(code="0").first(),
        },
    )
    for order, (code, name, text, is_goal) in enumerate(GROUPS, start=1):
        Gruppe.objects.update_or_create(
            sett=sett, code=code,
            defaults={"name": name, "goal_text": text, "is_goal": is_goal, "order": order},
        )
    definitions = (DATA / "opptrappingsplanen-definisjoner.csv").read_bytes()
    defs = services.import_definitions(sett, definitions, "definisjoner.csv")
    national = (DATA / "opptrappingsplanen-norge.csv").read_bytes()
    values = services.import_values(sett, national, "norge.csv", default_unit_code="0")
    breaks = (DATA / "opptrappingsplanen-brudd.csv").read_bytes()
    services.import_values(sett, breaks, "brudd.csv")
    municipal = services.import_values(sett, _municipal_csv(), "kommuner.csv")
    services.kartlegging_set()
    if stdout is not None:
        stdout.write(
            f"Indikatorer: {sett.indikatorer.count()} indikatorer i {sett.slug} "
            f"({defs['created']} nye), {values['created'] + municipal['created']} nye verdier.\n"
        )
