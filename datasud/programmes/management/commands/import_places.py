from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasud.programmes.models import Programme
from datasud.programmes.places_csv import PlacesImportError, import_places


class Command(BaseCommand):
    help = ("Importe des lieux depuis un CSV conforme au schéma national des lieux de "
            "médiation numérique : chaque ligne est vérifiée, le fichier est importé en "
            "entier ou pas du tout.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV (UTF-8, séparateur , ou ;)")
        parser.add_argument("--programme", default="sud-labs",
                            help="identifiant du programme des lieux (défaut : sud-labs)")
        parser.add_argument("--demo", action="store_true",
                            help="marquer les lieux comme données de démonstration")

    def handle(self, *args, file: str, programme: str, demo: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"Programme inconnu : {programme} (voir `datasud "
                               "load_programmes_demo` ou l'administration).")
        try:
            result = import_places(path.read_bytes(), found, is_demo=demo)
        except PlacesImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result['created']} lieu(x) créé(s), {result['updated']} mis à "
                          "jour.")
