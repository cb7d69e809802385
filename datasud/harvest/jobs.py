"""Running a harvest job: ask for one, run it, and find the sources whose schedule is due.

A job reads the whole list of the source first; only once that succeeded does it write,
dataset by dataset (each in its own transaction: one failing dataset is reported and the
others go on), then archives what the source no longer lists. A source that times out or
answers garbage fails the job with the reason, before anything is touched.

One job at a time per source: running claims the source (`running_since`, set by one
conditional UPDATE, atomic on SQLite and PostgreSQL). A running job records its process
(`runner`, "host:pid"): if that process is gone from this host (kill -9, crash), the job is
failed and the source released at once; a claim older than HARVEST_LOCK_TIMEOUT (default
6 h) is taken for the leftover of a crashed process on another host.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datasud.catalog.services import CatalogError

from . import sync
from .actor import harvest_actor
from .backends import RecordError, SourceError, backend_for
from .http import Fetcher
from .matching import CatalogueMatcher
from .models import HarvestJob, HarvestRecord, HarvestSource

logger = logging.getLogger(__name__)

# Entries of each list kept in a job's report (the counts stay exact beyond).
REPORT_LIMIT = 1000
Status = HarvestJob.Status
PENDING = [Status.QUEUED, Status.RUNNING]


class HarvestBusy(Exception):
    """A job of this source is already queued or running."""


def _lock_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "HARVEST_LOCK_TIMEOUT", 6 * 3600)))


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_gone(runner: str) -> bool:
    """True if `runner` ("host:pid") was a process of this host that no longer exists."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only the lock timeout can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, owned by another user
    return False


ABANDONED = "Abandonné : le processus qui l'exécutait s'est arrêté."


def fail_abandoned(source: HarvestSource) -> int:
    """Jobs left queued or running by a process that died no longer block the source.
    Returns how many were failed."""
    now = timezone.now()
    limit = now - _lock_timeout()
    failed = source.jobs.filter(status__in=PENDING).filter(
        Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit)
    ).update(status=Status.FAILED, finished_at=now, error=ABANDONED)
    dead = [job.pk for job in source.jobs.filter(status=Status.RUNNING).exclude(runner="")
            if _is_gone(job.runner)]
    if dead:
        failed += HarvestJob.objects.filter(pk__in=dead, status=Status.RUNNING).update(
            status=Status.FAILED, finished_at=now, error=ABANDONED)
        # Its claim on the source died with it.
        HarvestSource.objects.filter(pk=source.pk).update(running_since=None)
    return failed



def create_job(source: HarvestSource, user=None,
               trigger: str = HarvestJob.Trigger.MANUAL) -> HarvestJob:
    """A queued job for `source`; `HarvestBusy` if one is already queued or running."""
    fail_abandoned(source)
    if source.jobs.filter(status__in=PENDING).exists():
        raise HarvestBusy(f"Un moissonnage de « {source} » est déjà demandé ou en cours.")
    return HarvestJob.objects.create(
        source=source, trigger=trigger,
        requested_by=user if getattr(user, "is_authenticated", False) else None)


def request_harvest(source: HarvestSource, user=None,
                    trigger: str = HarvestJob.Trigger.MANUAL) -> HarvestJob:
    """Queue a job of `source` on the task queue (run once the transaction commits)."""
    from .tasks import run_harvest_job  # the task module imports this one

    job = create_job(source, user, trigger)
    transaction.on_commit(lambda: run_harvest_job.enqueue(job.pk))
    return job


def run_job(job_id: int, progress: Callable[[str], object] | None = None) -> HarvestJob:
    """Run a queued job to its end; its status and report say how it went."""
    job = HarvestJob.objects.select_related("source").get(pk=job_id)
    if job.status != Status.QUEUED:
        return job
    source, now = job.source, timezone.now()
    fail_abandoned(source)
    claimed = HarvestSource.objects.filter(pk=source.pk).filter(
        Q(running_since__isnull=True) | Q(running_since__lt=now - _lock_timeout())
    ).update(running_since=now)
    if not claimed:
        return _finish(job, Status.FAILED, "Un autre moissonnage de cette source est en cours.")
    try:
        job.status, job.started_at, job.runner = Status.RUNNING, now, this_process()
        job.save(update_fields=["status", "started_at", "runner"])
        _Harvest(job, progress or (lambda message: None)).run()
    except SourceError as exc:
        return _finish(job, Status.FAILED, str(exc))
    except Exception as exc:
        logger.exception("Harvest job %s of source %s failed", job.pk, source.pk)
        return _finish(job, Status.FAILED, f"Erreur inattendue ({type(exc).__name__} : {exc}).")
    finally:
        HarvestSource.objects.filter(pk=source.pk).update(running_since=None)
    return _finish(job, Status.PARTIAL if job.errors else Status.SUCCEEDED)


