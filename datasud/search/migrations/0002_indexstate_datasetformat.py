from django.db import migrations, models

import datasud.search.models


def create_state(apps, schema_editor):
    IndexState = apps.get_model("search", "IndexState")
    IndexState.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_dataset_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(default=datasud.search.models.new_token, max_length=32)),
            ],
            options={"verbose_name": "état de l'index de recherche"},
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
        migrations.CreateModel(
            name="DatasetFormat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("dataset_id", models.BigIntegerField()),
                ("format", models.CharField(max_length=40)),
            ],
            options={
                "verbose_name": "format d'un jeu de données (index)",
                "indexes": [models.Index(fields=["format", "dataset_id"], name="search_datasetformat_format")],
                "constraints": [models.UniqueConstraint(fields=("dataset_id", "format"), name="search_datasetformat_unique")],
            },
        ),
    ]
