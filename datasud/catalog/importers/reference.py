"""Loading the catalogue's reference tables shipped in `catalog/data/`: the 16 DataSud themes
(`themes.json`) and the licences (`licences.json`). Idempotent: rows are matched on their
slug and updated; rows added by hand in the admin are left alone."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from datasud.catalog.models import Licence, Theme

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
THEME_FIELDS = ["name", "name_en", "description", "iso_topic", "position"]
LICENCE_FIELDS = ["title", "url", "alternate_titles", "is_open", "position"]


@dataclass
class ReferenceLoadReport:
    themes_created: int = 0
    themes_updated: int = 0
    licences_created: int = 0
    licences_updated: int = 0

    def __str__(self) -> str:
        return (f"thèmes : {self.themes_created} créés, {self.themes_updated} mis à jour ; "
                f"licences : {self.licences_created} créées, {self.licences_updated} mises à jour")


def _read(name: str, data_dir: Path) -> list[dict]:
    return json.loads((data_dir / name).read_text(encoding="utf-8"))


def _upsert(model, rows: list[dict], fields: list[str]) -> tuple[int, int]:
    existing = {o.slug: o for o in model.objects.filter(slug__in=[r["slug"] for r in rows])}
    created, updated = [], []
    for row in rows:
        obj = existing.get(row["slug"])
        if obj is None:
            created.append(model(slug=row["slug"], **{f: row[f] for f in fields}))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            updated.append(obj)
    model.objects.bulk_create(created)
    model.objects.bulk_update(updated, fields)
    return len(created), len(updated)


@transaction.atomic
def load_reference(data_dir: Path = DATA_DIR) -> ReferenceLoadReport:
    """Create or update the shipped themes and licences."""
    themes = _read("themes.json", data_dir)
    licences = _read("licences.json", data_dir)
    for position, licence in enumerate(licences, start=1):
        licence.setdefault("position", position)
        licence["url"] = licence.get("url") or ""
    report = ReferenceLoadReport()
    report.themes_created, report.themes_updated = _upsert(Theme, themes, THEME_FIELDS)
    report.licences_created, report.licences_updated = _upsert(Licence, licences, LICENCE_FIELDS)
    return report
