"""Facet counts within one value of another facet (`FacetPairCount`), filled from the
facet rows already indexed (what `indexing.rebuild` would write), and the scope in the
index of a facet value's datasets."""
from django.db import migrations, models

WITHIN_FACETS = ("theme", "organisation", "licence", "format")
SUMMED_SCOPES = (0, 1)


def fill_pairs(apps, schema_editor):
    DatasetFacet = apps.get_model("search", "DatasetFacet")
    FacetPairCount = apps.get_model("search", "FacetPairCount")
    quote = schema_editor.connection.ops.quote_name
    facets, pairs = quote(DatasetFacet._meta.db_table), quote(FacetPairCount._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {pairs} (scope, within_facet, within_value, facet, value, n) "
        f"SELECT a.scope, a.facet, a.value, b.facet, b.value, COUNT(*) FROM {facets} a "
        f"JOIN {facets} b ON b.dataset_id = a.dataset_id "
        f"WHERE a.scope IN (%s, %s) AND a.facet IN (%s, %s, %s, %s) "
        f"GROUP BY a.scope, a.facet, a.value, b.facet, b.value",
        [*SUMMED_SCOPES, *WITHIN_FACETS])


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_indexstate_vocabulary'),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetPairCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.PositiveSmallIntegerField(choices=[(0, 'public'), (1, 'public, archived'), (2, 'draft or private')])),
                ('within_facet', models.CharField(max_length=12)),
                ('within_value', models.CharField(max_length=40)),
                ('facet', models.CharField(max_length=12)),
                ('value', models.CharField(max_length=40)),
                ('n', models.IntegerField()),
            ],
            options={
                'verbose_name': 'nombre de jeux de données par paire de valeurs de facettes (index)',
                'indexes': [models.Index(fields=['scope', 'within_facet', 'within_value', 'facet', 'n', 'value'], name='search_facetpair_top'), models.Index(condition=models.Q(('n__lte', 0)), fields=['n'], name='search_facetpair_empty')],
                'constraints': [models.UniqueConstraint(fields=('scope', 'within_facet', 'within_value', 'facet', 'value'), name='search_facetpaircount_unique')],
            },
        ),
        migrations.RunPython(fill_pairs, migrations.RunPython.noop),
        # The scope in the index of one value's datasets: anonymous counts read filters as
        # ranges of it (see `filters.indexed_set_sql`).
        migrations.RemoveIndex(model_name="datasetfacet", name="search_datasetfacet_value"),
        migrations.AddIndex(
            model_name="datasetfacet",
            index=models.Index(fields=["facet", "value", "scope", "dataset_id"],
                               name="search_datasetfacet_scoped"),
        ),
    ]
