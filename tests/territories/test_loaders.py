"""Loading the shipped territories: counts, idempotence, parents, outlines and boxes."""
import time

import pytest

from datasud.territories.loaders import load_territories
from datasud.territories.models import Territory

pytestmark = pytest.mark.django_db
Level = Territory.Level


def counts() -> dict[str, int]:
    return {level: Territory.objects.filter(level=level).count() for level in Level.values}


def test_loads_region_departements_epci_and_current_communes():
    start = time.monotonic()
    report = load_territories()
    assert time.monotonic() - start < 10
    assert counts() == {"region": 1, "departement": 6, "epci": 52, "commune": 946}
    assert report.created == 1005

    marseille = Territory.objects.get(level=Level.COMMUNE, code="13055")
    assert marseille.name == "Marseille"
    assert marseille.siren == "211300553"
    assert marseille.population > 800_000
    assert "13001" in marseille.postcodes
    assert marseille.kind == "commune-actuelle"
    assert marseille.geometry["type"] in {"Polygon", "MultiPolygon"}
    min_lon, min_lat, max_lon, max_lat = marseille.bbox
    assert 5.2 < min_lon < max_lon < 5.7 and 43.1 < min_lat < max_lat < 43.5
    # Arrondissements municipaux and communes déléguées are not loaded.
    assert not Territory.objects.filter(code="13201").exists()


def test_parents():
    load_territories()
    region = Territory.objects.get(level=Level.REGION, code="93")
    digne = Territory.objects.get(level=Level.COMMUNE, code="04070")
    parents = {(t.level, t.code) for t in digne.parents.all()}
    assert ("departement", "04") in parents
    assert ("epci", "200067437") in parents  # CA Provence-Alpes-Agglomération
    assert len(parents) == 2
    links = Territory.parents.through.objects.values_list(
        "from_territory__level", "from_territory_id", "to_territory__level", "to_territory_id")
    parents_of: dict[int, list[str]] = {}
    for child_level, child, parent_level, parent in links:
        parents_of.setdefault(child, []).append(parent_level)
        if child_level in (Level.EPCI, Level.DEPARTEMENT):
            assert parent == region.pk
    # Every commune belongs to exactly one département and one EPCI, the others to the région.
    assert len(parents_of) == 1005 - 1
    assert all(sorted(levels) in (["departement", "epci"], ["region"])
               for levels in parents_of.values())
    metropole = Territory.objects.get(level=Level.EPCI, code="200054807")
    assert metropole.kind == "METRO"
    assert metropole.children.count() == 92


def test_geometry_and_bbox():
    load_territories()
    assert not Territory.objects.filter(bbox__isnull=True).exists()
    # EPCI have no outline (no polygon union without a geometry library) but an exact box.
    nice = Territory.objects.get(level=Level.EPCI, code="200030195")
    assert nice.geometry is None
    boxes = [c.bbox for c in nice.children.all()]
    assert nice.bbox == [min(b[0] for b in boxes), min(b[1] for b in boxes),
                         max(b[2] for b in boxes), max(b[3] for b in boxes)]
    # Abriès-Ristolas merged after 2018: the 2018 outline of Abriès alone would be wrong.
    abries = Territory.objects.get(level=Level.COMMUNE, code="05001")
    assert abries.name == "Abriès-Ristolas"
    assert abries.geometry is None and abries.bbox is not None
    region = Territory.objects.get(level=Level.REGION)
    assert region.geometry["type"] == "MultiPolygon"
    assert region.population == sum(
        Territory.objects.filter(level=Level.COMMUNE).values_list("population", flat=True))


def test_idempotent():
    load_territories()
    Territory.objects.filter(level=Level.COMMUNE, code="13055").update(name="Wrong", bbox=None)
    links = Territory.parents.through.objects.count()
    report = load_territories()
    assert counts() == {"region": 1, "departement": 6, "epci": 52, "commune": 946}
    assert report.created == 0 and report.updated == 1 and report.unchanged == 1004
    assert Territory.objects.get(level=Level.COMMUNE, code="13055").name == "Marseille"
    assert Territory.parents.through.objects.count() == links


def test_stale_parent_link_is_removed():
    load_territories()
    commune = Territory.objects.get(level=Level.COMMUNE, code="04070")
    wrong = Territory.objects.get(level=Level.EPCI, code="200054807")
    commune.parents.add(wrong)
    load_territories()
    assert wrong not in commune.parents.all()
