"""Who may see and instruct which application, in one place (every page and API operation
reads through these)."""
from __future__ import annotations

from django.db import models


def _member_organisation_ids(user):
    from datasud.accounts.models import Membership

    return Membership.objects.filter(user=user).values("organisation_id")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every application; a signed-in person those of their organisations;
        the anonymous none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(organisation_id__in=_member_organisation_ids(user))

    def instructable_by(self, user):
        """Only the region's staff instruct (move) applications."""
        if user is None or not user.is_authenticated or not user.is_active or \
                not user.is_staff:
            return self.none()
        return self
