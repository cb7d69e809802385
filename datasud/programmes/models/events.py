"""Challenges and hackathons: the datasets they feature and the reuses they produced (the
catalogue's own datasets and reuses, shown through their visibility rules)."""
from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
