"""Dataset.spatial_bbox (four columns), filled for the datasets already there: from their
current geo tables, else their declared territories (as `datasud.geo.extent` does)."""
from django.conf import settings
from django.db import migrations, models


def _union(boxes):
    valid = []
    for box in boxes:
        try:
            west, south, east, north = (float(v) for v in box)
        except (TypeError, ValueError):
            continue
        if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
            valid.append((west, south, east, north))
    if not valid:
        return None
    return (min(b[0] for b in valid), min(b[1] for b in valid),
            max(b[2] for b in valid), max(b[3] for b in valid))


def backfill(apps, schema_editor):
    Dataset = apps.get_model("catalog", "Dataset")
    Territory = apps.get_model("territories", "Territory")
    Table = apps.get_model("datastore", "Table")
    boxes = dict(Territory.objects.exclude(bbox=None).values_list("id", "bbox"))
    declared, from_data = {}, {}
    for dataset_id, territory_id in Dataset.territories.through.objects.values_list(
            "dataset_id", "territory_id"):
        declared.setdefault(dataset_id, []).append(boxes.get(territory_id))
    for dataset_id, geo in (Table.objects.filter(load__is_current=True, geo__isnull=False)
                            .values_list("load__resource__dataset_id", "geo")):
        from_data.setdefault(dataset_id, []).append((geo or {}).get("bbox"))
    for dataset_id in set(declared) | set(from_data):
        box = _union(from_data.get(dataset_id, ())) or _union(declared.get(dataset_id, ()))
        if box:
            Dataset.objects.filter(pk=dataset_id).update(
                spatial_west=box[0], spatial_south=box[1], spatial_east=box[2],
                spatial_north=box[3])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_activity_archiving_and_deleted_actor'),
        ('territories', '0001_initial'),
        ('datastore', '0002_table_geo'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='dataset',
            name='spatial_east',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='emprise : est'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='spatial_north',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='emprise : nord'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='spatial_south',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='emprise : sud'),
        ),
        migrations.AddField(
            model_name='dataset',
            name='spatial_west',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='emprise : ouest'),
        ),
        migrations.AddIndex(
            model_name='dataset',
            index=models.Index(fields=['spatial_west', 'spatial_east'], name='dataset_spatial_we'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
