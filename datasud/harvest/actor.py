"""The account in whose name harvested datasets are written.

Harvesting goes through the catalogue's services, which want an acting user allowed to
publish for any organisation: a staff account. This one cannot sign in (inactive, no
password); in the datasets' history it says that the change came from harvesting. The job
itself records which staff member asked for it.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model

USERNAME = "moissonnage"


def harvest_actor():
    """The harvesting account, created on first use."""
    user, created = get_user_model().objects.get_or_create(
        username=USERNAME,
        defaults={"is_staff": True, "is_active": False, "first_name": "Moissonnage",
                  "last_name": "DataSud"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
