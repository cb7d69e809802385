"""The catalogue: organisations, datasets and their resources, reuses, themes and licences.

Who may see or change what is decided in one place, the querysets of `querysets.py`
(`Dataset.objects.visible_to(user)`, `.editable_by(user)`), used by every surface.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .querysets import DatasetQuerySet, OrganisationQuerySet, ReuseQuerySet


class Theme(models.Model):
    """One of the 16 DataSud themes (shipped in `catalog/data/themes.json`)."""

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # ISO 19115 topic category, used by the geographic metadata exports.
    iso_topic = models.CharField(_("thème ISO 19115"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def localized_name(self) -> str:
        """`name_en` when the active language is English and the theme has one."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Licence(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=64, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("texte de la licence"), blank=True)
    # Titles under which other catalogues name the same licence; the importer matches them.
    alternate_titles = models.JSONField(_("autres intitulés"), default=list, blank=True)
    is_open = models.BooleanField(_("licence ouverte"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Organisation(models.Model):
    class Type(models.TextChoices):
        # DataSud's own list of organisation types (its 2017-2019 reference table).
        CONSEIL_REGIONAL = "conseil-regional", _("Conseil régional")
        CONSEIL_DEPARTEMENTAL = "conseil-departemental", _("Conseil départemental")
        METROPOLE = "metropole", _("Métropole")
        COMMUNAUTE_AGGLOMERATION = "communaute-agglomeration", _("Communauté d'agglomération")
        COMMUNAUTE_COMMUNES = "communaute-communes", _("Communauté de communes")
        COMMUNE = "commune", _("Commune")
        SYNDICAT_MIXTE = "syndicat-mixte", _("Syndicat mixte")
        SERVICE_ETAT = "service-deconcentre-etat", _("Service déconcentré de l'État")
        ETABLISSEMENT_PUBLIC = "etablissement-public", _("Établissement public (EPA, EPIC...)")
        GIP = "gip", _("Groupement d'intérêt public")
        CHAMBRE_CONSULAIRE = "chambre-consulaire", _("Chambre consulaire")
        RECHERCHE = "organisme-recherche", _("Organisme de recherche, université")
        ENSEIGNEMENT = "enseignement", _("Établissement d'enseignement")
        ASSOCIATION = "association", _("Association")
        ENTREPRISE = "entreprise", _("Entreprise")
        AUTRE = "autre", _("Autre")

    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant"), max_length=255, unique=True)
    acronym = models.CharField(_("sigle"), max_length=64, blank=True)
    type = models.CharField(_("type"), max_length=40, choices=Type.choices, default=Type.AUTRE)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
    website = models.URLField(_("site web"), blank=True)
    # The territory the organisation is responsible for (a commune for a town hall...).
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="organisations", verbose_name=_("territoire"),
    )
    # Partnership with the region's open-data programme: the date the convention was signed,
    # empty when there is none.
    partnership_signed_on = models.DateField(_("convention de partenariat signée le"),
                                             null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Identifier in the catalogue it was imported or harvested from (data.gouv.fr id...).
    source_id = models.CharField(_("identifiant d'origine"), max_length=100, blank=True,
                                 db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:organisation", args=[self.slug])

    @property
    def is_partner(self) -> bool:
        return self.partnership_signed_on is not None


class Tag(models.Model):
    """A free keyword, normalised (lower case, no surrounding spaces)."""

    name = models.CharField(_("mot-clé"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


SPATIAL_FIELDS = ("spatial_west", "spatial_south", "spatial_east", "spatial_north")
# Derived columns that only their owners write (with update()): never saved from an instance.
DERIVED_FIELDS = (*SPATIAL_FIELDS, "quality_score")


class Dataset(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    class Frequency(models.TextChoices):
        # The vocabulary of data.gouv.fr / DCAT-AP (EU frequency authority table).
        UNKNOWN = "unknown", _("Inconnue")
        CONTINUOUS = "continuous", _("En continu")
        DAILY = "daily", _("Quotidienne")
        WEEKLY = "weekly", _("Hebdomadaire")
        MONTHLY = "monthly", _("Mensuelle")
        QUARTERLY = "quarterly", _("Trimestrielle")
        SEMIANNUAL = "semiannual", _("Semestrielle")
        ANNUAL = "annual", _("Annuelle")
        BIENNIAL = "biennial", _("Tous les deux ans")
        IRREGULAR = "irregular", _("Irrégulière")
        PUNCTUAL = "punctual", _("Ponctuelle")

    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant"), max_length=300, unique=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="datasets",
        verbose_name=_("producteur"),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="datasets",
                                    verbose_name=_("thèmes"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets",
                                  verbose_name=_("mots-clés"))
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="datasets", verbose_name=_("licence"))
    frequency = models.CharField(_("fréquence de mise à jour"), max_length=20,
                                 choices=Frequency.choices, default=Frequency.UNKNOWN)
    temporal_start = models.DateField(_("début de la période couverte"), null=True, blank=True)
    temporal_end = models.DateField(_("fin de la période couverte"), null=True, blank=True)
    territories = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="datasets",
        verbose_name=_("couverture territoriale"),
    )
    # Public contact point of the dataset (a service, rarely a person): shown on the page.
    contact_name = models.CharField(_("point de contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    private = models.BooleanField(
        _("privé"), default=False,
        help_text=_("Visible seulement des membres de l'organisation et de l'équipe DataSud."),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    # An archived dataset is kept for the record (its page and API stay) but is no longer
    # maintained: search leaves it out unless asked, like data.gouv.fr does.
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    # Where the record came from when it was imported or harvested (empty when made here).
    source_id = models.CharField(_("identifiant d'origine"), max_length=100, blank=True)
    source_url = models.URLField(_("page d'origine"), max_length=500, blank=True)
    # Spatial extent in WGS84 (`spatial_bbox`): the union of the extents of the current geo
    # tables when there are any, else of the declared territories' outlines; kept by
    # `datasud.geo.extent`. Four plain columns so that a search by map area is a range
    # predicate any database indexes.
    spatial_west = models.FloatField(_("emprise : ouest"), null=True, blank=True,
                                     editable=False)
    spatial_south = models.FloatField(_("emprise : sud"), null=True, blank=True,
                                      editable=False)
    spatial_east = models.FloatField(_("emprise : est"), null=True, blank=True, editable=False)
    spatial_north = models.FloatField(_("emprise : nord"), null=True, blank=True,
                                      editable=False)
    # Metadata quality score (0-100), derived data written only by `datasud.quality` (with
    # update()); a column of its own so that search sorts by it (`sort=qualite`).
    quality_score = models.PositiveSmallIntegerField(_("score de qualité"), default=0,
                                                     editable=False)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")
        ordering = ["-modified_at"]
        indexes = [
            models.Index(fields=["status", "private"]),
            models.Index(fields=["-modified_at"]),
            models.Index(fields=["-created_at"]),
            # Browsing the public catalogue by date without a text query.
            models.Index(fields=["status", "-modified_at"], name="dataset_status_modified"),
            models.Index(fields=["status", "-created_at"], name="dataset_status_created"),
            models.Index(fields=["source_id"]),
            # Search by map area: west <= east edge of the area, and the other three.
            models.Index(fields=["spatial_west", "spatial_east"], name="dataset_spatial_we"),
            # Browsing the public catalogue by quality (`sort=qualite`).
            models.Index(fields=["status", "-quality_score", "-id"],
                         name="dataset_status_quality"),
            # The latest published datasets (home page).
            models.Index(fields=["status", "-published_at", "-created_at", "-id"],
                         name="dataset_status_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The extent and the quality score are derived data, written only by
        # `datasud.geo.extent` and `datasud.quality` (with update()): saving an instance read
        # before they changed must not put the old values back.
        if (not self._state.adding and kwargs.get("update_fields") is None
                and not kwargs.get("force_insert")):
            deferred = self.get_deferred_fields()  # as Django's save() leaves them out
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name not in DERIVED_FIELDS
                                       and f.attname not in deferred]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset", args=[self.slug])

    @property
    def spatial_bbox(self) -> list[float] | None:
        """`[west, south, east, north]` in WGS84 degrees, or None when unknown."""
        box = [self.spatial_west, self.spatial_south, self.spatial_east, self.spatial_north]
        return None if None in box else box

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.private


def resource_upload_to(resource: "Resource", filename: str) -> str:
    # One folder per dataset; the storage adds a suffix if the name is taken.
    return f"resources/{resource.dataset_id}/{filename}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("Fichier déposé")
        URL = "url", _("Lien distant")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources",
                                verbose_name=_("jeu de données"))
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    kind = models.CharField(_("nature"), max_length=8, choices=Kind.choices, default=Kind.URL)
    file = models.FileField(_("fichier"), upload_to=resource_upload_to, max_length=500,
                            blank=True)
    url = models.URLField(_("adresse"), max_length=1000, blank=True)
    # Lower-case short name ("csv", "geojson", "shp"...), detected or declared.
    format = models.CharField(_("format"), max_length=40, blank=True)
    media_type = models.CharField(_("type de média"), max_length=120, blank=True)
    size = models.BigIntegerField(_("taille (octets)"), null=True, blank=True)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["dataset", "position", "id"]
        indexes = [models.Index(fields=["format"])]

    def __str__(self) -> str:
        return self.title

    @property
    def download_url(self) -> str:
        """Where to get the data: a remote resource's URL, or an uploaded file through the
        view that checks the dataset's permissions (never the media folder directly)."""
        if self.kind == self.Kind.FILE and self.file:
            name = self.file.name.rsplit("/", 1)[-1]
            return reverse("catalog:resource_file", args=[self.pk, name])
        return self.url


class Reuse(models.Model):
    class Type(models.TextChoices):
        APPLICATION = "application", _("Application")
        VISUALISATION = "visualisation", _("Visualisation")
        ARTICLE = "article", _("Article de presse ou de blog")
        API = "api", _("API")
        IDEA = "idea", _("Idée")
        PAPER = "paper", _("Publication scientifique")
        OTHER = "other", _("Autre")

    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant"), max_length=300, unique=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    url = models.URLField(_("adresse"), max_length=1000)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.OTHER)
    # The author as shown publicly (a person, a company, a newsroom...).
    author_name = models.CharField(_("auteur"), max_length=200, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="reuses", verbose_name=_("déclarée par"))
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="reuses",
                                     verbose_name=_("organisation"))
    image = models.ImageField(_("image"), upload_to="reuses/", blank=True)
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="reuses",
                                      verbose_name=_("jeux de données utilisés"))
    published = models.BooleanField(_("publiée"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    modified_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ReuseQuerySet.as_manager()

    class Meta:
        verbose_name = _("réutilisation")
        verbose_name_plural = _("réutilisations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:reuse", args=[self.slug])


class Activity(models.Model):
    """One entry of a dataset's history: who did what, when, and which fields changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("création")
        UPDATED = "updated", _("modification")
        PUBLISHED = "published", _("publication")
        UNPUBLISHED = "unpublished", _("dépublication")
        RESOURCE_ADDED = "resource_added", _("ajout d'une ressource")
        RESOURCE_UPDATED = "resource_updated", _("modification d'une ressource")
        RESOURCE_DELETED = "resource_deleted", _("suppression d'une ressource")
        IMPORTED = "imported", _("import")
        ARCHIVED = "archived", _("archivage")
        UNARCHIVED = "unarchived", _("désarchivage")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="activities")
    # Empty for automatic work (imports), and once the author's account is deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    # Set when the author deleted their account: the entry then names nobody, but still
    # says that a person made the change.
    actor_deleted = models.BooleanField(_("compte de l'auteur supprimé"), default=False)
    action = models.CharField(max_length=20, choices=Action.choices)
    # {"field": [old, new], ...} for updates; {"resource": "title"} for resource actions.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.dataset}"
