"""Training offers imported from the exchange formats of the sector: LHEO XML (the
Carif-Oref network) and the MonCompteFormation catalogue CSV (Caisse des Dépôts).

What is stored is public information about offers and their providers (name, SIRET,
place): no personal data. Contact persons' names, e-mails and phone numbers that LHEO
files carry are deliberately not imported.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    LHEO = "lheo", _("LHEO (réseau des Carif-Oref)")
    MCF = "mcf", _("Catalogue MonCompteFormation")


class ImportBatch(models.Model):
    """One run of `datasud import_trainings`: which file, when, what it changed."""

    source = models.CharField(_("format"), max_length=8, choices=Source.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)
    started_at = models.DateTimeField(_("début"), auto_now_add=True)
    created = models.PositiveIntegerField(_("offres ajoutées"), default=0)
    updated = models.PositiveIntegerField(_("offres mises à jour"), default=0)
    removed = models.PositiveIntegerField(_("offres retirées"), default=0)

    class Meta:
        verbose_name = _("import d'offres")
        verbose_name_plural = _("imports d'offres")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.file_name}"


class TrainingOffer(models.Model):
    """A training offer (LHEO: one action of a formation; MCF: one catalogue line)."""

    source = models.CharField(_("format"), max_length=8, choices=Source.choices)
    # Identifier in the source: LHEO formation/action `numero`, MCF `numero_formation`.
    # Re-importing a file updates the offers with the same identifier.
    source_id = models.CharField(_("identifiant dans la source"), max_length=255)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="offers",
                              verbose_name=_("import"))
    is_demo = models.BooleanField(_("exemple de démonstration"), default=False)

    title = models.CharField(_("intitulé"), max_length=500)
    provider_name = models.CharField(_("organisme"), max_length=255)
    provider_siret = models.CharField(_("SIRET de l'organisme"), max_length=14, blank=True)
    # Place of training: commune (INSEE) and coordinates when the source gives them. The MCF
    # catalogue gives only the département.
    commune_insee = models.CharField(_("commune (Insee)"), max_length=5, blank=True)
    place_name = models.CharField(_("lieu"), max_length=255, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    remote = models.BooleanField(_("à distance possible"), default=False)

    duration_hours = models.FloatField(_("durée (heures)"), null=True, blank=True)
    cost_euros = models.DecimalField(_("coût TTC (€)"), max_digits=10, decimal_places=2,
                                     null=True, blank=True)
    # Certification prepared: kind RNCP or RS, its code and title; Certif Info code.
    certification_kind = models.CharField(_("répertoire"), max_length=4, blank=True)
    certification_code = models.CharField(_("code de certification"), max_length=20,
                                          blank=True)
    certification_title = models.CharField(_("certification"), max_length=500, blank=True)
    certifinfo = models.CharField(_("code Certif Info"), max_length=20, blank=True)
    formacodes = models.JSONField(_("Formacodes"), default=list, blank=True)
    start_date = models.DateField(_("début de la prochaine session"), null=True, blank=True)
    end_date = models.DateField(_("fin de cette session"), null=True, blank=True)
    sessions = models.JSONField(_("sessions"), default=list, blank=True)
    url = models.URLField(_("adresse web"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("importée le"), auto_now=True)

    class Meta:
        verbose_name = _("offre de formation")
        verbose_name_plural = _("offres de formation")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"],
                                               name="training_offer_unique_source_id")]

    def __str__(self) -> str:
        return f"{self.title} — {self.provider_name}"


class TargetedRome(models.Model):
    """A ROME code an offer prepares for: given by the source (LHEO `code-ROME`, v3 codes
    most of the time) or inferred from the certification's title by the engine's title
    index (`inferred`), for sources that give none (MonCompteFormation)."""

    offer = models.ForeignKey(TrainingOffer, on_delete=models.CASCADE, related_name="romes")
    code = models.CharField(_("code ROME"), max_length=5, db_index=True)
    inferred = models.BooleanField(_("déduit de l'intitulé"), default=False)

    class Meta:
        verbose_name = _("métier visé")
        verbose_name_plural = _("métiers visés")
        constraints = [models.UniqueConstraint(fields=["offer", "code"],
                                               name="targeted_rome_unique")]

    def __str__(self) -> str:
        return self.code
