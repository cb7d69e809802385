"""What harvesting is: the partners' portals we copy datasets from (sources), each run of a
source (jobs, with their report) and, for each remote dataset, where it landed (records).

A dataset harvested from a source belongs to that source: its `HarvestRecord` ties the
remote identifier to exactly one local dataset (one-to-one), so two sources never share a
dataset, and the source's version wins over local edits (see docs/harvesting.md).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How often each schedule runs a source.
SCHEDULE_INTERVALS = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(weeks=1),
    "monthly": dt.timedelta(days=30),
}
# Configuration keys each kind of source understands (documented in docs/harvesting.md).
CONFIG_KEYS = {
    "ckan": {"fq", "q", "page_size", "exclude"},
    "dcat": {"exclude"},
    "ods": {"where", "refine", "page_size", "exclude"},
    "csw": {"anytext", "page_size", "exclude"},
}


class HarvestSource(models.Model):
    class Kind(models.TextChoices):
        CKAN = "ckan", _("CKAN (API Action)")
        DCAT = "dcat", _("DCAT (catalogue RDF)")
        ODS = "ods", _("OpenDataSoft (Explore API v2.1)")
        CSW = "csw", _("CSW (ISO 19139)")

    class Schedule(models.TextChoices):
        MANUAL = "manual", _("À la demande seulement")
        HOURLY = "hourly", _("Toutes les heures")
        DAILY = "daily", _("Tous les jours")
        WEEKLY = "weekly", _("Toutes les semaines")
        MONTHLY = "monthly", _("Tous les mois")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    kind = models.CharField(_("type de source"), max_length=8, choices=Kind.choices)
    url = models.URLField(
        _("adresse"), max_length=500,
        help_text=_("Racine du portail CKAN ou OpenDataSoft, adresse du catalogue DCAT ou du "
                    "service CSW."),
    )
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "catalog.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="harvest_sources", verbose_name=_("organisation productrice"),
        help_text=_("Producteur des jeux de données moissonnés (ou, avec l'option "
                    "ci-dessous, de ceux dont la source ne nomme pas de producteur)."),
    )
    use_remote_organisation = models.BooleanField(
        _("utiliser le producteur indiqué par la source"), default=False,
        help_text=_("Rattache chaque jeu de données à l'organisation nommée par la source "
                    "(créée si elle n'existe pas encore)."),
    )
    schedule = models.CharField(_("fréquence de moissonnage"), max_length=10,
                                choices=Schedule.choices, default=Schedule.DAILY)
    active = models.BooleanField(_("active"), default=True)
    config = models.JSONField(
        _("configuration"), default=dict, blank=True,
        help_text=_("Filtres propres au type de source : voir la documentation du "
                    "moissonnage (ex. {\"fq\": \"organization:ville-de-nice\"})."),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # Set while a job runs (the lock that keeps two jobs of one source apart).
    running_since = models.DateTimeField(_("moissonnage en cours depuis"), null=True,
                                         blank=True, editable=False)

    class Meta:
        verbose_name = _("source moissonnée")
        verbose_name_plural = _("sources moissonnées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if not self.use_remote_organisation and self.organisation_id is None:
            errors["organisation"] = _(
                "Choisissez l'organisation productrice, ou utilisez le producteur indiqué "
                "par la source.")
        config = self.config
        if not isinstance(config, dict):
            errors["config"] = _("La configuration doit être un objet JSON.")
            config = {}
        unknown = set(config) - CONFIG_KEYS.get(self.kind, set())
        page_size = config.get("page_size")
        exclude = config.get("exclude")
        if unknown:
            errors["config"] = _("Clés inconnues pour ce type de source : %s") % ", ".join(
                sorted(unknown))
        elif page_size is not None and not (isinstance(page_size, int)
                                            and 1 <= page_size <= 1000):
            errors["config"] = _("page_size doit être un entier de 1 à 1000.")
        elif exclude is not None and not (isinstance(exclude, list)
                                          and all(isinstance(x, str) for x in exclude)):
            errors["config"] = _("exclude doit être une liste d'identifiants.")
        if errors:
            raise ValidationError(errors)

    def next_run_at(self, last_start: dt.datetime | None) -> dt.datetime | None:
        """When the schedule wants the next run, given the start of the last one (None: a
        source never harvested is due now; a manual source is never due)."""
        interval = SCHEDULE_INTERVALS.get(self.schedule)
        if interval is None:
            return None
        return timezone.now() if last_start is None else last_start + interval


class HarvestJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminé")
        PARTIAL = "partial", _("Terminé avec des erreurs")
        FAILED = "failed", _("Échec")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("À la demande")
        SCHEDULE = "schedule", _("Planifié")

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs",
                               verbose_name=_("source"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    trigger = models.CharField(_("déclenchement"), max_length=10, choices=Trigger.choices,
                               default=Trigger.MANUAL)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("demandé par"))
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    listed = models.PositiveIntegerField(_("jeux de données à la source"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    withdrawn = models.PositiveIntegerField(_("retirés (archivés)"), default=0)
    errors = models.PositiveIntegerField(_("erreurs"), default=0)
    # Why the whole job failed (unreachable source, garbage answer...); empty otherwise.
    error = models.TextField(_("cause de l'échec"), blank=True)
    # {"errors": [{"remote_id", "title", "reason"}], "notes": [{"remote_id", "title", "note"}]}
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    # "host:pid" of the process running the job: a job whose process is gone (kill -9,
    # crash) is failed at once instead of blocking its source until the lock times out.
    runner = models.CharField(_("processus"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("moissonnage")
        verbose_name_plural = _("moissonnages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.PARTIAL, self.Status.FAILED)

    def summary(self) -> str:
        if self.status == self.Status.FAILED:
            return f"Échec : {self.error}"
        return (f"{self.listed} à la source : {self.created} créés, {self.updated} mis à jour, "
                f"{self.unchanged} inchangés, {self.withdrawn} retirés, {self.errors} erreurs")


class HarvestRecord(models.Model):
    """One remote dataset of a source and the local dataset it became."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="records",
                               verbose_name=_("source"))
    remote_id = models.CharField(_("identifiant à la source"), max_length=255)
    # Null once the dataset was deleted here: the remote dataset is then left alone (delete
    # the record to harvest it again).
    dataset = models.OneToOneField(
        "catalog.Dataset", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="harvest_record", verbose_name=_("jeu de données"),
    )
    remote_url = models.URLField(_("page à la source"), max_length=1000, blank=True)
    remote_modified = models.DateTimeField(_("modifié à la source le"), null=True, blank=True)
    # SHA-256 of what the source said, as mapped to our fields: unchanged hash, nothing to do.
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64, blank=True)
    # The dataset's `modified_at` right after we wrote it: a later value means a local edit.
    local_modified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Remote resource key -> local resource id, to update resources in place.
    resource_ids = models.JSONField(default=dict, blank=True, editable=False)
    harvested_at = models.DateTimeField(_("moissonné le"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("vu à la source le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retiré de la source le"), null=True, blank=True)
    last_job = models.ForeignKey(HarvestJob, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="records", verbose_name=_("dernier moissonnage"))

    class Meta:
        verbose_name = _("jeu de données moissonné")
        verbose_name_plural = _("jeux de données moissonnés")
        ordering = ["source", "remote_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "remote_id"],
                                    name="harvest_record_unique_remote_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source} : {self.remote_id}"
