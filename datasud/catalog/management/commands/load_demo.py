"""`datasud load_demo`: a platform ready to explore (territories, reference tables, the real
DataSud catalogue, a few demo reuses, the search index)."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from datasud.catalog.importers import CatalogImportError, import_catalog_csv
from datasud.catalog.importers.demo import DEMO_CATALOGUE, load_demo_extras
from datasud.catalog.importers.reference import load_reference
from datasud.catalog.models import Dataset
from datasud.search import indexing
from datasud.territories.loaders import TerritoryDataError, load_territories


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : territoires de la Région Sud, thèmes et "
        "licences, le catalogue DataSud réel (2 382 jeux de données, export data.gouv.fr de "
        "janvier 2026), quelques réutilisations fictives signalées comme telles, puis "
        "reconstruit l'index de recherche. La base doit être migrée (`datasud migrate`). "
        "Relancer la commande met à jour sans dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Ne rien faire si le catalogue contient déjà des jeux de données "
                 "(utilisé par `make run` à chaque démarrage).",
        )

    def handle(self, *args, if_empty, **options):
        verbosity = options["verbosity"]
        try:
            has_datasets = Dataset.objects.exists()
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if if_empty and has_datasets:
            if verbosity:
                self.stdout.write("Le catalogue contient déjà des jeux de données : "
                                  "données de démonstration non chargées.")
            return
        quiet = verbosity == 0
        start = time.monotonic()
        try:
            with tqdm(desc="Territoires", unit=" territoires", disable=quiet) as bar:
                territories = load_territories(progress=bar)
            reference = load_reference()
            with tqdm(desc="Catalogue", unit=" jeux", disable=quiet) as bar:
                report = import_catalog_csv(DEMO_CATALOGUE, progress=bar, reindex=False)
            extras = load_demo_extras()
            with tqdm(desc="Index de recherche", unit=" jeux", disable=quiet) as bar:
                indexed = indexing.rebuild(progress=bar.update)
        except (TerritoryDataError, CatalogImportError, OSError, ValueError) as exc:
            raise CommandError(f"Chargement des données de démonstration impossible : {exc}") \
                from exc
        if quiet:
            return
        self.stdout.write(f"Territoires : {territories}")
        self.stdout.write(f"Tables de référence : {reference}")
        self.stdout.write(f"Catalogue : {report}")
        for line, message in report.errors:
            self.stdout.write(self.style.WARNING(f"  ligne {line} : {message}"))
        self.stdout.write(f"Démonstration : {extras['reuses']} réutilisations fictives, "
                          f"{extras['partners']} partenariat de démonstration (Région)")
        self.stdout.write(self.style.SUCCESS(
            f"Données de démonstration chargées en {time.monotonic() - start:.1f} s "
            f"({indexed} jeux de données indexés)."))
