"""The demo content of `datasud load_demo`: the real DataSud catalogue of January 2026
(`data/demo-datasets.csv.gz`, imported like any catalogue export) and a few extras that are
demo-only and labelled as such (`data/demo.json`): fictitious reuses, and a demo partnership
date for the Région's own organisation."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from datasud.catalog.models import Dataset, Organisation, Reuse
from datasud.territories.models import Territory

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_CATALOGUE = DATA_DIR / "demo-datasets.csv.gz"
DEMO_EXTRAS = DATA_DIR / "demo.json"


@transaction.atomic
def load_demo_extras(path: Path = DEMO_EXTRAS) -> dict[str, int]:
    """Create or update the demo reuses; set the Région's demo partnership date if it has
    none. Returns {"reuses": n, "partners": n}."""
    extras = json.loads(path.read_text(encoding="utf-8"))
    reuses = 0
    for entry in extras.get("reuses", []):
        reuse, _ = Reuse.objects.update_or_create(slug=entry["slug"], defaults={
            "title": entry["title"], "type": entry["type"], "url": entry["url"],
            "author_name": entry.get("author_name", ""),
            "description": entry.get("description", ""), "published": True,
        })
        reuse.datasets.set(Dataset.objects.filter(source_id__in=entry.get("datasets", [])))
        reuses += 1
    partners = 0
    signed_on = extras.get("region_partnership_signed_on")
    if signed_on:
        # The organisation responsible for the région, as recognised by the import.
        partners = Organisation.objects.filter(
            territory__level=Territory.Level.REGION, partnership_signed_on__isnull=True,
        ).update(partnership_signed_on=dt.date.fromisoformat(signed_on))
    return {"reuses": reuses, "partners": partners}
