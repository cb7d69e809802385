"""`datasud recompute_quality`: store every dataset's metadata quality score again.

Scores follow every change through signals; run this daily (cron or systemd timer) for the
update-frequency criterion, which time alone can fail, and after bulk imports.
"""

from django.core.management.base import BaseCommand

from datasud.catalog.models import Dataset
from datasud.quality import services


class Command(BaseCommand):
    help = "Recalcule le score de qualité des métadonnées de tous les jeux de données."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Seulement ces jeux de données.")

    def handle(self, *args, slugs, **options):
        if slugs:
            ids = list(Dataset.objects.filter(slug__in=slugs).values_list("id", flat=True))
            if len(ids) != len(set(slugs)):
                self.stderr.write("Certains jeux de données sont introuvables.")
            changed = services.recompute(ids)
            total = len(ids)
        else:
            changed = services.recompute_all()
            total = Dataset.objects.count()
        self.stdout.write(f"{total} jeux de données évalués, {changed} scores modifiés.")
