"""`datasud load_datastore_demo`: publish a few real files and load them into the datastore."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.datastore.demo import load_datastore_demo


class Command(BaseCommand):
    help = ("Publie quelques fichiers publics réels (espaces France Services, sites mobiles "
            "ARCEP, exemple du standard de la médiation numérique) et les charge dans "
            "l'entrepôt de données. Sans effet sur ce qui est déjà chargé.")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(title: str) -> None:
            if verbosity:
                self.stdout.write(f"Chargement : {title}")

        try:
            summaries = load_datastore_demo(progress)
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        failed = [s for s in summaries if s.get("status") == "failed"]
        if verbosity:
            for summary in summaries:
                self.stdout.write(f"  {summary}")
        if failed:
            raise CommandError(f"{len(failed)} chargement(s) en échec : {failed}")
