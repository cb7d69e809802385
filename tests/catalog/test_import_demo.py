"""The shipped demo catalogue: the real DataSud catalogue, loaded by `load_demo`."""
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from datasud.catalog.models import Dataset, Organisation, Resource, Reuse
from datasud.territories.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_load_demo():
    start = time.monotonic()
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    assert time.monotonic() - start < 60
    assert "2382 jeux de données créés" in out.getvalue()

    assert Dataset.objects.count() == 2382
    assert Dataset.objects.public().count() == 2382
    assert Territory.objects.filter(level="commune").count() == 946
    assert Organisation.objects.count() == 24
    # Nearly every dataset gets a theme (see catalog/data/README.md for the figure).
    without_theme = Dataset.objects.annotate(n=Count("themes")).filter(n=0).count()
    assert without_theme / 2382 < 0.02
    assert Dataset.objects.filter(licence__isnull=True).count() == 0
    assert Resource.objects.count() > 2382
    region = Organisation.objects.get(territory__level="region")
    assert region.type == "conseil-regional" and region.is_partner  # the demo value
    assert Organisation.objects.partners().count() == 1
    assert Reuse.objects.count() == 4
    assert all(r.title.startswith("[Démo]") and r.datasets.exists() for r in Reuse.objects.all())

    # Run again: updates, no duplicates.
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert Dataset.objects.count() == 2382 and Reuse.objects.count() == 4
    assert Organisation.objects.count() == 24
