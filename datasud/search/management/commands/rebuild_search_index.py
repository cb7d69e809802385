"""`datasud rebuild_search_index`: rebuild the full-text index of datasets from scratch."""
from django.core.management.base import BaseCommand
from tqdm import tqdm

from datasud.catalog.models import Dataset
from datasud.search import indexing
from datasud.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of datasets from the catalogue (SQLite FTS5 or "
        "PostgreSQL, following the database). Safe while the site runs: searches read the "
        "old index until the new one is complete. Needed after loading data by hand or "
        "restoring a backup; the catalogue's own changes keep the index up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true",
                            help="Do not show the progress bar (for cron jobs and logs).")

    def handle(self, *args, no_progress: bool = False, **options):
        backend = get_backend()
        with tqdm(total=Dataset.objects.count(), unit="dataset", desc="Indexing",
                  disable=no_progress or options["verbosity"] == 0) as bar:
            count = indexing.rebuild(progress=bar.update)
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                f"{count} datasets indexed ({type(backend).__name__})."
            ))
