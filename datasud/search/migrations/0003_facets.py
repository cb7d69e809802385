"""Facet values per dataset and their public totals (`DatasetFacet`, `FacetCount`), which
replace the table of formats; and an index on the catalogue's visibility columns.

The index lets a search list the datasets one may see (published, not private, not
archived, or those of one's organisations) with their producer and licence from the index
alone, instead of reading every row of the wide `catalog_dataset` table. It is created here
rather than in the catalogue's models because only search needs it (SQLite: a table rebuilt
by a later catalogue migration loses it; the next migration of this app must then say it
again).

The new tables are filled from the catalogue, so that facets and the format filter keep
working on an existing database without waiting for `datasud rebuild_search_index`.
"""
from collections import defaultdict

from django.db import migrations, models

VISIBILITY_INDEX = {
    "sqlite": [
        # `NOT private` is no equality to SQLite: it comes after archived_at (IS NULL is).
        "CREATE INDEX IF NOT EXISTS search_dataset_visibility ON catalog_dataset "
        "(status, archived_at, private, organisation_id, licence_id)",
    ],
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS search_dataset_visibility ON catalog_dataset "
        "(status, archived_at, private) INCLUDE (id, organisation_id, licence_id)",
    ],
}
DROP_VISIBILITY_INDEX = ["DROP INDEX IF EXISTS search_dataset_visibility"]
BATCH_SIZE = 500
PUBLIC, PUBLIC_ARCHIVED, OTHER = 0, 1, 2


def create_index(apps, schema_editor):
    for sql in VISIBILITY_INDEX.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in VISIBILITY_INDEX:
        for sql in DROP_VISIBILITY_INDEX:
            schema_editor.execute(sql)


def fill_facets(apps, schema_editor):
    """What `indexing.rebuild` writes to the facet tables, from the historical models."""
    db = schema_editor.connection.alias
    Dataset = apps.get_model("catalog", "Dataset")
    Resource = apps.get_model("catalog", "Resource")
    DatasetFacet = apps.get_model("search", "DatasetFacet")
    FacetCount = apps.get_model("search", "FacetCount")
    links = {facet: Dataset._meta.get_field(name).remote_field.through
             for facet, name in (("theme", "themes"), ("tag", "tags"),
                                 ("territory", "territories"))}
    last = 0
    while True:
        rows = list(Dataset.objects.using(db).filter(id__gt=last).order_by("id").values_list(
            "id", "status", "private", "archived_at", "organisation_id", "licence_id",
        )[:BATCH_SIZE])
        if not rows:
            break
        last = rows[-1][0]
        ids = [row[0] for row in rows]
        values = defaultdict(list)
        for facet, through in links.items():
            column = f"{facet}_id"
            for dataset_id, value in (through.objects.using(db).filter(dataset_id__in=ids)
                                      .values_list("dataset_id", column)):
                values[dataset_id].append((facet, str(value)))
        formats = defaultdict(list)
        for dataset_id, fmt in (Resource.objects.using(db).filter(dataset_id__in=ids)
                                .exclude(format="").order_by()
                                .values_list("dataset_id", "format").distinct()):
            if fmt.lower() not in formats[dataset_id]:
                formats[dataset_id].append(fmt.lower())
        facets = []
        for pk, status, private, archived_at, organisation_id, licence_id in rows:
            scope = (OTHER if status != "published" or private
                     else PUBLIC if archived_at is None else PUBLIC_ARCHIVED)
            pairs = [("", ""), ("organisation", str(organisation_id))]
            if licence_id is not None:
                pairs.append(("licence", str(licence_id)))
            pairs += list(dict.fromkeys(values[pk]))
            pairs += [("format", fmt) for fmt in formats[pk]]
            facets += [DatasetFacet(dataset_id=pk, scope=scope, facet=facet, value=value)
                       for facet, value in pairs]
        DatasetFacet.objects.using(db).bulk_create(facets, batch_size=BATCH_SIZE)
    counts = (DatasetFacet.objects.using(db).filter(scope__in=(PUBLIC, PUBLIC_ARCHIVED))
              .order_by().values_list("scope", "facet", "value")
              .annotate(n=models.Count("*")))
    FacetCount.objects.using(db).bulk_create(
        [FacetCount(scope=scope, facet=facet, value=value, n=n)
         for scope, facet, value, n in counts.iterator()],
        batch_size=BATCH_SIZE,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_browse_indexes"),
        ("search", "0002_indexstate_datasetformat"),
    ]

    operations = [
        migrations.CreateModel(
            name="DatasetFacet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("dataset_id", models.BigIntegerField()),
                ("scope", models.PositiveSmallIntegerField(
                    choices=[(0, "public"), (1, "public, archived"),
                             (2, "draft or private")])),
                ("facet", models.CharField(max_length=12)),
                ("value", models.CharField(max_length=40)),
            ],
            options={
                "verbose_name": "valeur de facette d'un jeu de données (index)",
                "indexes": [models.Index(fields=["facet", "value", "dataset_id"],
                                         name="search_datasetfacet_value")],
                "constraints": [models.UniqueConstraint(
                    fields=("dataset_id", "facet", "value"),
                    name="search_datasetfacet_unique")],
            },
        ),
        migrations.CreateModel(
            name="FacetCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("scope", models.PositiveSmallIntegerField(
                    choices=[(0, "public"), (1, "public, archived"),
                             (2, "draft or private")])),
                ("facet", models.CharField(max_length=12)),
                ("value", models.CharField(max_length=40)),
                ("n", models.IntegerField()),
            ],
            options={
                "verbose_name": "nombre de jeux de données par valeur de facette (index)",
                "indexes": [models.Index(fields=["scope", "facet", "n", "value"],
                                         name="search_facetcount_top")],
                "constraints": [models.UniqueConstraint(
                    fields=("scope", "facet", "value"), name="search_facetcount_unique")],
            },
        ),
        migrations.DeleteModel(name="DatasetFormat"),
        migrations.RunPython(fill_facets, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
