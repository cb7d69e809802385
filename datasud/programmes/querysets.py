"""Who may see and instruct which application, in one place (every page and API operation
reads through these)."""
from __future__ import annotations

from django.db import models


def _member_organisation_ids(user):
    # Through the token's organisation, when the request came with a restricted token.
    from datasud.accounts.scopes import member_organisation_ids

    return member_organisation_ids(user)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _consultant_of(user) -> models.Q:
    """The applications assigned to `user` as an active consultant; none for a request
    made with a token restricted to one organisation (it acts only as that member)."""
    if getattr(user, "token_organisation_id", None) is not None:
        return models.Q(pk__in=[])
    return models.Q(consultant__user=user, consultant__is_active=True)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every application; a signed-in person those of their organisations and
        those they accompany as the assigned (active) consultant; the anonymous none."""
        if not _signed_in(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(models.Q(organisation_id__in=_member_organisation_ids(user))
                           | _consultant_of(user))

    def accompanied_by(self, user):
        """The applications `user` accompanies: assigned to them as an active consultant."""
        if not _signed_in(user):
            return self.none()
        return self.filter(_consultant_of(user))

    def instructable_by(self, user):
        """Only the region's staff instruct (move) applications."""
        if user is None or not user.is_authenticated or not user.is_active or \
                not user.is_staff:
            return self.none()
        return self
