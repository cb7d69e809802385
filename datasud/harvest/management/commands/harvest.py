"""`datasud harvest`: harvest partners' portals now, from a terminal or a timer."""
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob, HarvestSource

# Errors of a job shown one by one; beyond that, only their number.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Moissonne les sources partenaires. --source SLUG|ID (répétable) moissonne ces "
        "sources maintenant ; --due moissonne chaque source active dont la fréquence le "
        "demande (à lancer par cron ou un timer systemd, par exemple toutes les heures). "
        "Code de sortie 1 si un moissonnage a échoué."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", default=[], metavar="SLUG|ID",
                            help="Source à moissonner (identifiant ou numéro).")
        parser.add_argument("--due", action="store_true",
                            help="Moissonner les sources dont la fréquence le demande.")

    def handle(self, *args, source, due, **options):
        self.verbosity = options["verbosity"]
        if bool(source) == bool(due):
            raise CommandError("Indiquez soit --source SLUG|ID, soit --due.")
        trigger = HarvestJob.Trigger.SCHEDULE if due else HarvestJob.Trigger.MANUAL
        sources = jobs.due_sources() if due else [self._source(s) for s in source]
        if due and not sources:
            self._say("Aucune source à moissonner maintenant.")
        failed = []
        for harvest_source in sources:
            self._say(f"Moissonnage de « {harvest_source} » ({harvest_source.url})…")
            try:
                job = jobs.harvest_now(harvest_source, trigger=trigger,
                                       progress=lambda message: self._say(f"  {message}"))
            except jobs.HarvestBusy as exc:
                self.stderr.write(str(exc))
                failed.append(harvest_source)
                continue
            self._print_job(job)
            if job.status == HarvestJob.Status.FAILED:
                failed.append(harvest_source)
        if failed:
            raise CommandError("Échec du moissonnage de : " + ", ".join(str(s) for s in failed))

    def _source(self, value: str) -> HarvestSource:
        query = Q(slug=value) | Q(pk=int(value)) if value.isdigit() else Q(slug=value)
        found = HarvestSource.objects.filter(query).first()
        if found is None:
            raise CommandError(f"Source inconnue : {value} (voir l'administration, "
                               "Moissonnage > Sources moissonnées).")
        return found

    def _say(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)

    def _print_job(self, job: HarvestJob) -> None:
        if job.status == HarvestJob.Status.FAILED:
            self.stderr.write(self.style.ERROR(f"  {job.summary()}"))
            return
        errors = job.report.get("errors", [])
        for error in errors[:SHOWN]:
            self.stderr.write(self.style.WARNING(
                f"  {error['remote_id']} « {error['title']} » : {error['reason']}"))
        if job.errors > SHOWN:
            self.stderr.write(f"  … et {job.errors - SHOWN} autres erreurs (voir le rapport "
                              "dans l'administration).")
        self._say(self.style.SUCCESS(f"  {job.summary()}"))
