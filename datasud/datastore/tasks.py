"""Background tasks of the datastore (run by the task queue configured in settings.TASKS)."""
from django_tasks import task

from . import services


@task()
def load_resource(load_id: int) -> dict:
    """Load one queued version of a resource into the datastore."""
    return services.run_load(load_id)
