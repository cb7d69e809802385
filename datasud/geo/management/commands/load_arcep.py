"""`datasud load_arcep [--file PATH]`: publish the Arcep's mobile sites of the région."""
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from datasud.catalog.services import CatalogError
from datasud.geo.arcep import (
    DEFAULT_FILE,
    ArcepError,
    load_arcep,
    locate_sites,
    read_sites,
    write_extract,
)


class Command(BaseCommand):
    help = (
        "Publie les sites mobiles de l'Arcep situés dans la région (point-dans-polygone) : un "
        "jeu de données avec la carte des sites et leur nombre par commune, opérateur et "
        "technologie, chargés dans l'entrepôt de données. Par défaut, l'extrait livré "
        "(janvier 2018) ; --file lit un fichier de l'Arcep (Operateur;X;Y;2G;3G;4G, "
        "Lambert-93), le fichier national par exemple. Idempotent : des fichiers inchangés "
        "ne sont ni redéposés ni rechargés, des fichiers différents deviennent de nouvelles "
        "versions des mêmes ressources."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE,
                            help="Fichier de l'Arcep, .csv ou .csv.gz (défaut : l'extrait "
                                 "livré).")
        parser.add_argument("--write-extract", type=Path, metavar="PATH",
                            help="Écrire les lignes de la région au format de l'Arcep dans "
                                 "PATH (.gz : compressé) au lieu de publier : c'est ainsi "
                                 "qu'est fait l'extrait livré.")

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0

        def progress(line: str) -> None:
            if not quiet:
                self.stdout.write(line)

        try:
            if options["write_extract"]:
                found = read_sites(options["file"])
                written = write_extract(found, locate_sites(found), options["write_extract"])
                progress(f"{written} sites écrits dans {options['write_extract']}")
                return
            report = load_arcep(options["file"], progress=progress)
        except (ArcepError, CatalogError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Lecture ou écriture impossible : {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Base de données inaccessible ou non migrée ({exc}) : "
                               "lancez d'abord `datasud migrate`.") from exc
        if quiet:
            return
        for line, reason in report.rejected[:20]:
            self.stderr.write(f"ligne {line} ignorée : {reason}")
        if len(report.rejected) > 20:
            self.stderr.write(f"... et {len(report.rejected) - 20} autres lignes ignorées")
        timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in
                            report.timings.items())
        self.stdout.write(self.style.SUCCESS(
            f"Arcep : {report.sites} sites dans la région sur {report.rows} lignes "
            f"({len(report.rejected)} refusées, {report.outside} hors région), "
            f"{report.communes} communes ; jeu « {report.dataset} ». Durées : {timings}."))
