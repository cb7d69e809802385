from django.core.management.base import BaseCommand, CommandError

from datasud.programmes.models import Place
from datasud.programmes.places_csv import export_places


class Command(BaseCommand):
    help = "Exporte les lieux en CSV conforme au schéma national des lieux de médiation."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="-", help="fichier de sortie (défaut : -)")
        parser.add_argument("--programme", default="", help="seulement ce programme")

    def handle(self, *args, output: str, programme: str, **options):
        places = Place.objects.order_by("local_id")
        if programme:
            places = places.filter(programme__slug=programme)
        if output == "-":
            count = export_places(places.iterator(), self.stdout)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = export_places(places.iterator(), out)
            except OSError as exc:
                raise CommandError(f"Impossible d'écrire {output} : {exc}") from exc
        self.stderr.write(f"{count} lieu(x) exporté(s).")
