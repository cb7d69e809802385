"""The history outlives the people in it: whoever deletes an account (the person, staff in
the admin, a script), its history entries lose the name but keep the fact that a person,
not an import, made the change ("compte supprimé")."""
from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import Activity


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalog_actor_deleted")
def mark_history_of_deleted_account(sender, instance, **kwargs) -> None:
    Activity.objects.filter(actor=instance).update(actor_deleted=True)
