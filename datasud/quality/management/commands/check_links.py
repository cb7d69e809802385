"""`datasud check_links [--due] [--limit N]`: check the remote resources' links.

For cron or a systemd timer, e.g. every hour: `datasud check_links --due --limit 500`.
Politeness and limits come from the LINKCHECK_* settings (see datasud/quality/linkcheck.py).
One run at a time (datasud/quality/lease.py): when another run holds the lease, the command
says so and exits with code 75 (EX_TEMPFAIL, "try again later"), which cron and systemd
need not report as a crash.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from datasud.quality import linkcheck
from datasud.quality.lease import LinkCheckBusy

# sysexits.h: a temporary failure, the next run will do.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Vérifie les liens des ressources distantes (code HTTP, type, taille) et "
        "signale les liens cassés. Une seule vérification à la fois : si une autre est en "
        "cours (sur ce serveur ou un autre), la commande le dit et sort avec le code 75 "
        "(EX_TEMPFAIL, « réessayez plus tard »)."
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
        try:
            summary = linkcheck.check_links(due=due, limit=limit, urls=urls)
        except LinkCheckBusy as busy:
            self.stderr.write(str(busy))
            raise SystemExit(EX_TEMPFAIL) from None
        self.stdout.write(
            f"{summary.checked} adresses vérifiées : {summary.ok} répondent, "
            f"{summary.failed} en échec, {summary.broken} signalées cassées ; "
            f"{len(summary.changed_datasets)} jeux de données réévalués."
        )
        if summary.interrupted:
            self.stderr.write(
                _(
                    "Vérification interrompue : une autre vérification a repris son bail ; "
                    "les adresses restantes seront vérifiées à la prochaine."
                )
            )
