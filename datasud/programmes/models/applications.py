"""Programmes, their calls, the organisations' applications and each move of their status.

One generic model for every programme (Sud Labs, Parcours Sud Smart Territoires, Coach
Digital...): what differs between them is data (the statuses used, the moves, the eligible
applicant kinds, the questions of each call's form), not code.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Organisation

from ..querysets import ApplicationQuerySet
from ..workflow import INITIAL, Status, WorkflowError, check_workflow, transitions_for


class ApplicantKind(models.TextChoices):
    """Who may apply to a call. Derived from the organisation's catalogue type unless the
    staff set it explicitly (`ApplicantProfile`), e.g. a labelled place run by a commune."""

    EPCI = "epci", _("Intercommunalité (EPCI)")
    COMMUNE = "commune", _("Commune")
    ENTREPRISE = "entreprise", _("Entreprise")
    LIEU = "lieu", _("Lieu labellisé ou candidat au label")
    ASSOCIATION = "association", _("Association")
    PUBLIC = "public", _("Autre organisme public")
    AUTRE = "autre", _("Autre")


_KIND_OF_TYPE = {
    Organisation.Type.METROPOLE: ApplicantKind.EPCI,
    Organisation.Type.COMMUNAUTE_AGGLOMERATION: ApplicantKind.EPCI,
    Organisation.Type.COMMUNAUTE_COMMUNES: ApplicantKind.EPCI,
    Organisation.Type.COMMUNE: ApplicantKind.COMMUNE,
    Organisation.Type.ENTREPRISE: ApplicantKind.ENTREPRISE,
    Organisation.Type.ASSOCIATION: ApplicantKind.ASSOCIATION,
    Organisation.Type.CONSEIL_REGIONAL: ApplicantKind.PUBLIC,
    Organisation.Type.CONSEIL_DEPARTEMENTAL: ApplicantKind.PUBLIC,
    Organisation.Type.SYNDICAT_MIXTE: ApplicantKind.PUBLIC,
    Organisation.Type.SERVICE_ETAT: ApplicantKind.PUBLIC,
    Organisation.Type.ETABLISSEMENT_PUBLIC: ApplicantKind.PUBLIC,
    Organisation.Type.GIP: ApplicantKind.PUBLIC,
    Organisation.Type.CHAMBRE_CONSULAIRE: ApplicantKind.PUBLIC,
}


class ApplicantProfile(models.Model):
    """The applicant kind of an organisation when its catalogue type does not say it (kept
    here so that the catalogue's organisation model stays the catalogue's)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="applicant_profile",
                                        verbose_name=_("organisation"))
    kind = models.CharField(_("type de candidat"), max_length=20, choices=ApplicantKind.choices)

    class Meta:
        verbose_name = _("profil de candidat")
        verbose_name_plural = _("profils de candidat")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_kind_display()}"

    @staticmethod
    def kind_of(organisation: Organisation) -> str:
        profile = ApplicantProfile.objects.filter(organisation=organisation).first()
        if profile is not None:
            return profile.kind
        return _KIND_OF_TYPE.get(organisation.type, ApplicantKind.AUTRE).value


# Addresses under /programmes/ and /api/1/programmes/ that a programme's slug would hide.
RESERVED_SLUGS = {"chiffres-cles", "lieux", "candidatures", "evenements", "places",
                  "applications", "events"}


def _default_statuses() -> list[str]:
    return list(Status.values)


def _default_transitions() -> dict[str, list[str]]:
    return transitions_for(list(Status.values))


