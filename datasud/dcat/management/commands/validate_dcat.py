"""`datasud validate_dcat`: check the published catalogue against the DCAT-AP 3 shapes."""
from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rdflib import Graph

from datasud.dcat.catalogue import PageOutOfRange, build_page
from datasud.dcat.validation import Report, validate_graph


class Command(BaseCommand):
    help = ("Valide le catalogue DCAT-AP servi (ou un fichier RDF) avec les formes SHACL "
            "de DCAT-AP 3.0.0 ; code de sortie 1 s'il y a des violations.")

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, action="append", dest="pages",
                            help="page(s) du catalogue à valider (par défaut : toutes)")
        parser.add_argument("--file", type=Path,
                            help="valider ce fichier RDF (Turtle, JSON-LD, RDF/XML) à la place")
        parser.add_argument("--warnings", action="store_true",
                            help="afficher aussi les avertissements")

    def handle(self, *args, pages=None, file=None, warnings=False, **options):
        started = time.monotonic()
        violations = warning_count = 0
        for label, graph in self._graphs(file, pages):
            report = validate_graph(graph)
            violations += len(report.violations)
            warning_count += len(report.warnings)
            self._print(label, report, warnings)
        self.stdout.write(f"{violations} violation(s), {warning_count} avertissement(s) "
                          f"en {time.monotonic() - started:.1f} s.")
        if violations:
            raise CommandError("Le RDF n'est pas conforme à DCAT-AP 3.0.0.", returncode=1)

    def _graphs(self, file: Path | None, pages: list[int] | None):
        if file is not None:
            try:
                yield str(file), Graph().parse(file)
            except Exception as error:  # any parser error: a message, not a traceback
                raise CommandError(f"Lecture impossible de {file} : {error}") from error
            return
        numbers = pages or []
        if not numbers:
            first = build_page(1)
            yield "page 1", first.graph
            numbers = list(range(2, first.pages + 1))
        for number in numbers:
            try:
                yield f"page {number}", build_page(number).graph
            except PageOutOfRange as error:
                raise CommandError(str(error)) from error

    def _print(self, label: str, report: Report, warnings: bool) -> None:
        self.stdout.write(f"{label} : {len(report.violations)} violation(s), "
                          f"{len(report.warnings)} avertissement(s)")
        for finding in report.violations + (report.warnings if warnings else []):
            self.stdout.write(f"  {finding}")
