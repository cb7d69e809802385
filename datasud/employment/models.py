"""Diagnostics a person chose to keep, behind a secret link (GDPR: minimised, time-limited).

A saved diagnostic holds **only codes**: the ROME codes of the current and target jobs and
the OGR codes of the skills the person ticked. No name, no e-mail, no free text, no IP
address, no account: the secret link is the only key, and whoever holds it may read or
delete it. The result is computed again from the codes at each visit, from the current
referentials. It expires after `RETENTION` and is then deleted, on access or by
`datasud purge_saved_diagnostics` (run daily in production).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION = timedelta(days=365)


def new_token() -> str:
    # 32 random bytes (256 bits), URL-safe: cannot be guessed nor enumerated.
    return secrets.token_urlsafe(32)


class SavedDiagnosticQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def alive(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class SavedDiagnostic(models.Model):
    token = models.CharField(_("lien secret"), max_length=64, unique=True, default=new_token,
                             editable=False)
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("supprimé le"), db_index=True)
    # {"actuel": "D1505", "cible": "D1106", "competences": ["100063", ...]}: codes only.
    payload = models.JSONField(_("codes du diagnostic"))

    objects = SavedDiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic enregistré")
        verbose_name_plural = _("diagnostics enregistrés")

    def __str__(self) -> str:
        return f"{self.payload.get('actuel', '?')} → {self.payload.get('cible') or '…'}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + RETENTION
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
