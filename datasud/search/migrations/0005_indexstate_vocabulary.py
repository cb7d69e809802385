from django.db import migrations, models

import datasud.search.models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_term"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexstate",
            name="vocabulary",
            field=models.CharField(default=datasud.search.models.new_token, max_length=32),
        ),
    ]
