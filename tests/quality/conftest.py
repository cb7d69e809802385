"""A producer's web server on localhost for the link checker: a threaded HTTP server whose
answers tests choose per path, and which records every request (method, path, start, end)
so that tests can prove the checker's politeness."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Hit:
    method: str
    path: str
    start: float
    end: float
    range: str | None


@dataclass
class Answer:
    status: int = 200
    headers: dict | None = None
    head_status: int | None = None  # HEAD answered differently (405: HEAD refused)
    delay: float = 0.0


class Site:
    def __init__(self):
        self.answers: dict[str, Answer] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, head: bool) -> None:
                # Recorded before answering, so that the client never sees a response whose
                # hit is not listed yet; `end` is set once the answer is sent.
                hit = Hit("HEAD" if head else "GET", self.path, time.monotonic(), math.inf,
                          self.headers.get("Range"))
                with site.lock:
                    site.hits.append(hit)
                answer = site.answers.get(self.path, Answer(status=404))
                if answer.delay:
                    time.sleep(answer.delay)
                status = answer.head_status if head and answer.head_status else answer.status
                body = b"x" * 10
                try:
                    self.send_response(status)
                    for name, value in (answer.headers or {}).items():
                        self.send_header(name, value)
                    if not (answer.headers or {}).get("Content-Length"):
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if not head:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                hit.end = time.monotonic()

            def do_HEAD(self):  # noqa: N802 - the http.server API
                self._answer(head=True)

            def do_GET(self):  # noqa: N802
                self._answer(head=False)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(settings):
    # The SSRF guard refuses local addresses; this producer's server is on localhost.
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    server = Site()
    yield server
    server.close()
