from django.db import migrations, models


def name_archiving_entries(apps, schema_editor):
    # Harvesting wrote its archivings as plain updates of `archived_at` before the services
    # had an archiving operation: give them their own action.
    Activity = apps.get_model("catalog", "Activity")
    entries = Activity.objects.filter(action="updated", changes__has_key="archived_at")
    for entry in entries.iterator():
        if set(entry.changes) != {"archived_at"}:
            continue
        entry.action = "unarchived" if entry.changes["archived_at"][1] is None else "archived"
        entry.save(update_fields=["action"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_browse_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="actor_deleted",
            field=models.BooleanField(default=False,
                                      verbose_name="compte de l'auteur supprimé"),
        ),
        migrations.AlterField(
            model_name="activity",
            name="action",
            field=models.CharField(choices=[
                ("created", "création"), ("updated", "modification"),
                ("published", "publication"), ("unpublished", "dépublication"),
                ("resource_added", "ajout d'une ressource"),
                ("resource_updated", "modification d'une ressource"),
                ("resource_deleted", "suppression d'une ressource"), ("imported", "import"),
                ("archived", "archivage"), ("unarchived", "désarchivage"),
            ], max_length=20),
        ),
        migrations.RunPython(name_archiving_entries, migrations.RunPython.noop),
    ]
