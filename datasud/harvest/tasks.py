"""Background tasks of harvesting (run by the task queue configured in settings.TASKS)."""
from django_tasks import task

from . import jobs


@task()
def run_harvest_job(job_id: int) -> dict:
    """Run one queued harvest job; returns its status and counts."""
    job = jobs.run_job(job_id)
    return {"status": job.status, "summary": job.summary()}
