"""Users' organisation memberships, requests to join an organisation, and personal API
tokens. The personal data kept, and why, is listed in the package's docstring.
"""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrateur")
        EDITOR = "editor", _("Éditeur")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"],
                                    name="membership_unique_user_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


TOKEN_PREFIX = "dsud_"


def hash_token(raw: str) -> str:
    # Tokens are long random strings, so a fast hash is safe (no dictionary to attack) and
    # keeps every API call cheap.
    return hashlib.sha256(raw.encode()).hexdigest()


def _all_scopes() -> list[str]:
    from .scopes import SCOPES

    return list(SCOPES)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    # The first characters, shown in lists so people can tell their tokens apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the token may do (`scopes.SCOPES`): every scope unless chosen otherwise at
    # creation; tokens made before scopes existed got all of them.
    scopes = models.JSONField(_("portées"), default=_all_scopes)
    # Restricts the token to one organisation of its owner (`scopes.restricted_user`).
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("limité à l'organisation"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, expires_at=None, scopes=None,
              organisation=None) -> tuple["ApiToken", str]:
        """Create a token for `user`; returns it and the raw secret, which is never stored.
        `scopes` default to all of them (`scopes.SCOPES`); `organisation`, one the user is a
        member of, restricts the token to it (`scopes.py`)."""
        from .scopes import SCOPES

        chosen = list(SCOPES) if scopes is None else [s for s in SCOPES if s in set(scopes)]
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6],
                                   key_hash=hash_token(raw), expires_at=expires_at,
                                   scopes=chosen, organisation=organisation)
        return token, raw

    @classmethod
    def authenticate_token(cls, raw: str) -> "ApiToken | None":
        """The active token of an active user matching this raw secret, or None; its use is
        recorded. Surfaces go through `scopes.user_for_token`, which applies its scopes."""
        if not raw or not raw.startswith(TOKEN_PREFIX):
            return None
        token = (cls.objects.active().select_related("user")
                 .filter(key_hash=hash_token(raw)).first())
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token

    @classmethod
    def authenticate(cls, raw: str):
        """The active user owning this raw token, or None (whatever its scopes: for checks
        and scripts; requests go through `scopes.user_for_token`)."""
        token = cls.authenticate_token(raw)
        return token.user if token is not None else None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class MembershipRequest(models.Model):
    """A signed-in person asks to join an organisation; its administrators (or the DataSud
    team) accept it, choosing the role, or refuse it. Decided requests are kept so that
    admins can see who asked what; they go with the person's account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="membership_requests")
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.CASCADE,
                                     related_name="membership_requests")
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("traitée par"))

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at"]
        constraints = [
            # One open request at a time per person and organisation.
            models.UniqueConstraint(fields=["user", "organisation"],
                                    condition=models.Q(status="pending"),
                                    name="membership_request_one_pending")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"
