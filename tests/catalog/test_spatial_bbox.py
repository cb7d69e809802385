"""`Dataset.spatial_bbox` from the declared territories: kept by the services' changes, the
catalogue importer and `datasud refresh_spatial_extents`; shown in DCAT."""
from pathlib import Path

import pytest
from django.core.management import call_command
from rdflib import BNode, Graph, URIRef

from datasud.catalog import services
from datasud.catalog.importers import import_catalog_csv
from datasud.catalog.importers.reference import load_reference
from datasud.catalog.models import Dataset
from datasud.dcat.datasets import add_dataset
from datasud.dcat.namespaces import DCAT, DCTERMS
from datasud.geo.extent import union_bbox, valid_bbox
from datasud.territories.loaders import load_territories
from datasud.territories.models import Territory

GOOD = Path(__file__).resolve().parent.parent / "data" / "import" / "good.csv"


@pytest.fixture
def places(db):
    marseille = Territory.objects.create(level="commune", code="13055", name="Marseille",
                                         bbox=[5.23, 43.17, 5.53, 43.39])
    digne = Territory.objects.create(level="commune", code="04070", name="Digne-les-Bains",
                                     bbox=[6.14, 44.03, 6.33, 44.17])
    epci = Territory.objects.create(level="epci", code="200054807", name="Aix-Marseille")
    return {"marseille": marseille, "digne": digne, "epci": epci}


def dataset_graph(dataset) -> Graph:
    graph = Graph()
    add_dataset(graph, dataset)
    return graph


def fresh(dataset) -> Dataset:
    return Dataset.objects.get(pk=dataset.pk)


def test_union_of_the_territories_outlines(editor, organisation, places):
    dataset = services.create_dataset(editor, organisation, title="Deux villes",
                                      territories=[places["marseille"], places["digne"]])
    assert fresh(dataset).spatial_bbox == [5.23, 43.17, 6.33, 44.17]
    # The instance in hand follows too, and saving it keeps the extent.
    services.update_dataset(editor, dataset, territories=[places["digne"]])
    assert dataset.spatial_bbox == [6.14, 44.03, 6.33, 44.17]
    assert fresh(dataset).spatial_bbox == [6.14, 44.03, 6.33, 44.17]
    # A territory without outline adds nothing; none at all: unknown.
    services.update_dataset(editor, dataset, territories=[places["epci"]])
    assert fresh(dataset).spatial_bbox is None


def test_saving_a_stale_instance_keeps_the_extent(editor, organisation, places):
    dataset = services.create_dataset(editor, organisation, title="Marseille")
    stale = fresh(dataset)
    dataset.territories.set([places["marseille"]])
    assert fresh(dataset).spatial_bbox == places["marseille"].bbox
    stale.title = "Marseille, nouveau titre"
    stale.save()
    assert fresh(dataset).title == "Marseille, nouveau titre"
    assert fresh(dataset).spatial_bbox == places["marseille"].bbox
    # From the territory's side of the relation too.
    places["digne"].datasets.add(dataset)
    assert fresh(dataset).spatial_bbox == [5.23, 43.17, 6.33, 44.17]


def test_refresh_command_repairs_every_extent(make_dataset, places):
    dataset = make_dataset("Marseille")
    dataset.territories.set([places["marseille"]])
    Dataset.objects.filter(pk=dataset.pk).update(spatial_west=0, spatial_south=0,
                                                 spatial_east=1, spatial_north=1)
    other = make_dataset("Sans territoire")
    Dataset.objects.filter(pk=other.pk).update(spatial_west=0, spatial_south=0,
                                               spatial_east=1, spatial_north=1)
    call_command("refresh_spatial_extents", verbosity=0)
    assert fresh(dataset).spatial_bbox == places["marseille"].bbox
    assert fresh(other).spatial_bbox is None


@pytest.mark.slow  # loads the territories
def test_catalogue_import_sets_the_extents(db):
    load_reference()
    load_territories()
    import_catalog_csv(GOOD)
    avignon = Territory.objects.get(level="commune", code="84007")
    sorgues = Territory.objects.get(level="commune", code="84087")
    assert Dataset.objects.get(source_id="test-0004").spatial_bbox == union_bbox(
        [avignon.bbox, sorgues.bbox])
    marseille = Territory.objects.get(level="commune", code="13055")
    assert Dataset.objects.get(source_id="test-0002").spatial_bbox == marseille.bbox
    assert Dataset.objects.get(source_id="test-0005").spatial_bbox is None


@pytest.mark.parametrize(("box", "expected"), [
    ([1, 2, 3, 4], [1.0, 2.0, 3.0, 4.0]),
    (["1", "2", "3", "4"], [1.0, 2.0, 3.0, 4.0]),
    ([3, 2, 1, 4], None),
    ([1, 2, 3], None),
    (None, None),
    ([0, 0, float("nan"), 1], None),
    ([0, -91, 1, 1], None),
])
def test_valid_bbox(box, expected):
    assert valid_bbox(box) == expected


def test_union_bbox_skips_unsound_boxes():
    assert union_bbox([[1, 1, 2, 2], None, [0, 1.5, 1.5, 3], [9, 9, 1, 1]]) == [0, 1, 2, 3]
    assert union_bbox([]) is None


def test_dcat_shows_the_extent_when_the_territories_do_not(editor, organisation, places):
    dataset = services.create_dataset(editor, organisation, title="Deux villes",
                                      territories=[places["marseille"], places["digne"]],
                                      status=Dataset.Status.PUBLISHED)
    graph = dataset_graph(fresh(dataset))
    spatial = list(graph.objects(None, DCTERMS.spatial))
    extents = [node for node in spatial if isinstance(node, BNode)]
    assert len(extents) == 1
    assert str(graph.value(extents[0], DCAT.bbox)) == (
        "POLYGON((5.23 43.17, 6.33 43.17, 6.33 44.17, 5.23 44.17, 5.23 43.17))")
    # One territory: its own location already says it.
    services.update_dataset(editor, dataset, territories=[places["marseille"]])
    graph = dataset_graph(fresh(dataset))
    spatial = list(graph.objects(None, DCTERMS.spatial))
    assert spatial and all(isinstance(node, URIRef) for node in spatial)
