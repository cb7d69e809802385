"""`datasud backup`: the whole platform in one archive (see datasud/operations/backup.py)."""
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Sauvegarde toute la plateforme (base de données, fichiers déposés, entrepôt de "
            "données) dans une archive .tar.gz, restaurable par `datasud restore`, sur SQLite "
            "comme sur PostgreSQL. Peut tourner pendant que le site est en service.")

    def add_arguments(self, parser):
        parser.add_argument(
            "output", nargs="?",
            help="Chemin de l'archive (par défaut : var/backups/datasud-AAAAMMJJ-HHMMSS.tar.gz).")

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"datasud-{stamp}.tar.gz"
        output = Path(output)
        if output.exists():
            raise CommandError(f"{output} existe déjà : choisissez un autre nom.")
        quiet = options["verbosity"] == 0
        try:
            manifest = create_backup(output, progress=(lambda m: None) if quiet
                                     else (lambda m: self.stdout.write(m)))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except (DatabaseError, OSError) as exc:
            raise CommandError(f"Sauvegarde impossible : {exc}") from exc
        if not quiet:
            rows = sum(manifest["rows"].values())
            files = sum(manifest["files"].values())
            self.stdout.write(self.style.SUCCESS(
                f"Sauvegarde écrite : {output} ({rows} lignes, {files} fichiers)."))
