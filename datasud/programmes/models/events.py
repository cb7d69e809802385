"""Challenges and hackathons: the datasets they feature and the reuses they produced (the
catalogue's own datasets and reuses, shown through their visibility rules)."""
from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def with_public_counts(self):
        """Annotated with `dataset_count` (public datasets featured) and `reuse_count`
        (published reuses produced): what public pages, the API and the figures show."""
        from datasud.catalog.models import Dataset, Reuse

        return self.annotate(
            dataset_count=models.Count("datasets", distinct=True, filter=models.Q(
                datasets__in=Dataset.objects.public())),
            reuse_count=models.Count("reuses", distinct=True, filter=models.Q(
                reuses__in=Reuse.objects.visible_to(None))))


class Event(models.Model):
    class Kind(models.TextChoices):
        CHALLENGE = "challenge", _("Défi")
        HACKATHON = "hackathon", _("Hackathon")

    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices,
                            default=Kind.HACKATHON)
    programme = models.ForeignKey("programmes.Programme", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="events",
                                  verbose_name=_("programme"))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    datasets = models.ManyToManyField("catalog.Dataset", blank=True, related_name="events",
                                      verbose_name=_("jeux de données proposés"))
    reuses = models.ManyToManyField("catalog.Reuse", blank=True, related_name="events",
                                    verbose_name=_("réutilisations produites"))
    is_demo = models.BooleanField(_("données de démonstration"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-starts_on", "title"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F(
            "starts_on")), name="event_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:event", args=[self.slug])

    def public_datasets(self):
        """The public datasets it featured (what is published about it: API, figures)."""
        from datasud.catalog.models import Dataset

        return (Dataset.objects.public().filter(events=self).select_related("organisation")
                .order_by("title"))

    def published_reuses(self):
        """The published reuses it produced."""
        from datasud.catalog.models import Reuse

        # What the anonymous public sees: the catalogue's one rule for reuses.
        return Reuse.objects.visible_to(None).filter(events=self).order_by("title")
