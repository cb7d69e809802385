"""Keep each programme's published indicators in step with its records: any change to an
application, its history, a place or an activity report schedules a (debounced) refresh
of that programme's dataset once the change is committed."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ActivityReport, Application, Call, Place, StatusChange


def _programme_id(instance) -> int | None:
    if isinstance(instance, Application):
        return Call.objects.filter(pk=instance.call_id).values_list(
            "programme_id", flat=True).first()
    if isinstance(instance, StatusChange):
        return Application.objects.filter(pk=instance.application_id).values_list(
            "call__programme_id", flat=True).first()
    if isinstance(instance, Place):
        return instance.programme_id
    if isinstance(instance, ActivityReport):
        return Place.objects.filter(pk=instance.place_id).values_list(
            "programme_id", flat=True).first()
    return None


@receiver(post_save, dispatch_uid="programmes_record_saved")
@receiver(post_delete, dispatch_uid="programmes_record_deleted")
def schedule_refresh(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or sender not in (Application, StatusChange, Place, ActivityReport):
        return
    programme_id = _programme_id(instance)
    if programme_id is not None:
        from . import publication

        publication.schedule(programme_id)
