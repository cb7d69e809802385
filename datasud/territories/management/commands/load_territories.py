"""`datasud load_territories`: load the région, départements, EPCI and communes."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from datasud.territories.loaders import TerritoryDataError, load_territories


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les territoires de la Région Sud (région, 6 départements, "
        "52 EPCI, 946 communes) à partir des fichiers livrés dans datasud/territories/data/. "
        "Idempotent : relancer la commande met les territoires à jour sans doublon."
    )

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0
        with tqdm(desc="Territoires", unit=" territoires", disable=quiet) as bar:
            try:
                report = load_territories(progress=bar)
            except TerritoryDataError as exc:
                raise CommandError(str(exc)) from exc
            except DatabaseError as exc:
                raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                                   "lancez d'abord `datasud migrate`.") from exc
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"Territoires chargés : {report}"))
