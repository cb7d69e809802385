"""Importing a data.gouv.fr catalogue export (the `;`-separated CSV of datasets, plain or
gzipped) into the catalogue.

`import_catalog_csv(path_or_file)` creates or updates (matched on `source_id`, the CSV `id`)
one published dataset per line, with its producer organisation, tags, licence, themes
(guessed from tags and title, see `themes.py`), territories, frequency, temporal coverage and
one remote resource per listed format. It works in batches of bulk queries inside one
transaction, so a 60,000-line file takes about a minute (`export_format.py` reads
and checks the lines); bad lines are reported with their
line number and skipped, the others imported. What each column becomes is documented in
`catalog/data/README.md`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from datasud.catalog.models import (
    Activity,
    Dataset,
    Licence,
    Organisation,
    Resource,
    Tag,
    Theme,
)
from datasud.search import indexing

from .export_format import (
    CatalogImportError,
    LineError,
    LineParser,
    Row,
    check_header,
    licence_index,
    open_source,
    read_records,
)
from .places import TerritoryNames, guess_organisation_type, type_from_territory
from .themes import ThemeMatcher, default_matcher

__all__ = ["CatalogImportError", "ImportReport", "import_catalog_csv"]

BATCH_SIZE = 500
# A re-import refreshes the fields read from the file; status, privacy and slug stay as the
# platform's team left them. Changes of these ones are written to the dataset's history:
TRACKED = ["title", "description", "organisation", "licence", "frequency", "temporal_start",
           "temporal_end"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    # (line number in the file, message): lines not imported...
    errors: list[tuple[int, str]] = field(default_factory=list)
    # ...and lines imported with something left out (unknown licence...). Line 0 = the file.
    warnings: list[tuple[int, str]] = field(default_factory=list)
    organisations_created: int = 0

    @property
    def lines(self) -> int:
        return self.created + self.updated + self.skipped

    def __str__(self) -> str:
        return (f"{self.created} jeux de données créés, {self.updated} mis à jour, "
                f"{self.skipped} lignes ignorées ({len(self.errors)} erreurs, "
                f"{len(self.warnings)} avertissements), "
                f"{self.organisations_created} organisations créées")



# --- writing a batch -------------------------------------------------------------------------

class _Writer:
    def __init__(self, actor, report: ImportReport, matcher: ThemeMatcher):
        self.actor = actor if getattr(actor, "pk", None) else None
        self.report = report
        self.matcher = matcher
        self.now = timezone.now()
        self.places = TerritoryNames()
        self.themes = dict(Theme.objects.values_list("slug", "id"))
        organisations = list(Organisation.objects.only(
            "id", "slug", "name", "territory_id", "source_id"))
        self.organisations = {o.slug: o for o in organisations}
        # The source catalogue's organisation id is the reliable key; the name's slug is the
        # fallback for files without it.
        self.organisations_by_source = {o.source_id: o for o in organisations if o.source_id}
        self.slugs = set(Dataset.objects.values_list("slug", flat=True))
        self.tag_ids: dict[str, int] = {}

    def organisation(self, row: Row) -> Organisation:
        name = row.organisation
        slug = slugify(name)[:255].strip("-") or "organisation"
        organisation = self.organisations_by_source.get(row.organisation_source_id) if (
            row.organisation_source_id) else None
        if organisation is None:
            organisation = self.organisations.get(slug)
        if organisation is None:
            org_type = guess_organisation_type(name)
            territory = self.places.for_organisation(name, org_type, row.regional_source)
            if territory is not None and org_type == Organisation.Type.AUTRE:
                org_type = type_from_territory(territory)
            organisation = Organisation(name=name, slug=slug, type=org_type,
                                        territory=territory, created_at=self.now,
                                        source_id=row.organisation_source_id)
            organisation.save()
            self.organisations[slug] = organisation
            if organisation.source_id:
                self.organisations_by_source[organisation.source_id] = organisation
            self.report.organisations_created += 1
        return organisation

    def unique_slug(self, text: str) -> str:
        base = slugify(text)[:250].strip("-") or "jeu-de-donnees"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def tags(self, names: set[str]) -> None:
        missing = [n for n in names if n not in self.tag_ids]
        if missing:
            Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
            for i in range(0, len(missing), 500):
                self.tag_ids.update(Tag.objects.filter(name__in=missing[i:i + 500])
                                    .values_list("name", "id"))

    def write(self, rows: list[Row]) -> None:
        existing: dict[str, Dataset] = {}
        for dataset in Dataset.objects.filter(source_id__in=[r.source_id for r in rows]):
            existing.setdefault(dataset.source_id, dataset)

        created: list[tuple[Row, Dataset]] = []
        updated: list[tuple[Row, Dataset]] = []
        activities: list[Activity] = []
        old_pages: set[str] = set()
        for row in rows:
            organisation = self.organisation(row)
            created_at = row.created_at or self.now
            values = {
                "title": row.title, "description": row.description,
                "organisation": organisation, "licence": row.licence,
                "frequency": row.frequency, "temporal_start": row.temporal_start,
                "temporal_end": row.temporal_end, "created_at": created_at,
                "modified_at": row.modified_at or created_at, "published_at": created_at,
                "source_url": row.page_url, "archived_at": row.archived_at,
            }
            dataset = existing.get(row.source_id)
            if dataset is None:
                dataset = Dataset(slug=self.unique_slug(row.slug), status=Dataset.Status.PUBLISHED,
                                  source_id=row.source_id, created_by=self.actor, **values)
                created.append((row, dataset))
                continue
            if row.created_at is None:  # keep the date given by the first import
                values.pop("created_at")
                values["published_at"] = dataset.published_at or dataset.created_at
                values["modified_at"] = row.modified_at or dataset.modified_at
            changes, changed = {}, {}
            for name, value in values.items():
                attname = f"{name}_id" if name in ("organisation", "licence") else name
                before = getattr(dataset, attname)
                after = value.pk if attname != name and value is not None else value
                if before != after:
                    changed[attname] = after
                    if name in TRACKED:
                        changes[name] = [_plain(getattr(dataset, name)), _plain(value)]
            old_pages.add(dataset.source_url)
            for name, value in values.items():
                setattr(dataset, name, value)
            updated.append((row, dataset))
            if changed:
                # One small UPDATE per changed row: much faster than bulk_update's CASE
                # expressions, and nothing at all for the rows a re-import leaves unchanged.
                Dataset.objects.filter(pk=dataset.pk).update(**changed)
            if changes:
                activities.append(Activity(dataset=dataset, actor=self.actor, created_at=self.now,
                                           action=Activity.Action.IMPORTED, changes=changes))

        Dataset.objects.bulk_create([d for _, d in created], batch_size=BATCH_SIZE)
        activities.extend(
            Activity(dataset=d, actor=self.actor, action=Activity.Action.IMPORTED,
                     created_at=self.now, changes={"source": [None, d.source_url or r.source_id]})
            for r, d in created
        )
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        self._relations(created + updated, [d.pk for _, d in updated], old_pages)
        self.report.created += len(created)
        self.report.updated += len(updated)

    def _relations(self, pairs: list[tuple[Row, Dataset]], updated_ids: list[int],
                   old_pages: set[str]) -> None:
        Themes = Dataset.themes.through
        Tags = Dataset.tags.through
        Territories = Dataset.territories.through
        if updated_ids:
            # What the source says replaces what a previous import said.
            for through in (Themes, Tags, Territories):
                through.objects.filter(dataset_id__in=updated_ids).delete()
            pages = (old_pages | {r.page_url for r, _ in pairs}) - {""}
            Resource.objects.filter(dataset_id__in=updated_ids, kind=Resource.Kind.URL,
                                    url__in=pages).delete()
        self.tags({t for r, _ in pairs for t in r.tags})
        themes, tags, territories, resources = [], [], [], []
        for row, dataset in pairs:
            tags.extend((dataset.pk, self.tag_ids[t]) for t in row.tags)
            slugs = self.matcher.match(row.tags, row.title)
            themes.extend((dataset.pk, self.themes[s]) for s in sorted(slugs) if s in self.themes)
            territory_ids = [t.pk for t in self.places.zones(row.zones)]
            if not territory_ids and dataset.organisation.territory_id:
                territory_ids = [dataset.organisation.territory_id]
            territories.extend((dataset.pk, t) for t in territory_ids)
            if row.page_url:
                resources.extend(
                    Resource(dataset_id=dataset.pk, kind=Resource.Kind.URL, url=row.page_url,
                             title=f"{row.title[:280]} ({fmt.upper()})", format=fmt,
                             position=i, created_at=dataset.created_at,
                             modified_at=dataset.modified_at)
                    for i, fmt in enumerate(row.formats)
                )
        _insert_links(Tags, "tag", tags)
        _insert_links(Themes, "theme", themes)
        _insert_links(Territories, "territory", territories)
        Resource.objects.bulk_create(resources, batch_size=BATCH_SIZE)
        # Plain inserts send no m2m signal: the extents (search by map area) are set here.
        from datasud.geo.extent import refresh_spatial_bbox

        refresh_spatial_bbox([d.pk for _, d in pairs])
        # ... and so is the metadata quality score (search sorts on it).
        from datasud.quality.services import recompute

        recompute([d.pk for _, d in pairs])


def _insert_links(through, target: str, pairs: list[tuple[int, int]]) -> None:
    """Insert (dataset id, target id) rows into a many-to-many table. Plain SQL: building
    hundreds of thousands of through-model instances would take most of the import time."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    left = quote(through._meta.get_field("dataset").column)
    right = quote(through._meta.get_field(target).column)
    with connection.cursor() as cursor:
        for i in range(0, len(pairs), 5000):
            cursor.executemany(f"INSERT INTO {table} ({left}, {right}) VALUES (%s, %s)",
                               pairs[i:i + 5000])


