"""`datasud train_suggestions`: learn the suggestion model from catalogue exports and write
it where the platform reads it (by default `datasud/intelligence/data/suggestions-model.npz`,
the file shipped with the code)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasud.intelligence import services, training

DEFAULT_DATA = Path("../shared/data/catalog")


class Command(BaseCommand):
    help = (
        "Apprend le modèle des suggestions de métadonnées (thèmes, mots-clés, licence, "
        "fréquence) à partir du catalogue de DataSud et de l'échantillon national de "
        "data.gouv.fr, et l'écrit dans datasud/intelligence/data/ (ou --output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--datasud", type=Path,
                            default=DEFAULT_DATA / "datasud-datasets.csv",
                            help="Export du catalogue DataSud (CSV « ; », éventuellement .gz).")
        parser.add_argument("--national", type=Path,
                            default=DEFAULT_DATA / "datagouv-sample-60k.csv.gz",
                            help="Export national (CSV « ; » .gz) ; « - » pour s'en passer.")
        parser.add_argument("--output", type=Path, default=services.MODEL_FILE)

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0

        def progress(line: str) -> None:
            if not quiet:
                self.stdout.write(line)

        try:
            datasud = list(training.read_records(options["datasud"]))
            national = ([] if str(options["national"]) == "-"
                        else list(training.read_records(options["national"])))
            model = training.train(datasud, national, progress=progress)
            model.save(options["output"])
        except training.TrainingError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Écriture impossible de {options['output']} : {exc}") from exc
        services.current_model.cache_clear()
        size = options["output"].stat().st_size / 1e6
        if not quiet:
            self.stdout.write(self.style.SUCCESS(
                f"Modèle écrit : {options['output']} ({size:.1f} Mo, "
                f"{len(model.tags)} mots-clés, {len(model.features)} descripteurs)."))
