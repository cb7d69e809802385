"""The data.gouv.fr catalogue CSV importer, on small hand-written files."""
import gzip
import io
import shutil
from pathlib import Path

import pytest

from datasud.catalog.importers import CatalogImportError, import_catalog_csv
from datasud.catalog.importers.reference import load_reference
from datasud.catalog.models import Activity, Dataset, Organisation, Resource, Reuse
from datasud.territories.loaders import load_territories

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
GOOD = DATA / "good.csv"
BAD = DATA / "bad-lines.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    load_reference()


@pytest.fixture
def territories(db):
    load_territories()


def themes_of(source_id: str) -> set[str]:
    return set(Dataset.objects.get(source_id=source_id).themes.values_list("slug", flat=True))


def test_imports_good_lines(reference, territories, staff):
    report = import_catalog_csv(GOOD, actor=staff)
    assert (report.created, report.updated, report.skipped, report.errors) == (5, 0, 0, [])
    dataset = Dataset.objects.get(source_id="test-0001")
    assert dataset.title == "Arrêts de bus et stations vélo du Grand Avignon"
    assert dataset.slug == "arrets-bus-velo-grand-avignon"
    assert dataset.status == Dataset.Status.PUBLISHED and dataset.is_public
    assert dataset.description.startswith("Localisation des **arrêts de bus**")
    assert "\n* arrêts\n" in dataset.description  # Markdown kept as written
    assert dataset.frequency == Dataset.Frequency.MONTHLY
    assert dataset.licence.slug == "lov2"
    assert str(dataset.temporal_start) == "2020-01-01" and str(dataset.temporal_end) == "2024-12-31"
    assert dataset.created_at.isoformat() == "2019-05-09T00:00:00+00:00"
    assert dataset.modified_at.isoformat() == "2024-06-08T10:12:00.123000+00:00"
    assert dataset.source_url == "https://trouver.datasud.fr/dataset/arrets-bus-velo-grand-avignon"
    assert dataset.created_by == staff
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["bus", "transport", "velo"]
    # One remote resource per listed format, pointing to the original page.
    resources = list(dataset.resources.order_by("position"))
    assert [r.format for r in resources] == ["shp", "geojson", "csv"]
    assert resources[2].title == "Arrêts de bus et stations vélo du Grand Avignon (CSV)"
    assert all(r.kind == Resource.Kind.URL and r.url == dataset.source_url for r in resources)
    # History: one "imported" entry per created dataset.
    assert Activity.objects.filter(action=Activity.Action.IMPORTED).count() == 5
    assert Activity.objects.get(dataset=dataset).actor == staff


def test_organisations_types_and_territories(reference, territories):
    import_catalog_csv(GOOD)
    orgs = {o.name: o for o in Organisation.objects.select_related("territory")}
    avignon = orgs["Grand Avignon"]
    assert avignon.type == Organisation.Type.COMMUNAUTE_AGGLOMERATION
    assert (avignon.territory.level, avignon.territory.code) == ("epci", "248400251")
    assert avignon.slug == "grand-avignon"
    marseille = orgs["Ville de Marseille"]
    assert marseille.type == Organisation.Type.COMMUNE and marseille.territory.code == "13055"
    cd04 = orgs["Département des Alpes de Haute-Provence"]
    assert cd04.type == Organisation.Type.CONSEIL_DEPARTEMENTAL and cd04.territory.code == "04"
    assert orgs["AtmoSud"].type == Organisation.Type.AUTRE and orgs["AtmoSud"].territory is None
    assert "Producteur non renseigné" in orgs
    # The import never invents partnerships.
    assert not Organisation.objects.partners().exists()


def test_spatial_coverage(reference, territories):
    import_catalog_csv(GOOD)

    def coverage(source_id):
        dataset = Dataset.objects.get(source_id=source_id)
        return {(t.level, t.code) for t in dataset.territories.all()}

    # Named zones first...
    assert coverage("test-0004") == {("commune", "84007"), ("commune", "84087")}
    # ...else the producer's territory.
    assert coverage("test-0001") == {("epci", "248400251")}
    assert coverage("test-0002") == {("commune", "13055")}
    assert coverage("test-0005") == set()


