"""`datasud load_arcep`: the Arcep's mobile sites of the région, read, located by
point-in-polygon and published through the real catalogue and datastore pipeline."""
import gzip
import io

import duckdb
import pytest
from django.core.management import CommandError, call_command

from datasud.catalog.importers.reference import load_reference
from datasud.catalog.models import Dataset, Resource
from datasud.datastore import services as datastore
from datasud.datastore.models import Load
from datasud.geo import arcep
from datasud.search.services import SearchQuery, search_datasets
from datasud.territories.loaders import load_territories
from datasud.territories.models import Territory

pytestmark = pytest.mark.slow  # loads the territories, the spatial extension, two resources

HEADER = "Operateur;X;Y;2G;3G;4G"
MARSEILLE = "20801;887306;6254454;1;1;1"
NICE = "20801;1037486;6298005;1;1;1"
DIGNE = "20815;954800;6336146;0;1;1"
AVIGNON = "20820;841561;6316162;1;1;0"
UNKNOWN_OPERATOR = "20899;887400;6254500;0;0;1"     # in Marseille too
BRITTANY = "20801;102980;6847973;1;1;0"
PARIS = "20810;652000;6862000;1;1;1"
BAD = {
    4: "20801;#N/A;#N/A;1;1;1",
    5: "20810;887306;6254454;1;2;1",
    6: "20815;887306",
    7: "abc;887306;6254454;1;1;1",
    8: "20801;5.37;43.29;1;1;1",                     # degrees, not Lambert-93
}
LINES = [HEADER, MARSEILLE, BRITTANY, *BAD.values(), NICE, DIGNE, PARIS, AVIGNON,
         UNKNOWN_OPERATOR]


@pytest.fixture
def places(db):
    load_reference()
    load_territories()


@pytest.fixture
def sites_file(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def table_rows(resource: Resource, sql: str) -> list[tuple]:
    (table,) = datastore.current_tables(resource)
    with duckdb.connect() as con:
        return con.execute(sql.replace("TABLE", f"read_parquet('{table.path}')")).fetchall()


def test_reading_keeps_the_sound_rows_and_says_why_others_are_refused(sites_file):
    found = arcep.read_sites(sites_file)
    assert found.rows == 12 and len(found) == 7
    assert dict(found.rejected).keys() == BAD.keys()
    reasons = dict(found.rejected)
    assert "non numériques" in reasons[4]
    assert "3G vaut « 2 »" in reasons[5]
    assert "2 colonnes au lieu de 6" in reasons[6]
    assert "code opérateur" in reasons[7]
    assert "hors de la France métropolitaine" in reasons[8]


def test_gzip_and_the_shipped_extract(tmp_path):
    found = arcep.read_sites(arcep.DEFAULT_FILE)
    assert len(found) == 6656 and not found.rejected
    packed = tmp_path / "sites.csv.gz"
    packed.write_bytes(gzip.compress(("\n".join([HEADER, MARSEILLE]) + "\n").encode()))
    assert len(arcep.read_sites(packed)) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "vide"),
    (b"code;lon;lat\n1;2;3\n", "colonnes attendues"),
    ((HEADER + "\n").encode(), "aucun site"),
    ("\n".join([HEADER, *BAD.values()]).encode(), "pas au format attendu"),
])
def test_unusable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "sites.csv"
    path.write_bytes(content)
    with pytest.raises(arcep.ArcepError, match=message):
        arcep.read_sites(path)


def test_sites_are_kept_in_the_region_and_given_their_commune(places, sites_file):
    located = arcep.locate_sites(arcep.read_sites(sites_file))
    assert located.outside == 2
    by_commune = {(s[9], s[1]) for s in located.sites}
    assert by_commune == {("13055", "Orange"), ("13055", "20899"), ("06088", "Orange"),
                          ("04070", "Free Mobile"), ("84007", "Bouygues Telecom")}
    digne = next(s for s in located.sites if s[9] == "04070")
    assert digne[10:] == ("Digne-les-Bains", "Alpes-de-Haute-Provence")
    assert abs(digne[4] - 6.182) < 0.01 and abs(digne[5] - 44.078) < 0.01
    # Every commune with an outline, for each operator (zeros included).
    communes = Territory.objects.filter(level="commune", geometry__isnull=False).count()
    assert len(located.communes) == communes * 5
    marseille = [row for row in located.communes if row[0] == "13055"]
    assert ("13055", "Marseille", "Bouches-du-Rhône", "Orange", 1, 1, 1, 1) in marseille
    assert ("13055", "Marseille", "Bouches-du-Rhône", "SFR", 0, 0, 0, 0) in marseille


