"""Background tasks of the quality app (run by the task queue configured in settings.TASKS)."""

from django_tasks import task

from . import linkcheck, services
from .lease import LinkCheckBusy


@task()
def check_links(urls: list[str] | None = None, limit: int | None = None) -> dict:
    """Check the due remote links (or the given `urls`) and store what was found; when
    another run holds the lease, nothing is checked and the result says why (`skipped`)."""
    try:
        summary = linkcheck.check_links(due=urls is None, urls=urls, limit=limit)
    except LinkCheckBusy as busy:
        return {"skipped": str(busy)}
    return {"checked": summary.checked, "ok": summary.ok, "broken": summary.broken}


@task()
def recompute_quality(dataset_ids: list[int] | None = None) -> int:
    """Recompute the quality score of these datasets (all when None)."""
    if dataset_ids is None:
        return services.recompute_all()
    return services.recompute(dataset_ids)
