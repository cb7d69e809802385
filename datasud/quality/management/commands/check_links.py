"""`datasud check_links [--due] [--limit N]`: check the remote resources' links.

For cron or a systemd timer, e.g. every hour: `datasud check_links --due --limit 500`.
Politeness and limits come from the LINKCHECK_* settings (see datasud/quality/linkcheck.py).
"""

from django.core.management.base import BaseCommand, CommandError

from datasud.quality import linkcheck


class Command(BaseCommand):
    help = (
        "Vérifie les liens des ressources distantes (code HTTP, type, taille) et "
        "signale les liens cassés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--due", action="store_true", help="Seulement les liens dont la vérification est due."
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Au plus N adresses, les plus en retard d'abord (par défaut "
            "LINKCHECK_MAX_PER_RUN, 500).",
        )
        parser.add_argument(
            "--url",
            action="append",
            dest="urls",
            default=None,
            help="Seulement cette adresse (option répétable).",
        )

    def handle(self, *args, due, limit, urls, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit doit être un entier positif.")
        summary = linkcheck.check_links(due=due, limit=limit, urls=urls)
        self.stdout.write(
            f"{summary.checked} adresses vérifiées : {summary.ok} répondent, "
            f"{summary.failed} en échec, {summary.broken} signalées cassées ; "
            f"{len(summary.changed_datasets)} jeux de données réévalués."
        )
