"""The in-process task backend: tasks stored in the database, run by a thread of this process.

Why: `make run` must work with nothing else to start, yet background work (ingestion,
harvesting) must survive a restart and be visible (status, errors) like in production. So
tasks go through the same database queue as production (`django_tasks_db`), and instead of
a separate `datasud db_worker` process, a daemon thread of the web process runs them. It is
woken when a task is enqueued (after the enqueuing transaction commits, so the task row is
visible) and also polls every few seconds, which picks up tasks left over by a previous
run of the process. Production sets DATASUD_TASKS=database and runs `datasud db_worker`.

One worker thread per process: loads are heavy (DuckDB already uses every core), so
running two at once in a web process would only slow pages down.
"""
from __future__ import annotations

import atexit
import logging
import threading

from django.db import close_old_connections, connections, transaction
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)

POLL_SECONDS = 5.0


class _WorkerThread:
    def __init__(self, backend_name: str) -> None:
        self.backend_name = backend_name
        self.wake_event = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name=f"datasud-tasks-{backend_name}",
                                       daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.wake_event.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the task at hand, then end the thread (tests, orderly shutdown)."""
        self.stopping = True
        self.wake_event.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        # Imported here: the worker module imports models, which need the app registry.
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(queue_names=["*"], interval=0, batch=True,
                        backend_name=self.backend_name, startup_delay=False, max_tasks=None,
                        worker_id=f"inprocess-{get_random_string(20)}",
                        excluded_queue_names=[])
        while not self.stopping:
            self.wake_event.wait(POLL_SECONDS)
            self.wake_event.clear()
            if self.stopping:
                break
            try:
                close_old_connections()
                worker.run()  # batch mode: runs every ready task, then returns
            except Exception:  # a broken database must not kill the thread for good
                logger.exception("In-process task worker failed; retrying")
            finally:
                connections.close_all()


class InProcessBackend(DatabaseBackend):
    """`django_tasks_db`'s database backend, plus a worker thread in this process."""

    _threads: dict[str, _WorkerThread] = {}
    _threads_lock = threading.Lock()

    def enqueue(self, task, args, kwargs):  # noqa: ANN001 - same signature as the parent
        result = super().enqueue(task, args, kwargs)
        transaction.on_commit(self._worker().wake)
        return result

    def start_worker(self) -> None:
        """Start the worker thread now (the web process calls it at start-up)."""
        self._worker().wake()

    @classmethod
    def stop_workers(cls) -> None:
        with cls._threads_lock:
            workers, cls._threads = list(cls._threads.values()), {}
        for worker in workers:
            worker.stop()

    def _worker(self) -> _WorkerThread:
        with self._threads_lock:
            worker = self._threads.get(self.alias)
            if worker is None or not worker.thread.is_alive():
                worker = self._threads[self.alias] = _WorkerThread(self.alias)
            return worker


# A process that ends (a management command that queued work) lets the thread finish the
# task at hand first: a daemon thread killed inside DuckDB aborts the whole process
# ("terminate called without an active exception"), and a half-done task is retaken later.
atexit.register(InProcessBackend.stop_workers)


def start_inprocess_worker() -> None:
    """Start the worker thread if the default backend is the in-process one."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]  # the backend, not a proxy to it
    if isinstance(backend, InProcessBackend):
        backend.start_worker()
