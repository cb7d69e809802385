"""`datasud load_reference`: load the DataSud themes and the licences."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.catalog.importers.reference import load_reference


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les tables de référence du catalogue livrées dans "
        "datasud/catalog/data/ : les 16 thèmes DataSud et les licences (avec les autres "
        "intitulés sous lesquels l'import les reconnaît). Idempotent."
    )

    def handle(self, *args, **options):
        try:
            report = load_reference()
        except (OSError, ValueError, KeyError) as exc:  # a damaged shipped file
            raise CommandError(f"Tables de référence illisibles : {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Tables de référence chargées ({report})."))
