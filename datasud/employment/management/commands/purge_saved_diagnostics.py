"""`datasud purge_saved_diagnostics`: delete the saved diagnostics past their expiry date.

Run it daily (cron, systemd timer): a saved diagnostic is kept 12 months, then deleted.
Expired ones are also deleted when their link is opened, and never shown after expiry.
"""
from django.core.management.base import BaseCommand

from datasud.employment.models import SavedDiagnostic


class Command(BaseCommand):
    help = "Supprime les diagnostics enregistrés dont la durée de conservation est passée."

    def handle(self, *args, **options):
        deleted, _by_model = SavedDiagnostic.objects.expired().delete()
        remaining = SavedDiagnostic.objects.count()
        self.stdout.write(f"{deleted} diagnostic(s) expiré(s) supprimé(s), "
                          f"{remaining} conservé(s).")
