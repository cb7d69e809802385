"""A dataset's territorial coverage derived from its geo data, through the catalogue's
services (history and search index included)."""
import pytest
import shapely

from datasud.catalog.models import Activity
from datasud.territories.loaders import load_territories
from datasud.territories.models import Territory

from . import files

pytestmark = pytest.mark.slow  # each test loads the territories and a geo resource


@pytest.fixture
def territories(db):
    load_territories()


def keys(dataset) -> set[str]:
    return {t.key for t in dataset.territories.all()}


def communes_points(codes) -> bytes:
    points = []
    for commune in Territory.objects.filter(level="commune", code__in=codes):
        inside = shapely.geometry.shape(commune.geometry).representative_point()
        points.append(files.point(inside.x, inside.y, commune=commune.code))
    return files.feature_collection(points)


def test_few_communes_are_the_coverage(territories, communes_resource):
    dataset = communes_resource.dataset
    expected = {f"commune:{f['properties']['code']}" for f in files.communes()}
    assert keys(dataset) == expected
    change = Activity.objects.filter(dataset=dataset, action=Activity.Action.UPDATED).get()
    assert "territories" in change.changes


@pytest.mark.parametrize(("codes", "expected"), [
    # Twelve communes of the Alpes-de-Haute-Provence: the département.
    ("04", {"departement:04"}),
    # Communes of every département: the région.
    (["04070", "05061", "06088", "13055", "83137", "84007", "13001", "06029", "13004",
      "13005", "83069", "84031"], {"region:93"}),
])
def test_many_communes_give_the_departement_or_region(territories, upload, make_dataset,
                                                      editor, codes, expected):
    if isinstance(codes, str):  # the first twelve communes of a département
        codes = list(Territory.objects.filter(level="commune", code__startswith=codes)
                     .order_by("code").values_list("code", flat=True)[:12])
    dataset = make_dataset("Points", created_by=editor)
    upload(dataset, "points.geojson", communes_points(codes))
    assert keys(dataset) == expected


def test_declared_coverage_is_kept(territories, upload, make_dataset, editor):
    dataset = make_dataset("Déclaré", created_by=editor)
    dataset.territories.set(Territory.objects.filter(level="region"))
    upload(dataset, "communes.geojson", files.communes_bytes())
    assert keys(dataset) == {"region:93"}
    assert not any("territories" in (a.changes or {})
                   for a in Activity.objects.filter(dataset=dataset))


def test_data_outside_the_region_sets_nothing(territories, upload, make_dataset, editor):
    dataset = make_dataset("Bretagne", created_by=editor)
    upload(dataset, "b.geojson", files.feature_collection([files.point(-3.0, 48.0)]))
    assert keys(dataset) == set()
