"""Preparing something slow in a background thread before the first request needs it: the
diagnostic engine (`employment/services.py`), the suggestion model
(`intelligence/services.py`). Each is started as a web process starts and by the page
that leads to it; a request that comes first prepares it itself, as without warm-up.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django import db


class WarmUp:
    """One thing to prepare: `prepare` builds it (and keeps it where requests find it),
    `ready` says whether it is there, `enabled` whether warm-up is on (a setting; off in
    the tests). At most one thread at a time; a failure is logged with `failure` and the
    next `start` tries again."""

    def __init__(self, name: str, prepare: Callable[[], object], ready: Callable[[], bool],
                 enabled: Callable[[], bool], failure: str, logger: logging.Logger):
        self.name, self.failure, self.logger = name, failure, logger
        self._prepare, self._ready, self._enabled = prepare, ready, enabled
        self._lock = threading.Lock()
        self._running = False

    def start(self) -> bool:
        """Start preparing in a background thread unless it is ready, being prepared or
        switched off; True when a thread was started."""
        if not self._enabled() or self._ready():
            return False
        with self._lock:
            if self._running or self._ready():
                return False
            self._running = True
        threading.Thread(target=self._run, name=self.name, daemon=True).start()
        return True

    def _run(self) -> None:
        try:
            self._prepare()
        except Exception:  # noqa: BLE001 - logged; the next real request reports it
            self.logger.exception(self.failure)
        finally:
            self._running = False
            db.connections.close_all()  # this thread's own connections, if it opened any
