"""`datasud restore ARCHIVE`: put back a `datasud backup` archive, all or nothing."""
from django.core.management.base import BaseCommand, CommandError

from datasud.operations.backup import BackupError
from datasud.operations.restore import restore_backup


class Command(BaseCommand):
    help = ("Restaure une archive de `datasud backup` : base de données, fichiers déposés et "
            "entrepôt de données, puis reconstruit l'index de recherche. Tout ou rien : en cas "
            "d'erreur, la plateforme reste telle qu'elle était. Arrêtez le serveur web et le "
            "worker avant de restaurer. La base doit être migrée (`datasud migrate`) dans la "
            "même version que la sauvegarde.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Archive .tar.gz créée par `datasud backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Remplacer les données d'une plateforme qui n'est pas vide.")

    def handle(self, *args, archive, force=False, **options):
        quiet = options["verbosity"] == 0
        try:
            manifest = restore_backup(archive, force=force,
                                      progress=(lambda m: None) if quiet
                                      else (lambda m: self.stdout.write(m)))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            self.stdout.write(self.style.SUCCESS(
                f"Restauration terminée : sauvegarde du {manifest['created_at']} "
                f"({sum(manifest['rows'].values())} lignes, "
                f"{sum(manifest['files'].values())} fichiers)."))
