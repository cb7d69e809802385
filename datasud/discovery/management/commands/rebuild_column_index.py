"""`datasud rebuild_column_index`: index the columns of every current datastore table again
(after a restore, or a change of `kinds.py`); new versions are indexed as they load."""

from django.core.management.base import BaseCommand

from datasud.discovery.columns import rebuild


class Command(BaseCommand):
    help = (
        "Indexe à nouveau les colonnes de toutes les tables servies par l'entrepôt "
        "(recherche par colonne)."
    )

    def handle(self, *args, **options) -> None:
        count = rebuild()
        self.stdout.write(f"{count} colonnes indexées.")
