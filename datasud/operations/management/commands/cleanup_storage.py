"""`datasud cleanup_storage`: remove what crashed processes left behind."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from datasud.operations.cleanup import DEFAULT_GRACE, cleanup_storage


class Command(BaseCommand):
    help = ("Supprime ce qu'un processus interrompu (kill -9, panne) a laissé : fichiers "
            "déposés à moitié et référencés par aucune ligne, versions de l'entrepôt "
            "orphelines, fichiers temporaires ; marque en échec les chargements restés « en "
            "cours ». Ne touche qu'à ce qui est plus ancien que le délai de grâce, jamais à "
            "un fichier référencé. À lancer au démarrage ou chaque nuit (cron).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Afficher ce qui serait supprimé, sans rien supprimer.")
        parser.add_argument(
            "--grace-minutes", type=int,
            default=int(DEFAULT_GRACE.total_seconds() // 60),
            help="Ne toucher qu'à ce qui a plus de N minutes (par défaut : %(default)s).")

    def handle(self, *args, dry_run=False, grace_minutes=120, **options):
        if grace_minutes < 0:
            raise CommandError("--grace-minutes doit être positif ou nul.")
        report = cleanup_storage(dt.timedelta(minutes=grace_minutes), dry_run=dry_run)
        if options["verbosity"] == 0:
            return
        verb = "à supprimer" if dry_run else "supprimés"
        for title, items in [("Fichiers déposés orphelins", report.orphan_uploads),
                             ("Versions de l'entrepôt orphelines", report.orphan_versions),
                             ("Fichiers temporaires", report.temporary_files),
                             ("Chargements interrompus (marqués en échec)",
                              report.interrupted_loads)]:
            if items:
                self.stdout.write(f"{title} ({len(items)}) :")
                for item in items:
                    self.stdout.write(f"  {item}")
        self.stdout.write(self.style.SUCCESS(
            f"{report.total} éléments {verb}, {report.freed_bytes / 1e6:.1f} Mo libérés."
            if report.total else "Rien à nettoyer."))
