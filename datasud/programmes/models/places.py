"""Sud Labs places (labelled innovation and digital-mediation places) and their yearly
activity reports.

A place's fields are those of the national Table Schema of digital-mediation places
(`data/standard-mediation-num.schema.json`, LaMednum v1.0.2), with the same names, so that
import and export are a straight copy; multi-valued fields keep the schema's `a|b|c` form.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The schema's columns, in its order: the model has one field per column.
SCHEMA_COLUMNS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]
SUD_LABS_LABEL = "SUD LABS (PACA)"


def _text(label: str) -> models.TextField:
    return models.TextField(label, blank=True)


class Place(models.Model):
    # The schema's `id` (unique local identifier chosen by the producer).
    local_id = models.CharField(_("identifiant local"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=120, unique=True)
    pivot = models.CharField(_("SIRET ou RNA"), max_length=14)
    nom = models.CharField(_("nom"), max_length=300)
    commune = models.CharField(_("commune"), max_length=200)
    code_postal = models.CharField(_("code postal"), max_length=5)
    code_insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    # Derived from the INSEE code (first two characters), for the département filter.
    departement = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    adresse = models.CharField(_("adresse"), max_length=300)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=300,
                                          blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    typologie = models.CharField(_("typologie"), max_length=300, blank=True)
    telephone = models.CharField(_("téléphone"), max_length=20, blank=True)
    courriels = _text(_("courriels"))
    site_web = _text(_("site web"))
    horaires = _text(_("horaires (OpenStreetMap)"))
    presentation_resume = models.CharField(_("présentation courte"), max_length=280,
                                           blank=True)
    presentation_detail = _text(_("présentation détaillée"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    itinerance = models.CharField(_("itinérance"), max_length=40, blank=True)
    structure_parente = models.CharField(_("structure parente"), max_length=300, blank=True)
    date_maj = models.DateField(_("mise à jour"))
    services = _text(_("services"))
    publics_specifiquement_adresses = _text(_("publics spécifiquement adressés"))
    prise_en_charge_specifique = _text(_("prise en charge spécifique"))
    frais_a_charge = models.CharField(_("frais à charge"), max_length=100, blank=True)
    dispositif_programmes_nationaux = _text(_("dispositifs et programmes nationaux"))
    formations_labels = _text(_("formations et labels"))
    autres_formations_labels = _text(_("autres formations et labels"))
    modalites_acces = _text(_("modalités d'accès"))
    modalites_accompagnement = _text(_("modalités d'accompagnement"))
    fiche_acces_libre = models.URLField(_("fiche Accès libre"), max_length=500, blank=True)
    prise_rdv = models.URLField(_("prise de rendez-vous"), max_length=500, blank=True)

    # DataSud's own fields, not in the schema.
    programme = models.ForeignKey("programmes.Programme", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="places",
                                  verbose_name=_("programme"))
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="programme_places",
                                     verbose_name=_("organisation gestionnaire"))
    is_demo = models.BooleanField(_("données de démonstration"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("programmes:place", args=[self.slug])

    @property
    def services_list(self) -> list[str]:
        return [s for s in self.services.split("|") if s]

    @property
    def is_sud_labs(self) -> bool:
        return SUD_LABS_LABEL in self.formations_labels.split("|")


class ActivityReport(models.Model):
    """What a place did in one year: how many people of each public it supported."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="reports",
                              verbose_name=_("lieu"))
    year = models.PositiveSmallIntegerField(_("année"))
    business_owners = models.PositiveIntegerField(
        _("chefs d'entreprise accompagnés"), validators=[MinValueValidator(0)])
    job_seekers = models.PositiveIntegerField(_("demandeurs d'emploi accompagnés"),
                                              validators=[MinValueValidator(0)])
    citizens = models.PositiveIntegerField(_("citoyens accompagnés"),
                                           validators=[MinValueValidator(0)])
    # Accountability; never public.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(_("données de démonstration"), default=False)

    class Meta:
        verbose_name = _("rapport d'activité")
        verbose_name_plural = _("rapports d'activité")
        ordering = ["-year", "place"]
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="report_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(business_owners__gte=0, job_seekers__gte=0,
                                   citizens__gte=0),
                name="report_counts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.year}"