class Programme(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    # The subset of the workflow this programme uses and the moves between them.
    statuses = models.JSONField(_("statuts utilisés"), default=_default_statuses)
    transitions = models.JSONField(_("passages permis"), default=_default_transitions)
    # The organisation in whose name its indicators are published as a dataset.
    publisher = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("organisation qui publie les indicateurs"))
    is_demo = models.BooleanField(_("données de démonstration"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme", args=[self.slug])

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Cet identifiant est réservé à une page.")})
        try:
            check_workflow(self.statuses, self.transitions)
        except WorkflowError as error:
            raise ValidationError({"transitions": str(error)}) from error

    def next_statuses(self, status: str) -> list[str]:
        return list(self.transitions.get(status, []))


class Call(models.Model):
    class Kind(models.TextChoices):
        AAP = "aap", _("Appel à projets")
        AMI = "ami", _("Appel à manifestation d'intérêt")

    class Recurrence(models.TextChoices):
        ANNUAL = "annual", _("Annuel")
        PERMANENT = "permanent", _("Permanent")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls",
                                  verbose_name=_("programme"))
    slug = models.SlugField(_("identifiant"), max_length=100)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description (Markdown)"), blank=True)
    kind = models.CharField(_("nature"), max_length=4, choices=Kind.choices, default=Kind.AAP)
    recurrence = models.CharField(_("périodicité"), max_length=10, choices=Recurrence.choices,
                                  default=Recurrence.ANNUAL)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    # Empty for a permanent call that has no end.
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    eligible_kinds = models.JSONField(_("types de candidats éligibles"), default=list,
                                      help_text=_("Liste de : ") + ", ".join(ApplicantKind.values))
    # The questions of the application form: {"fields": [{"name", "label", "type",
    # "required", "choices", "max_length"}]}; see questions.QUESTION_TYPES.
    form = models.JSONField(_("formulaire"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["programme", "-opens_at"]
        constraints = [models.UniqueConstraint(fields=["programme", "slug"],
                                               name="call_unique_programme_slug")]

    def __str__(self) -> str:
        return f"{self.programme} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:call", args=[self.programme.slug, self.slug])

    def clean(self) -> None:
        from ..questions import check_form_definition

        errors = {}
        unknown = set(self.eligible_kinds or []) - set(ApplicantKind.values)
        if unknown or not isinstance(self.eligible_kinds, list):
            errors["eligible_kinds"] = _("Types de candidats inconnus : %s.") % ", ".join(
                sorted(map(str, unknown)))
        if self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("La clôture doit suivre l'ouverture.")
        try:
            check_form_definition(self.form)
        except ValueError as error:
            errors["form"] = str(error)
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    @property
    def questions(self) -> list[dict]:
        return list((self.form or {}).get("fields", []))

    def eligible_kind_labels(self) -> list[str]:
        return [str(ApplicantKind(k).label) for k in self.eligible_kinds
                if k in ApplicantKind.values]


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("appel"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="programme_applications",
                                     verbose_name=_("organisation candidate"))
    # The kind the organisation had when it applied (what eligibility was checked against).
    applicant_kind = models.CharField(_("type de candidat"), max_length=20,
                                      choices=ApplicantKind.choices)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices,
                              default=INITIAL)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    # Accountability of the instruction; never shown publicly (see the package docstring).
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("déposée par"))
    submitted_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("statut changé le"), default=timezone.now)
    # The consultant accompanying a retained application (set by staff, services only).
    consultant = models.ForeignKey("programmes.Consultant", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="applications",
                                   verbose_name=_("consultant"))
    consultant_assigned_at = models.DateTimeField(_("consultant assigné le"), null=True,
                                                  blank=True)
    is_demo = models.BooleanField(_("données de démonstration"), default=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["call", "organisation"],
                                               name="application_one_per_call")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:application", args=[self.pk])

    @property
    def programme(self) -> Programme:
        return self.call.programme

    @property
    def project_title(self) -> str:
        return str(self.answers.get("projet") or self.answers.get("titre") or "")


class StatusChange(models.Model):
    """One move of an application: the dated history of who moved it, from what to what."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="history")
    from_status = models.CharField(_("de"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '—'} → {self.to_status}"


class PublicationState(models.Model):
    """Where the publication of a programme's indicators stands: the debounce flag (one
    refresh queued at a time) and the checksum of the last published file."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="publication")
    queued = models.BooleanField(default=False)
    dirty_since = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("publication des indicateurs")
        verbose_name_plural = _("publications des indicateurs")

    def __str__(self) -> str:
        return f"{self.programme} — {self.published_at or '—'}"
