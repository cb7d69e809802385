"""Who may see and change what: the one place every surface (pages, API, search, exports)
asks. Staff (the region's team) moderate everything; members of an organisation see all of
its datasets, drafts and private ones included; everybody else sees what is published and
not private.
"""
from __future__ import annotations

from django.db import models


def _member_organisation_ids(user, roles: tuple[str, ...] | None = None):
    # Through the token's organisation, when the request came with a restricted token.
    from datasud.accounts.scopes import member_organisation_ids

    return member_organisation_ids(user, roles)


def _is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


class OrganisationQuerySet(models.QuerySet):
    def administered_by(self, user) -> OrganisationQuerySet:
        """Organisations whose members and settings `user` may manage."""
        if not _is_authenticated(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(id__in=_member_organisation_ids(user, ("admin",)))

    def publishable_by(self, user) -> OrganisationQuerySet:
        """Organisations in whose name `user` may create datasets."""
        if not _is_authenticated(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(id__in=_member_organisation_ids(user))

    def partners(self) -> OrganisationQuerySet:
        return self.filter(partnership_signed_on__isnull=False)

    def producers(self) -> OrganisationQuerySet:
        """Organisations with at least one public dataset."""
        from .models import Dataset

        return self.filter(id__in=Dataset.objects.public().values("organisation_id"))


class DatasetQuerySet(models.QuerySet):
    def public(self) -> DatasetQuerySet:
        return self.filter(status="published", private=False)

    def active(self) -> DatasetQuerySet:
        """Datasets still maintained (not archived): what search and key figures count."""
        return self.filter(archived_at__isnull=True)

    def visible_to(self, user) -> DatasetQuerySet:
        if not _is_authenticated(user):
            return self.public()
        if user.is_staff:
            return self
        return self.filter(
            models.Q(status="published", private=False)
            | models.Q(organisation_id__in=_member_organisation_ids(user))
        )

    def editable_by(self, user) -> DatasetQuerySet:
        if not _is_authenticated(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(organisation_id__in=_member_organisation_ids(user))


class ReuseQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReuseQuerySet:
        if _is_authenticated(user) and user.is_staff:
            return self
        if _is_authenticated(user):
            return self.filter(models.Q(published=True) | models.Q(owner=user))
        return self.filter(published=True)

    def editable_by(self, user) -> ReuseQuerySet:
        if not _is_authenticated(user):
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            models.Q(owner=user) | models.Q(organisation_id__in=_member_organisation_ids(user))
        )
