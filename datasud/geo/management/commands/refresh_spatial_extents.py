"""`datasud refresh_spatial_extents`: recompute every dataset's extent (search by map area)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.geo.extent import refresh_all


class Command(BaseCommand):
    help = ("Recalcule l'emprise géographique de chaque jeu de données (celle de ses tables "
            "géographiques, sinon de ses territoires déclarés), que lit la recherche par zone.")

    def handle(self, *args, **options):
        try:
            changed = refresh_all()
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Emprises recalculées : {changed} modifiées."))
