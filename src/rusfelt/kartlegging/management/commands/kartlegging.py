"""``rusfelt kartlegging``: rounds, import, results and retention from the command line.

    rusfelt kartlegging opprett-runde 030104-2019 --hjemmel TEKST --formal TEKST --dpia REF
    rusfelt kartlegging status 030104-2019 closed
    rusfelt kartlegging import --runde 030104-2019 fil.csv [--dry-run]
    rusfelt kartlegging import-samlet 030104-2019.csv 030105-2019.csv ... [--dry-run]
    rusfelt kartlegging resultater --runde 030104-2019 [--upublisert --bruker NAVN] --format csv
    rusfelt kartlegging liste
    rusfelt kartlegging slett-utlopte
    rusfelt kartlegging revisjon --enhet 0301 --ar 2019
    rusfelt kartlegging publisert --enhet 0301 --ar 2019 --format json
    rusfelt kartlegging publiser-sum --enhet 0 --ar 2019

Import columns (header row, lower case): fodselsnummer, tjeneste
(nav|helse_omsorg|barnevern|annen), kategori (rus|psykisk|rus_psykisk), the
eight areas bolig, arbeid_aktivitet, okonomi, fysisk_helse, psykisk_helse,
rusmiddelbruk, sosial_fungering, nettverk (gronn|gul|rod, also grønn|rød).
Optional: informert (ja|nei, default nei), ikke_informert_grunn,
varighet_over_3_ar, selvmordsforsok, selvmordsfare, overdose, overdosefare,
vold_utsatt, vold_utover, individuell_plan, tiltaksplan, kriseplan,
ansvarsgruppe, koordinator (ja|nei|blank), fodested
(norge|europa|utenfor_europa|ukjent), bosituasjon
(alene|partner|familie_venner|uklar), antall_barn (number), barn_kontakt
(omsorg|samvaer|ingen_kontakt), kommunale_tjenester, spesialist_tjenester,
anbefalte_tiltak (keys separated by space or |): kommunale_tjenester from
bo_oppfolging, hjemmetjenester, ruskonsulent, aktivitetstilbud, lavterskel,
okonomisk_radgivning, bolig_med_bemanning; spesialist_tjenester from
tsb_poliklinisk, tsb_dogn, dps, lar, fact_act; anbefalte_tiltak from
arbeidsrettede_tiltak, bolig, bo_oppfolging, behandling, aktivitet,
nettverk_parorende. Age and legal sex come from the number; the number is
never stored or echoed.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.models import OrgUnit
from rusfelt.core.uploads import limits, read_path
from rusfelt.kartlegging import services
from rusfelt.kartlegging.models import Runde, State


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ugyldig dato «{value}»; bruk ÅÅÅÅ-MM-DD.") from None


class Command(BaseCommand):
    help = "Kartleggingsrunder: opprett, endre status, importer, resultater, sletting."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("opprett-runde", help="Opprett en åpen runde.")
        create.add_argument("code")
        create.add_argument("--hjemmel", default="")
        create.add_argument("--formal", default="")
        create.add_argument("--dpia", default="")
        create.add_argument("--tjenester", default="nav,helse_omsorg,barnevern,annen")
        create.add_argument("--referansedato", type=_date)
        create.add_argument("--apner", type=_date)
        create.add_argument("--frist", type=_date)
        status = sub.add_parser("status", help="Flytt en runde til ny status.")
        status.add_argument("code")
        status.add_argument("state", choices=[s.value for s in State])
        status.add_argument("--begrunnelse", default="")
        imp = sub.add_parser(
            "import", help="Importer registreringer (CSV/XLSX), alt eller intet.",
            description=__doc__.split("\n\n", 2)[2],
            formatter_class=argparse.RawDescriptionHelpFormatter)
        imp.add_argument("--runde", required=True)
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        batch = sub.add_parser(
            "import-samlet",
            help="Importer flere filer samlet, hver til runden filen er oppkalt etter "
                 "(030104-2019.csv til runde 030104-2019): alt eller intet for alle filene.",
            description=__doc__.split("\n\n", 2)[2],
            formatter_class=argparse.RawDescriptionHelpFormatter)
        batch.add_argument("files", nargs="+", metavar="fil")
        batch.add_argument("--dry-run", action="store_true")
        res = sub.add_parser("resultater", help="Skriv resultatene som tabell,rad,kolonne,verdi.")
        res.add_argument("--runde", required=True)
        res.add_argument("--upublisert", action="store_true",
                         help="Vis tallene uten prikking (bare for enhetens egen bruk). "
                              "Krever --bruker med rollen planlegger på enheten. Uten dette "
                              "prikkes små tall (1-4) med sekundærprikking.")
        res.add_argument("--bruker", default="",
                         help="Brukernavnet uttaket gjøres som; logges.")
        res.add_argument("--publisert", action="store_true",
                         help="Uten virkning: prikking er standard (beholdt for gamle skript).")
        res.add_argument("--format", choices=["csv"], default="csv")
        rev = sub.add_parser(
            "revisjon", help="Angrip det publiserte som en utenforstående: intervall for "
                             "hver prikket celle; avslutter med kode 1 om noe er avslørt.")
        rev.add_argument("--enhet", required=True)
        rev.add_argument("--ar", required=True, type=int)
        pub = sub.add_parser("publisert", help="Skriv det som er publisert for enheten og "
                                               "enhetene under den.")
        pub.add_argument("--enhet", required=True)
        pub.add_argument("--ar", required=True, type=int)
        pub.add_argument("--format", choices=["json"], default="json")
        psum = sub.add_parser("publiser-sum", help="Publiser summen av de publiserte rundene "
                                                   "under en enhet (landet: én gang i året).")
        psum.add_argument("--enhet", required=True)
        psum.add_argument("--ar", required=True, type=int)
        sub.add_parser("liste", help="List rundene.")
        sub.add_parser("slett-utlopte", help="Slett registreringer etter lagringstiden.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action.replace("-", "_"))(**options)
        except services.KartleggingError as exc:
            raise CommandError(str(exc)) from None

    def _round(self, code):
        runde = Runde.objects.select_related("unit").filter(code=code).first()
        if runde is None:
            raise CommandError(f"Runden {code} finnes ikke.")
        return runde

    def handle_opprett_runde(self, code, hjemmel, formal, dpia, tjenester, referansedato,
                             apner, frist, **_):
        runde = services.create_round(
            code, hjemmel=hjemmel, formal=formal, dpia_ref=dpia,
            tjenester=[t.strip() for t in tjenester.split(",") if t.strip()],
            reference_date=referansedato, opens=apner, deadline=frist)
        self.stdout.write(f"Runde {runde.code} er opprettet og åpen "
                          f"(referansedato {runde.reference_date:%d.%m.%Y}).")

    def handle_status(self, code, state, begrunnelse, **_):
        runde = services.change_state(self._round(code), state, reason=begrunnelse)
        self.stdout.write(f"Runde {runde.code}: {State(runde.state).label}.")

    def handle_import(self, runde, file, dry_run, **_):
        target = self._round(runde)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Filen {file} finnes ikke.")
        err = self.stderr

        def progress(done, total):
            if total >= 2000:
                err.write(f"\r{done}/{total} rader kontrollert", ending="")
                if done == total:
                    err.write("")

        try:
            n = services.import_registrations(target, read_path(path), path.name,
                                              progress=progress, dry_run=dry_run)
        except InvalidRows as exc:
            raise CommandError(
                f"Importen er avvist, ingenting er lagret ({len(exc.errors)} feil):\n"
                + "\n".join(str(e) for e in exc.errors)) from None
        except TableError as exc:
            raise CommandError(str(exc)) from None
        verb = "ville blitt importert (prøvekjøring)" if dry_run else "er importert"
        self.stdout.write(f"{n} registreringer {verb} i {target.code}.")

    def handle_import_samlet(self, files, dry_run, **_):
        paths = [Path(file) for file in files]
        codes = [services.round_code_of(path.name) for path in paths]
        rounds = Runde.objects.select_related("unit").in_bulk(codes, field_name="code")
        unknown = [path.name for path, code in zip(paths, codes, strict=True)
                   if code not in rounds]
        if unknown:
            raise CommandError("Finner ingen runde med samme navn som filen (030104-2019.csv "
                               "for runde 030104-2019): " + ", ".join(unknown)
                               + ". Ingenting er lagret.")
        # The files' sizes on disk first: a batch over one import's bound is refused
        # before any file is read, as the browser refuses one while it arrives.
        try:
            services.check_batch_size(
                sum(path.stat().st_size for path in paths if path.is_file()), limits())
        except services.KartleggingError as exc:
            raise CommandError(str(exc)) from None
        batch = []
        for path, code in zip(paths, codes, strict=True):
            try:
                batch.append((rounds[code], read_path(path), path.name))
            except TableError as exc:
                raise CommandError(f"{path.name}: {exc}") from None
        err = self.stderr

        def progress(done, total):
            if total >= 20:
                err.write(f"\r{done}/{total} filer kontrollert", ending="")
                if done == total:
                    err.write("")

        try:
            counts = services.import_batch(batch, progress=progress, dry_run=dry_run)
        except services.InvalidFiles as exc:
            raise CommandError(
                f"Importen er avvist, ingenting er lagret ({len(exc.errors)} feil i "
                f"{len(exc.problems)} av {len(batch)} filer):\n" + "\n".join(exc.errors)
            ) from None
        verb = "ville blitt importert (prøvekjøring)" if dry_run else "er importert"
        self.stdout.write(f"{sum(counts)} registreringer {verb} i {len(counts)} runder.")

    def handle_resultater(self, runde, upublisert, bruker, format, **_):
        target = self._round(runde)
        user = None
        if bruker:
            user = get_user_model().objects.filter(username=bruker, is_active=True).first()
            if user is None:
                raise CommandError(f"Finner ingen aktiv bruker «{bruker}».")
        try:
            data = services.results_for_export(target, fmt=format, unsuppressed=upublisert,
                                               user=user)
        except PermissionError as exc:
            raise CommandError(str(exc)) from None
        services.results_csv(data, self.stdout)

    def _unit(self, code):
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Enheten {code} finnes ikke.")
        return unit

    def handle_revisjon(self, enhet, ar, **_):
        """One line per suppressed cell with the outsider's interval, then a summary."""
        unit = self._unit(enhet)
        own, elsewhere, pubs = services.revisjon(unit, ar)
        if not pubs:
            raise CommandError(f"Ingenting er publisert for {unit.name} i {ar}.")
        for interval in [*own, *elsewhere]:
            verdict = "AVSLØRT" if interval.exposed else "ok"
            self.stdout.write(f"{'/'.join(interval.key):60} {interval.text():>14}  {verdict}")
        exposed = [i for i in [*own, *elsewhere] if i.exposed]
        methods = sorted({p.metode for p in pubs})
        self.stdout.write(
            f"{len(pubs)} publiserte tabellsett, {len(own)} prikkede celler, "
            f"{len(exposed)} avslørt (mindre enn 5 mulige verdier eller største verdi under 5). "
            f"Metode: {', '.join(methods)}.")
        if exposed:
            sys.stdout.flush()
            sys.exit(1)

    def handle_publisert(self, enhet, ar, **_):
        data = services.published_json(self._unit(enhet), ar)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def handle_publiser_sum(self, enhet, ar, **_):
        pub = services.publish_sum(self._unit(enhet), ar)
        self.stdout.write(f"Summen {pub.set_id} er publisert ({len(pub.members)} runder, "
                          f"metode {pub.metode}).")

    def handle_liste(self, **_):
        rounds = (Runde.objects.select_related("unit").annotate(n=Count("registreringer"))
                  .order_by("unit__path", "year"))
        for runde in rounds:
            self.stdout.write(f"{runde.code:14} {State(runde.state).label:10} {runde.n:6} "
                              f"{runde.unit.name}")

    def handle_slett_utlopte(self, **_):
        done = services.apply_retention()
        for code, count in done:
            self.stdout.write(f"{code}: {count} registreringer slettet, aggregatene er beholdt.")
        if not done:
            self.stdout.write("Ingen runder har passert lagringstiden.")
        sys.stdout.flush()