def _finish(job: HarvestJob, status: str, error: str = "") -> HarvestJob:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save()
    return job


def harvest_now(source: HarvestSource, user=None, trigger: str = HarvestJob.Trigger.MANUAL,
                progress: Callable[[str], object] | None = None) -> HarvestJob:
    """Create a job and run it here and now (the `datasud harvest` command)."""
    return run_job(create_job(source, user, trigger).pk, progress)


def due_sources(now: dt.datetime | None = None) -> list[HarvestSource]:
    """Active sources whose schedule wants a run now and that have none pending."""
    now = now or timezone.now()
    due = []
    for source in HarvestSource.objects.filter(active=True).exclude(
            schedule=HarvestSource.Schedule.MANUAL):
        fail_abandoned(source)
        if source.jobs.filter(status__in=PENDING).exists():
            continue
        last = source.jobs.order_by("-created_at").values_list("created_at", flat=True).first()
        next_run = source.next_run_at(last)
        if next_run is not None and (last is None or next_run <= now):
            due.append(source)
    return due


class _Harvest:
    def __init__(self, job: HarvestJob, progress: Callable[[str], object]):
        self.job = job
        self.source = job.source
        self.progress = progress
        self.report: dict[str, list] = {"errors": [], "notes": []}
        self.actor = harvest_actor()

    def run(self) -> None:
        job, source = self.job, self.source
        fetcher = Fetcher(source.url)
        try:
            backend = backend_for(source.kind, source.url, fetcher, source.config)
            entries = self._list(backend)
        finally:
            fetcher.close()
        records = {r.remote_id: r for r in source.records.select_related("dataset")}
        listed = {e.remote_id for e in entries}
        if not entries and any(r.dataset_id and r.withdrawn_at is None
                               for r in records.values()):
            raise SourceError("La source ne liste plus aucun jeu de données : par prudence rien "
                              "n'est retiré (désactivez la source si c'est voulu).")
        job.listed = len(entries)
        job.save(update_fields=["listed"])
        matcher = CatalogueMatcher(source, self.actor)
        for position, entry in enumerate(entries, 1):
            self._harvest_entry(backend, entry, records.get(entry.remote_id), matcher)
            if position % 50 == 0:
                job.report = self.report
                job.save()
                self.progress(f"{position}/{len(entries)} jeux de données traités")
        for remote_id, record in records.items():
            if remote_id not in listed and record.withdrawn_at is None:
                if sync.withdraw(job, record, self.actor):
                    job.withdrawn += 1
        job.report = self.report
        job.save()
        self.progress(job.summary())

    def _list(self, backend) -> list:
        limit = int(getattr(settings, "HARVEST_MAX_RECORDS", 50_000))
        excluded = set(self.source.config.get("exclude") or [])
        entries = []
        for entry in backend.entries():
            if entry.remote_id in excluded:
                continue
            entries.append(entry)
            if len(entries) > limit:
                raise SourceError(f"La source liste plus de {limit} jeux de données : "
                                  "filtrez-la (configuration) ou relevez HARVEST_MAX_RECORDS.")
            if len(entries) % 500 == 0:
                self.progress(f"{len(entries)} jeux de données listés…")
        self.progress(f"{len(entries)} jeux de données listés par la source")
        return entries

    def _harvest_entry(self, backend, entry, record: HarvestRecord | None, matcher) -> None:
        job = self.job
        try:
            remote = backend.to_dataset(entry)
            outcome, notes = sync.harvest_one(job, remote, record, matcher, self.actor)
        except (RecordError, CatalogError, PermissionDenied) as exc:
            self._add("errors", entry, reason=str(exc))
            job.errors += 1
            return
        except Exception as exc:  # one broken dataset must not stop the others
            logger.exception("Harvesting %s of source %s failed", entry.remote_id,
                             self.source.pk)
            self._add("errors", entry, reason=f"erreur inattendue ({type(exc).__name__} : "
                                               f"{exc})")
            job.errors += 1
            return
        if outcome == sync.CREATED:
            job.created += 1
        elif outcome == sync.UPDATED:
            job.updated += 1
        elif outcome == sync.UNCHANGED:
            job.unchanged += 1
        for note in notes:
            self._add("notes", entry, note=note)

    def _add(self, kind: str, entry, **values) -> None:
        if len(self.report[kind]) < REPORT_LIMIT:
            self.report[kind].append({"remote_id": entry.remote_id, "title": entry.title,
                                      **values})
