"""`datasud load_employment`: publish the employment referentials and load them."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.catalog.services import CatalogError
from datasud.employment.publication import ReferentialError, publish_referentials


class Command(BaseCommand):
    help = (
        "Publie dans le catalogue les référentiels emploi livrés dans "
        "datasud/employment/data/ (ROME 4.0 v60 et mobilités de France Travail, "
        "correspondance ROME → ESCO, métiers ESCO, salaires et tensions de la DARES, métiers "
        "connexes, bassins d'emploi de la région et secteurs qui recrutent de La Bonne "
        "Boîte) et charge chaque fichier dans l'entrepôt de données. "
        "Idempotent : un fichier inchangé n'est ni redéposé ni rechargé ; un fichier modifié "
        "devient une nouvelle version de sa ressource."
    )

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0

        def progress(line: str) -> None:
            if not quiet:
                self.stdout.write(line)

        try:
            report = publish_referentials(progress=progress)
        except (ReferentialError, CatalogError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if not quiet:
            changed = sum(1 for line in report if line["file"] != "inchangée")
            self.stdout.write(self.style.SUCCESS(
                f"Référentiels emploi : {len(report)} fichiers, {changed} ajoutés ou mis à "
                "jour."))
