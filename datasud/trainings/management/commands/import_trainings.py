"""`datasud import_trainings --format lheo|mcf FILE`: import training offers."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.trainings.importers.base import TrainingImportError
from datasud.trainings.services import import_file


class Command(BaseCommand):
    help = (
        "Importe des offres de formation depuis un fichier LHEO 2.x (XML des Carif-Oref) ou "
        "le catalogue MonCompteFormation (CSV open data de la Caisse des Dépôts). Tout ou "
        "rien : un fichier en erreur ne change aucune offre. Réimporter un fichier met à "
        "jour les offres de même identifiant."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier à importer")
        parser.add_argument("--format", required=True, choices=["lheo", "mcf"],
                            help="lheo (XML) ou mcf (CSV MonCompteFormation)")
        parser.add_argument("--demo", action="store_true",
                            help="marquer les offres comme « exemple de démonstration »")
        parser.add_argument("--remove-missing", action="store_true",
                            help="retirer les offres de ce format absentes du fichier")
        parser.add_argument("--region", default=None,
                            help="mcf : ne garder que les lignes de ce code région (93)")
        parser.add_argument("--no-rome-inference", action="store_true",
                            help="ne pas déduire les métiers ROME de l'intitulé")

    def _search(self):
        """The engine's title search, to infer ROME codes, built only if an offer needs it;
        when the referentials are not loaded, no code is inferred (one warning)."""
        from datasud.employment.engine import EngineError
        from datasud.employment.services import current_engine

        engine, failed = [], []

        def search(text: str) -> dict:
            if failed:
                raise failed[0]
            if not engine:
                try:
                    engine.append(current_engine())
                except EngineError as exc:
                    self.stderr.write(f"Métiers ROME non déduits : {exc}")
                    failed.append(exc)
                    raise
            return engine[0].search(text)

        return search

    def handle(self, *args, file: str, demo: bool, remove_missing: bool,
               region: str | None, no_rome_inference: bool, **options):
        source = options["format"]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        if region is not None and not (region.isdigit() and len(region) == 2):
            raise CommandError("--region attend un code région Insee à deux chiffres (93).")
        try:
            search = None if no_rome_inference else self._search()
            batch, warnings = import_file(path, source, is_demo=demo,
                                          remove_missing=remove_missing, region=region,
                                          search=search)
        except TrainingImportError as exc:
            raise CommandError(f"{path.name} : {exc} Aucune offre n'a été modifiée.") from exc
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {file} : {exc.strerror}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if options["verbosity"]:
            for line in warnings[:50]:
                self.stderr.write(line)
            if len(warnings) > 50:
                self.stderr.write(f"… et {len(warnings) - 50} autres avertissements.")
            label = " (exemple de démonstration)" if demo else ""
            self.stdout.write(self.style.SUCCESS(
                f"{path.name}{label} : {batch.created} offres ajoutées, {batch.updated} mises "
                f"à jour, {batch.removed} retirées."))