def test_nothing_in_the_region_is_refused(places, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("\n".join([HEADER, BRITTANY, PARIS]) + "\n")
    with pytest.raises(arcep.ArcepError, match="Aucun site"):
        arcep.locate_sites(arcep.read_sites(path))


def test_without_territories_the_command_says_what_to_run(db, sites_file):
    with pytest.raises(CommandError, match="load_territories"):
        call_command("load_arcep", file=sites_file, verbosity=0)
    assert not Dataset.objects.exists()


def test_publishes_a_dataset_with_its_map_and_the_per_commune_table(places, sites_file):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_arcep", file=sites_file, stdout=out, stderr=err)
    assert "5 sites dans la région sur 12 lignes (5 refusées, 2 hors région)" in out.getvalue()
    assert "ligne 4 ignorée" in err.getvalue()
    dataset = Dataset.objects.get(slug=arcep.DATASET_SLUG)
    assert dataset.is_public
    assert dataset.organisation.slug == "arcep"
    assert dataset.licence.slug == "lov2"
    assert list(dataset.themes.values_list("slug", flat=True)) == ["energies-et-reseaux"]
    assert [t.key for t in dataset.territories.all()] == ["region:93"]
    assert "Arcep" in dataset.description and "Licence Ouverte" in dataset.description
    sites = dataset.resources.get(title=arcep.SITES_TITLE)
    communes = dataset.resources.get(title=arcep.COMMUNES_TITLE)
    # The sites are a geo table (map, OGC API, tiles), in WGS84 from the Lambert-93 file.
    (table,) = datastore.current_tables(sites)
    assert table.row_count == 5 and table.geo["column"] == "geometry"
    west, south, east, north = table.geo["bbox"]
    assert 4.7 < west < 4.8 and 7.1 < east < 7.2 and 43.3 < south < 43.4 and 44 < north < 44.1
    assert table_rows(sites, "SELECT operateur, code_insee FROM TABLE WHERE operateur_code = "
                             "'20815' OR operateur_code = 20815") == [("Free Mobile", "04070")]
    (counts,) = datastore.current_tables(communes)
    assert counts.geo is None
    assert table_rows(communes, "SELECT sites, sites_2g, sites_3g, sites_4g FROM TABLE "
                                "WHERE code_insee = '84007' AND operateur = 'Bouygues Telecom'"
                      ) == [(1, 1, 1, 0)]
    # The extent is the data's, not the région's: search by area finds it around Nice...
    assert Dataset.objects.get(pk=dataset.pk).spatial_bbox == table.geo["bbox"]
    near_nice = search_datasets(None, SearchQuery(bbox=(7.1, 43.6, 7.3, 43.8)))
    assert [d.slug for d in near_nice.datasets] == [arcep.DATASET_SLUG]
    # ... not in the région's north, where the file has no site.
    assert search_datasets(None, SearchQuery(bbox=(6.5, 44.8, 6.9, 45.1))).total == 0


def test_rerun_is_idempotent_and_a_new_file_is_a_new_version(places, sites_file, tmp_path):
    first = arcep.load_arcep(sites_file)
    assert set(first.resources.values()) == {"ajoutée"}
    loads = Load.objects.count()
    again = arcep.load_arcep(sites_file)
    assert set(again.resources.values()) == {"inchangée"}
    assert Load.objects.count() == loads
    assert Dataset.objects.filter(slug__startswith="sites-mobiles").count() == 1
    dataset = Dataset.objects.get(slug=arcep.DATASET_SLUG)
    assert dataset.resources.count() == 2
    fewer = tmp_path / "fewer.csv"
    fewer.write_text("\n".join([HEADER, MARSEILLE, NICE]) + "\n")
    third = arcep.load_arcep(fewer)
    assert set(third.resources.values()) == {"nouvelle version"}
    assert dataset.resources.count() == 2
    sites = dataset.resources.get(title=arcep.SITES_TITLE)
    assert datastore.current_load(sites).number == 2
    assert datastore.current_tables(sites)[0].row_count == 2


def test_the_extent_falls_back_to_the_territories_without_geo_data(
        places, sites_file, django_capture_on_commit_callbacks):
    arcep.load_arcep(sites_file)
    dataset = Dataset.objects.get(slug=arcep.DATASET_SLUG)
    region = Territory.objects.get(level="region")
    assert dataset.spatial_bbox != region.bbox
    with django_capture_on_commit_callbacks(execute=True):
        dataset.resources.get(title=arcep.SITES_TITLE).delete()
    assert Dataset.objects.get(pk=dataset.pk).spatial_bbox == region.bbox