def test_tags_and_title_give_themes(reference, territories):
    import_catalog_csv(GOOD)
    assert themes_of("test-0001") == {"mobilite-et-transports"}
    assert themes_of("test-0002") == {"citoyennete-et-democratie"}
    assert "culture-patrimoine-et-tourisme" in themes_of("test-0003")  # from the title alone
    assert "environnement-et-climat" in themes_of("test-0004")
    assert themes_of("test-0005") == {"administration-et-action-publique"}


def test_licences_and_frequencies(reference, territories):
    report = import_catalog_csv(GOOD)
    by_id = {d.source_id: d for d in Dataset.objects.select_related("licence")}
    assert by_id["test-0002"].licence.slug == "odc-odbl"
    assert by_id["test-0004"].licence.slug == "other-at"
    assert by_id["test-0005"].licence is None  # empty: no licence, no warning
    # Unknown licence: imported without licence, reported as a warning (not an error).
    assert by_id["test-0003"].licence is None
    assert (7, "licence inconnue : 'Licence Mystère 3.0'") in report.warnings
    assert report.errors == []
    assert by_id["test-0002"].frequency == Dataset.Frequency.UNKNOWN  # empty
    assert by_id["test-0004"].frequency == Dataset.Frequency.IRREGULAR  # notPlanned
    assert [r.format for r in by_id["test-0003"].resources.all()] == ["shp", "pdf"]


def test_bad_lines_are_reported_with_their_number(reference, territories):
    report = import_catalog_csv(BAD)
    assert report.created == 3 and report.skipped == 6
    assert set(Dataset.objects.values_list("source_id", flat=True)) == {
        "test-0001", "test-0002", "test-0004"}
    errors = dict(report.errors)
    assert list(errors) == [6, 7, 8, 9, 10, 12]
    assert "identifiant" in errors[6]
    assert "titre" in errors[7]
    assert "created_at" in errors[8] and "hier" in errors[8]
    assert "30 champs au lieu de 40" in errors[9]
    assert "temporal_coverage.start" in errors[10]
    assert "déjà importé ligne 2" in errors[12]


def test_reimport_updates_instead_of_duplicating(reference, territories, tmp_path):
    import_catalog_csv(GOOD)
    dataset = Dataset.objects.get(source_id="test-0001")
    reuse = Reuse.objects.create(title="Carte", slug="carte", url="https://example.org/carte")
    reuse.datasets.add(dataset)
    report = import_catalog_csv(GOOD)
    assert (report.created, report.updated) == (0, 5)
    assert Dataset.objects.count() == 5
    assert Resource.objects.count() == 3 + 1 + 2 + 0 + 2
    assert Organisation.objects.count() == 5
    assert Activity.objects.count() == 5  # nothing changed: no new history entry
    assert dataset.tags.count() == 3 and dataset.themes.count() == 1

    changed = tmp_path / "changed.csv"
    changed.write_text(GOOD.read_text(encoding="utf-8")
                       .replace("Arrêts de bus et stations vélo", "Arrêts de bus")
                       .replace("transport,bus,velo", "bus,tramway")
                       .replace("shp,geojson,csv", "gtfs"), encoding="utf-8")
    report = import_catalog_csv(changed)
    assert (report.created, report.updated) == (0, 5)
    dataset.refresh_from_db()
    assert dataset.pk == Dataset.objects.get(source_id="test-0001").pk
    assert dataset.title == "Arrêts de bus du Grand Avignon"
    assert dataset.slug == "arrets-bus-velo-grand-avignon"  # URLs stay stable
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["bus", "tramway"]
    assert [r.format for r in dataset.resources.all()] == ["gtfs"]
    assert list(reuse.datasets.all()) == [dataset]  # same row, links kept
    entry = Activity.objects.filter(dataset=dataset).first()
    assert entry.action == Activity.Action.IMPORTED
    assert entry.changes["title"] == ["Arrêts de bus et stations vélo du Grand Avignon",
                                      "Arrêts de bus du Grand Avignon"]


