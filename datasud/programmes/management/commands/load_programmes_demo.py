from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.programmes.demo import load_demo
from datasud.programmes.places_csv import PlacesImportError


class Command(BaseCommand):
    help = ("Crée les programmes de démonstration (Sud Labs, Parcours Sud Smart Territoires, "
            "Coach Digital), leurs appels, les lieux France services en lieux de démonstration, "
            "des rapports d'activité et des candidatures fictives ; tout est marqué « démo ».")

    def handle(self, *args, **options):
        try:
            result = load_demo()
        except PlacesImportError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        self.stdout.write(
            f"Programmes : {result['programmes']} ; lieux créés : {result['places']} ; "
            f"rapports d'activité créés : {result['reports']} ; candidatures créées : "
            f"{result['applications']} (données de démonstration).")
