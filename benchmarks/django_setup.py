"""The Django bootstrap shared by the benchmark scripts that run DataSud in their own process.

A benchmark must never write into the developer's database or `var/` folder, so each one
points the settings at a throw-away folder (and database) before Django starts. The scripts
that start DataSud in subprocesses (bench_datastore.py, bench_load.py, bench_geo.py) build an
environment dict for them instead and do not use this module.

Import it after putting the repository root on `sys.path` (the scripts run as
`python benchmarks/bench_x.py`, which only puts `benchmarks/` there):
    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    from benchmarks.django_setup import django_in  # noqa: E402
"""

from __future__ import annotations

import os
from pathlib import Path


def django_in(
    folder: Path,
    database_url: str | None = None,
    *,
    debug: bool = True,
    env: dict[str, str] | None = None,
    reference: bool = False,
) -> None:
    """Start Django with everything it writes in `folder`, and migrate its database.

    `folder` becomes DATASUD_VAR_DIR (uploaded files, datastore, tile cache); it is created
    if missing. `database_url` defaults to a SQLite file `datasud.sqlite3` in `folder`, set
    explicitly so that a DATABASE_URL exported in the shell is never used by mistake.
    `debug` sets DATASUD_DEBUG (the figures in docs/benchmarks.md are measured with
    DEBUG on unless the script says otherwise). `env` adds or overrides variables, e.g.
    `{"DATASUD_TASKS": "immediate"}`, and is applied last. With `reference`, the territories
    and the reference lists (`load_territories`, `load_reference`) are loaded after the
    migration. Call it once per process, before importing any model.
    """
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "datasud.settings"
    os.environ["DATASUD_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'datasud.sqlite3'}"
    os.environ["DATASUD_DEBUG"] = "1" if debug else "0"
    # Needed when DEBUG is off: the settings refuse to start without one.
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.update(env or {})

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if reference:
        call_command("load_territories", verbosity=0)
        call_command("load_reference", verbosity=0)
