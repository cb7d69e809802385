from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.programmes import publication
from datasud.programmes.demo import load_demo
from datasud.programmes.models import Programme
from datasud.programmes.places_csv import PlacesImportError


class Command(BaseCommand):
    help = ("Crée les programmes de démonstration (Sud Labs, Parcours Sud Smart Territoires, "
            "Coach Digital), leurs appels, les lieux France services en lieux de démonstration, "
            "des rapports d'activité et des candidatures fictives ; tout est marqué « démo ».")

    def handle(self, *args, **options):
        try:
            result = load_demo()
            # Published now, not only by the refresh the changes queued (deferred by
            # `publication.DEBOUNCE`): the home page's counts would otherwise miss the
            # indicators datasets for the first half-minute of `make run`. The queued
            # refresh then finds the file unchanged.
            published = [publication.publish(programme)[1]
                         for programme in Programme.objects.order_by("pk")]
        except PlacesImportError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        self.stdout.write(
            f"Programmes : {result['programmes']} ; lieux créés : {result['places']} ; "
            f"rapports d'activité créés : {result['reports']} ; candidatures créées : "
            f"{result['applications']} (données de démonstration) ; jeux d'indicateurs : "
            f"{', '.join(published) or 'aucun'}.")