def test_reimport_keeps_what_the_team_decided(reference, territories):
    import_catalog_csv(GOOD)
    Dataset.objects.filter(source_id="test-0002").update(status=Dataset.Status.DRAFT,
                                                         private=True)
    import_catalog_csv(GOOD)
    dataset = Dataset.objects.get(source_id="test-0002")
    assert dataset.status == Dataset.Status.DRAFT and dataset.private


def test_gzipped_path_and_file_objects(reference, tmp_path):
    gz = tmp_path / "catalogue.csv.gz"
    with GOOD.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert import_catalog_csv(gz).created == 5
    Dataset.objects.all().delete()
    with gz.open("rb") as binary:  # an open binary (gzipped) file
        assert import_catalog_csv(binary).created == 5
        assert not binary.closed  # left open for its owner
    Dataset.objects.all().delete()
    text = io.StringIO(GOOD.read_text(encoding="utf-8"))  # an open text file
    assert import_catalog_csv(text).created == 5


def test_without_reference_data_imports_and_says_so(db):
    report = import_catalog_csv(GOOD)
    assert report.created == 5
    messages = [m for line, m in report.warnings if line == 0]
    assert any("load_reference" in m for m in messages)
    assert any("load_territories" in m for m in messages)


def test_not_a_catalogue(reference):
    with pytest.raises(CatalogImportError, match="colonnes manquantes : id, title"):
        import_catalog_csv(DATA / "not-a-catalogue.csv")
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "vide"),
    (b"\x1f\x8b\x08\x00garbage", "illisible"),
    ("id;title\n".encode("utf-16"), "UTF-8"),
])
def test_unreadable_files(reference, tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(CatalogImportError, match=message):
        import_catalog_csv(path)


def test_missing_file(reference, tmp_path):
    with pytest.raises(CatalogImportError, match="Impossible de lire"):
        import_catalog_csv(tmp_path / "nope.csv")


def test_bare_commune_names_are_trusted_only_from_the_regional_portal(reference, territories):
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")

    def line(source_id, organisation, domain):
        values = dict.fromkeys(header, "")
        values.update({"id": source_id, "title": f"Jeu {source_id}", "organization": organisation,
                       "created_at": "2024-01-01T00:00:00", "last_modified": "2024-01-01",
                       "harvest.domain": domain})
        return ";".join(values[h] for h in header)

    text = "\n".join([lines[0], line("a1", "Avignon", "www.datasud.fr"),
                      line("a2", "Orange", "")]) + "\n"
    assert import_catalog_csv(io.StringIO(text)).created == 2
    avignon = Organisation.objects.get(name="Avignon")
    assert avignon.type == Organisation.Type.COMMUNE and avignon.territory.code == "84007"
    # In the national catalogue "Orange" may be anything (a telecom operator publishes there).
    orange = Organisation.objects.get(name="Orange")
    assert orange.type == Organisation.Type.AUTRE and orange.territory is None


def test_archived_flag_and_organisation_source_id_are_kept(db, tmp_path):
    import csv

    source = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()[0].split(";")
    rows = []
    for i, archived in enumerate(["False", "2023-02-23T01:19:12.881000"]):
        row = dict.fromkeys(source, "")
        row.update({"id": f"arch-{i}", "title": f"Jeu {i}", "organization": "Grand Avignon",
                    "organization_id": "534fff55", "archived": archived})
        rows.append(row)
    path = tmp_path / "archived.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=source, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    report = import_catalog_csv(path, reindex=False)
    assert report.created == 2, report.errors
    assert Dataset.objects.get(source_id="arch-0").archived_at is None
    assert Dataset.objects.get(source_id="arch-1").archived_at.year == 2023
    assert Organisation.objects.get(name="Grand Avignon").source_id == "534fff55"
