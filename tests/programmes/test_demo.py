"""`datasud load_programmes_demo`: the three programmes, their calls, the 162 France
Services stand-in places, demo reports and applications — all flagged as demo, and a
second run changes nothing."""
import io

import pytest
from django.core.management import call_command

from datasud.programmes.indicators import programme_indicators
from datasud.programmes.models import (
    AccompanimentStep,
    ActivityReport,
    Application,
    Call,
    Place,
    Programme,
)


def _load() -> str:
    out = io.StringIO()
    call_command("load_programmes_demo", stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_the_demo_loads_once_and_is_flagged(db, epci):
    first = _load()
    assert "lieux créés : 162" in first
    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "sud-labs", "parcours-sud-smart-territoires", "coach-digital"}
    assert Call.objects.filter(programme__slug="parcours-sud-smart-territoires").count() == 3
    assert Place.objects.filter(is_demo=True, programme__slug="sud-labs").count() == 162
    assert not Place.objects.filter(is_demo=False).exists()
    assert not ActivityReport.objects.filter(is_demo=False).exists()
    assert not Application.objects.filter(is_demo=False).exists()
    assert Application.objects.filter(organisation=epci).count() == 1
    counts = (Place.objects.filter(is_demo=True).values_list("departement", flat=True)
              .distinct())
    assert set(counts) == {"04", "05", "06", "13", "83", "84"}
    assert AccompanimentStep.objects.filter(application__status="completed").exists()
    assert not AccompanimentStep.objects.exclude(
        application__status__in=["in_progress", "completed"]).exists()
    snapshot = (Place.objects.count(), ActivityReport.objects.count(),
                Application.objects.count(), AccompanimentStep.objects.count())
    second = _load()
    assert "lieux créés : 0" in second and "candidatures créées : 0" in second
    assert (Place.objects.count(), ActivityReport.objects.count(),
            Application.objects.count(), AccompanimentStep.objects.count()) == snapshot


def test_the_indicators_datasets_are_published_by_the_command(db):
    """Right away, not 30 seconds later by the queued refresh: the home page counts them."""
    from datasud.catalog.models import Dataset
    from datasud.programmes.publication import dataset_slug

    out = _load()
    assert "jeux d'indicateurs : ajoutée, ajoutée, ajoutée." in out
    for programme in Programme.objects.all():
        dataset = Dataset.objects.get(slug=dataset_slug(programme))
        assert dataset.resources.filter(title="indicateurs.csv").exists()
    assert "jeux d'indicateurs : inchangée, inchangée, inchangée." in _load()


def test_demo_figures_come_from_the_demo_records(db):
    _load()
    coach = Programme.objects.get(slug="coach-digital")
    figures = {(i.key, i.period): i.value for i in programme_indicators(coach)}
    applications = Application.objects.filter(call__programme=coach)
    assert figures[("applications.total", "")] == applications.count() == 40
    assert figures[("applications.completed", "")] == applications.filter(
        status="completed").count()
    sud_labs = Programme.objects.get(slug="sud-labs")
    figures = {(i.key, i.period): i.value for i in programme_indicators(sud_labs)}
    assert figures[("places", "")] == 162
    assert figures[("supported.citizens", "")] == sum(
        ActivityReport.objects.values_list("citizens", flat=True))
