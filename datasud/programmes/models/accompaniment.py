"""The accompaniment of a retained application (Coach Digital): the consultants the staff
may assign, and the dated steps they record.

Personal data kept to the minimum: a consultant is a link to an existing account (no copy of
a name or an address), with the structure they work for; a step's author is kept for
accountability, shown to staff and to the consultant, never to the applicant nor published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consultant(models.Model):
    """An account the region's staff allow to accompany applications. Only a consultant
    assigned to an application sees it (`Application.objects.visible_to`); deactivating the
    consultant (or deleting the account) withdraws that access at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_consultant",
        verbose_name=_("compte"),
    )
    # The firm or public body the consultant works for: what the applicant is told.
    organisation = models.ForeignKey(
        "catalog.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure"),
    )
    programmes = models.ManyToManyField(
        "programmes.Programme",
        blank=True,
        related_name="consultants",
        verbose_name=_("programmes"),
        help_text=_("Vide : tous les programmes."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["user__username"]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.organisation})" if self.organisation_id else name

    @property
    def structure(self) -> str:
        """What the applicant is told about who accompanies them (not the person)."""
        return self.organisation.name if self.organisation_id else str(_("la Région Sud"))

    def works_on(self, programme) -> bool:
        ids = {p.pk for p in self.programmes.all()}
        return not ids or programme.pk in ids


class AccompanimentStep(models.Model):
    """One dated step of an accompaniment (a diagnostic meeting, a workshop...). Its date
    and title are shown to the applicant; its notes and author only to staff and the
    assigned consultant."""

    application = models.ForeignKey(
        "programmes.Application",
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("candidature"),
    )
    on = models.DateField(_("date"))
    title = models.CharField(_("titre (visible du candidat)"), max_length=200)
    notes = models.TextField(
        _("notes (équipe et consultant seulement)"), blank=True, max_length=5000
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("étape d'accompagnement")
        verbose_name_plural = _("étapes d'accompagnement")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.on} {self.title}"
