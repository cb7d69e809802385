"""Territories of Région Sud: the région, its départements, intercommunalities and communes.

They are reference data loaded from files shipped in `datasud/territories/data/` (see its
README for sources and licences), never typed in: `datasud load_territories`.
"""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    class Level(models.TextChoices):
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        EPCI = "epci", _("Intercommunalité (EPCI)")
        COMMUNE = "commune", _("Commune")

    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    # INSEE code for the région (93), départements (13) and communes (13055); SIREN for EPCI.
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("nom"), max_length=200)
    # Sub-kind where it matters: "CC", "CA", "METRO" for EPCI; "commune-actuelle",
    # "arrondissement-municipal", "commune-deleguee"... for communes.
    kind = models.CharField(_("type"), max_length=40, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    # A commune belongs to a département and to an EPCI; EPCI and départements belong to the
    # région. An EPCI that straddles the regional border still lists only its PACA members.
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True, verbose_name=_("parents")
    )
    # Outline in GeoJSON (EPSG:4326), simplified: for maps and point-in-polygon, not surveying.
    geometry = models.JSONField(_("géométrie"), null=True, blank=True)
    # [min_lon, min_lat, max_lon, max_lat], precomputed for fast bbox search.
    bbox = models.JSONField(_("emprise"), null=True, blank=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="territory_unique_level_code")
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", args=[self.level, self.code])

    @property
    def key(self) -> str:
        """Stable identifier used in URLs, facets and the API, e.g. `commune:13055`."""
        return f"{self.level}:{self.code}"