def _plain(value):
    if isinstance(value, (Licence, Organisation)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# --- the public function ---------------------------------------------------------------------

def import_catalog_csv(source, *, actor=None, progress=None, reindex: bool = True,
                       matcher: ThemeMatcher | None = None) -> ImportReport:
    """Import a data.gouv.fr catalogue CSV export.

    `source` is a path (`.csv` or `.csv.gz`) or an open file (text, or binary possibly
    gzipped). `actor` is recorded as the author of the created datasets and of their history
    entries. `progress`, if given, is a progress bar whose `update(n)` is called as lines are
    read (a tqdm bar fits). With `reindex`, the search index is rebuilt once at the end.

    Returns an `ImportReport`; raises `CatalogImportError` when the source cannot be read or
    is not a catalogue export (nothing is imported then).
    """
    report = ImportReport()
    matcher = matcher or default_matcher()
    with open_source(source) as stream, transaction.atomic():
        records = read_records(stream)
        first = next(records, None)
        if first is None:
            raise CatalogImportError("Le fichier est vide.")
        header = check_header(first[1])
        licences = licence_index()
        parser = LineParser(header, licences,
                            lambda line, message: report.warnings.append((line, message)))
        writer = _Writer(actor, report, matcher)
        if not licences:
            report.warnings.append((0, "aucune licence chargée : lancez `datasud load_reference`"))
        if not writer.themes:
            report.warnings.append((0, "aucun thème chargé : lancez `datasud load_reference`"))
        if not writer.places:
            report.warnings.append((0, "aucun territoire chargé : lancez "
                                       "`datasud load_territories`"))
        batch: list[Row] = []
        for line, record in records:
            if not record or record == [""]:
                continue  # blank line
            try:
                batch.append(parser.parse(line, record))
            except LineError as exc:
                report.errors.append((line, str(exc)))
                report.skipped += 1
            if len(batch) >= BATCH_SIZE:
                writer.write(batch)
                if progress is not None:
                    progress.update(len(batch))
                batch = []
        if batch:
            writer.write(batch)
            if progress is not None:
                progress.update(len(batch))
    if reindex:
        indexing.rebuild()
    return report
