"""`datasud mobility_proposals`: every fiche's ranked mobility proposals, as CSV."""
import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from datasud.employment.engine import Engine, EngineError


class Command(BaseCommand):
    help = (
        "Écrit, pour chacune des fiches du ROME, ses N meilleures propositions de mobilité "
        "calculées sans les mobilités officielles sortantes de cette fiche (en-tête "
        "code_rome,code_rome_cible,rank ; rang 1 = la meilleure). Lit les référentiels "
        "chargés par `datasud load_employment`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=20,
                            help="propositions par fiche (1 à 100, 20 par défaut)")
        parser.add_argument("--output", default="-",
                            help="fichier CSV à écrire (« - » : sortie standard)")

    def handle(self, *args, top: int, output: str, **options):
        if not 1 <= top <= 100:
            raise CommandError("--top doit être compris entre 1 et 100.")
        try:
            engine = Engine.from_datastore()
        except EngineError as exc:
            raise CommandError(str(exc)) from exc
        try:
            stream = (sys.stdout if output == "-"
                      else open(output, "w", newline="", encoding="utf-8"))  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire {output} : {exc.strerror}.") from exc
        rows = 0
        try:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["code_rome", "code_rome_cible", "rank"])
            for code in sorted(engine.fiches):
                for rank, proposal in enumerate(engine.mobility.propose(code, top), 1):
                    writer.writerow([code, proposal.code_rome, rank])
                    rows += 1
        finally:
            if stream is not sys.stdout:
                stream.close()
        if output != "-" and options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"{rows} propositions pour {len(engine.fiches)} fiches écrites dans {output}."))
