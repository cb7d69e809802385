"""`datasud import_catalog PATH`: import a data.gouv.fr catalogue CSV export."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from datasud.catalog.importers import CatalogImportError, ImportReport, import_catalog_csv
from datasud.search import indexing

# Bad lines and warnings shown one by one; beyond that, only their number.
SHOWN = 30


class Command(BaseCommand):
    help = (
        "Importe un export CSV du catalogue data.gouv.fr (séparé par « ; », éventuellement "
        "compressé en .gz) : un jeu de données publié par ligne, avec son producteur, ses "
        "mots-clés, sa licence, ses thèmes, sa couverture territoriale et une ressource "
        "distante par format. Relancer l'import sur le même fichier met à jour les jeux déjà "
        "importés (repérés par la colonne « id ») sans les dupliquer. Les lignes invalides sont "
        "signalées avec leur numéro et ignorées. Code de sortie 1 si le fichier est illisible "
        "ou n'est pas un export du catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier CSV (.csv ou .csv.gz) à importer.")
        parser.add_argument(
            "--no-reindex", action="store_true",
            help="Ne pas reconstruire l'index de recherche à la fin "
                 "(lancer ensuite `datasud rebuild_search_index`).",
        )

    def handle(self, *args, path, no_reindex, **options):
        verbosity = options["verbosity"]
        with tqdm(desc="Import", unit=" lignes", disable=verbosity == 0) as bar:
            try:
                # The index is rebuilt below, with its own progress bar.
                report = import_catalog_csv(path, progress=bar, reindex=False)
            except CatalogImportError as exc:
                raise CommandError(str(exc)) from exc
            except DatabaseError as exc:
                raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                                   "lancez d'abord `datasud migrate`.") from exc
        self.print_report(report, verbosity)
        if not no_reindex:
            rebuild_search_index(verbosity)

    def print_report(self, report: ImportReport, verbosity: int) -> None:
        if verbosity == 0:
            return
        for title, entries, style in (("Lignes ignorées", report.errors, self.style.ERROR),
                                      ("Avertissements", report.warnings, self.style.WARNING)):
            if not entries or (entries is report.warnings and verbosity < 2
                               and len(entries) > SHOWN):
                continue
            self.stdout.write(style(f"{title} :"))
            for line, message in entries[:SHOWN]:
                where = f"ligne {line}" if line else "fichier"
                self.stdout.write(f"  {where} : {message}")
            if len(entries) > SHOWN:
                self.stdout.write(f"  … et {len(entries) - SHOWN} de plus.")
        if report.warnings and verbosity < 2 and len(report.warnings) > SHOWN:
            self.stdout.write(self.style.WARNING(
                f"{len(report.warnings)} avertissements (détail avec --verbosity 2)."))
        summary = f"Import terminé : {report}."
        if report.errors:
            self.stdout.write(self.style.WARNING(
                f"{summary} Attention : {len(report.errors)} lignes n'ont pas été importées."))
        else:
            self.stdout.write(self.style.SUCCESS(summary))


def rebuild_search_index(verbosity: int) -> None:
    with tqdm(desc="Index de recherche", unit=" jeux", disable=verbosity == 0) as bar:
        indexing.rebuild(progress=bar.update)
