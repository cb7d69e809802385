"""kill -9 in the middle of the work: a real worker process during an ingestion, a real web
server during an upload. After the restart nothing published is lost, the interrupted job
is marked failed and can be run again, and no half file is left in storage."""
import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from datasud.accounts.models import ApiToken
from datasud.catalog import services as catalog
from datasud.catalog.models import Resource
from datasud.datastore.models import Load
from datasud.datastore.services import request_load
from datasud.operations.cleanup import referenced_media

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CSV_HEADER = b"code;nom;valeur\n"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}")


def platform_env(**extra: str) -> dict[str, str]:
    """The environment of a second process of the same platform (same database, files)."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url(),
        "DATASUD_VAR_DIR": str(Path(settings.MEDIA_ROOT).parent),
        "DATASUD_DATASTORE_DIR": str(settings.DATASTORE_DIR),
        "DATASUD_DATASTORE_ALLOW_PRIVATE_URLS": "1",
        "DATASUD_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def wait_for(condition, timeout: float = 90, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


class SlowCsv:
    """A remote CSV: fast when `slow` is False, else it drips rows for a long time (the
    worker is killed while downloading it)."""

    def __init__(self):
        self.slow = False
        self.started = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.end_headers()
                self.wfile.write(CSV_HEADER)
                rows = 200 if not owner.slow else 100_000
                for i in range(rows):
                    self.wfile.write(f"{i:05d};Commune {i};{i * 1.5}\n".encode())
                    if owner.slow:
                        owner.started.set()
                        time.sleep(0.01)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/communes.csv"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def remote_csv():
    source = SlowCsv()
    yield source
    source.close()


def test_worker_killed_during_an_ingestion(settings, make_dataset, editor, remote_csv,
                                           client, django_capture_on_commit_callbacks):
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    dataset = make_dataset("Communes")
    with django_capture_on_commit_callbacks(execute=True):
        resource = catalog.add_resource(editor, dataset, url=remote_csv.url, format="csv")
    first = Load.objects.get(resource=resource, is_current=True)
    assert first.tables.get().row_count == 200

    # A new version is queued for a separate worker process, which gets killed mid-way.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    remote_csv.slow = True
    with django_capture_on_commit_callbacks(execute=True):
        second = request_load(resource)
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--queue-name", "*",
         "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=platform_env(DATASUD_TASKS="database"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert remote_csv.started.wait(90), "the worker never started the download"
        wait_for(lambda: Load.objects.get(pk=second.pk).status == Load.Status.RUNNING)
        time.sleep(0.3)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    # What was published is still served, unchanged.
    response = client.get(f"/api/1/datastore/{resource.pk}/records/")
    assert response.status_code == 200 and response.json()["total"] == 200
    assert Load.objects.get(resource=resource, is_current=True).pk == first.pk

    # The interrupted load is marked failed, its half folder removed...
    call_command("cleanup_storage", "--grace-minutes", "0", verbosity=0)
    second.refresh_from_db()
    assert second.status == Load.Status.FAILED
    assert second.error["code"] == "interrupted"
    version_dirs = sorted(p.name for p in
                          (Path(settings.DATASTORE_DIR) / "resources" / str(resource.pk))
                          .iterdir())
    assert version_dirs == [Path(first.directory).name]

    # ... and the load can simply be run again.
    remote_csv.slow = False
    settings.TASKS = {"default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        third = request_load(resource)
    third.refresh_from_db()
    assert third.status == Load.Status.SUCCEEDED and third.is_current


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "datasud.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        cwd=ROOT, env=platform_env(DATASUD_TASKS="immediate"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ready():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(ready, timeout=90)
    return server


def test_server_killed_during_an_upload(make_dataset, editor):
    dataset = make_dataset("Horaires")
    kept = catalog.add_resource(editor, dataset, upload=_small_upload())
    kept_digest = hashlib.sha256(Path(kept.file.path).read_bytes()).hexdigest()
    _token, raw = ApiToken.issue(editor, "crash")
    port = free_port()
    server = start_server(port)
    try:
        boundary = "datasud-crash-test"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"gros.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        total = 40 * 1024 * 1024
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection_.putrequest("POST", f"/api/1/datasets/{dataset.slug}/resources/")
        connection_.putheader("Authorization", f"Bearer {raw}")
        connection_.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection_.putheader("Content-Length", str(len(head) + total + 40))
        connection_.endheaders()
        connection_.send(head)
        chunk = CSV_HEADER + b"00001;Nice;1.5\n" * 65536
        try:
            for _ in range(8):  # about a third of the file, then the server dies
                connection_.send(chunk)
        except (ConnectionResetError, BrokenPipeError):
            # A loaded machine may see the server drop the connection first: what follows
            # (nothing half-made, nothing lost) must hold all the same.
            pass
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)

    # Nothing half-made in the catalogue; what was there is intact.
    assert list(Resource.objects.filter(dataset=dataset)) == [kept]
    assert hashlib.sha256(Path(kept.file.path).read_bytes()).hexdigest() == kept_digest
    # Storage holds only referenced files (after the clean-up of anything left behind).
    call_command("cleanup_storage", "--grace-minutes", "0", verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    stored = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    assert stored == referenced_media()

    # The restarted server serves the dataset and takes a new upload.
    server = start_server(port)
    try:
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection_.request("GET", f"/api/1/datasets/{dataset.slug}/")
        answer = connection_.getresponse()
        assert answer.status == 200
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)


def _small_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("petit.csv", CSV_HEADER + b"04070;Digne;1.5\n")
