"""Background work of the programmes (run by the task queue configured in settings.TASKS)."""

from django_tasks import task


@task()
def refresh_publication(programme_id: int) -> dict:
    """Republish one programme's indicators dataset (queued by `publication.schedule`)."""
    from . import publication

    return publication.refresh(programme_id)


@task()
def notify_status_change(change_id: int) -> int:
    """E-mail the applicant organisation's members about one move (notifications.py)."""
    from . import notifications

    return notifications.send_status_change(change_id)


@task()
def notify_submission(application_id: int) -> int:
    """E-mail the staff's programme mailbox about a new application."""
    from . import notifications

    return notifications.send_submission(application_id)


@task()
def notify_assignment(application_id: int) -> int:
    """E-mail a consultant about the application assigned to them."""
    from . import notifications

    return notifications.send_assignment(application_id)
