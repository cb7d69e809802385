"""Background work of the programmes (run by the task queue configured in settings.TASKS)."""
from django_tasks import task


@task()
def refresh_publication(programme_id: int) -> dict:
    """Republish one programme's indicators dataset (queued by `publication.schedule`)."""
    from . import publication

    return publication.refresh(programme_id)
