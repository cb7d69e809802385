"""What the link checker last found at each remote resource address.

One row per distinct URL (several resources may point to the same file): checking it once
spares the producer's server. The score itself is a column of the dataset
(`Dataset.quality_score`), written by `services.recompute`.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkCheck(models.Model):
    url = models.URLField(_("adresse"), max_length=1000, unique=True)
    # Null until the first check, and when no HTTP answer came (timeout, refused...).
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    content_type = models.CharField(_("type de contenu"), max_length=200, blank=True)
    size = models.BigIntegerField(_("taille annoncée (octets)"), null=True, blank=True)
    # Where the redirects ended, when elsewhere.
    final_url = models.URLField(_("adresse finale"), max_length=1000, blank=True)
    # Why the check failed, in words a producer can act on ("" when it succeeded).
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    # Flagged on the dataset page and in the quality score (see services.is_broken).
    broken = models.BooleanField(_("lien cassé"), default=False)
    checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    broken_since = models.DateTimeField(_("cassé depuis"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("prochaine vérification"), default=timezone.now)

    class Meta:
        verbose_name = _("vérification de lien")
        verbose_name_plural = _("vérifications de liens")
        ordering = ["next_check_at", "id"]
        indexes = [
            models.Index(fields=["next_check_at", "id"], name="linkcheck_due"),
            models.Index(fields=["broken"], name="linkcheck_broken"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def problem(self) -> str:
        """What went wrong, for the page: the HTTP status or the error."""
        if self.error:
            return self.error
        if self.status_code and self.status_code >= 400:
            return _("le serveur répond %(code)d") % {"code": self.status_code}
        return ""


class LinkCheckLease(models.Model):
    """Who may run the link checker now: one run at a time over every process and machine
    sharing the database (see `lease.py`). One row per name; free when `token` is empty or
    `expires_at` is past, so that a run whose process died blocks the next one for one
    lease at most."""

    name = models.CharField(_("nom"), max_length=50, unique=True)
    # "host:pid" of the run holding it, for people; `token` tells two runs of one process
    # apart.
    holder = models.CharField(_("détenteur"), max_length=200, blank=True)
    token = models.CharField(_("jeton"), max_length=32, blank=True)
    since = models.DateTimeField(_("depuis"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bail de vérification des liens")
        verbose_name_plural = _("baux de vérification des liens")

    def __str__(self) -> str:
        return self.name
