"""End to end: the referentials go through the real catalogue and datastore; the engine,
the commands and the advisor API read them back from there."""
import csv
import gzip
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from datasud.catalog.models import Activity, Dataset, Organisation
from datasud.datastore import services as datastore
from datasud.datastore.models import Load
from datasud.employment import publication, services
from datasud.employment.referentials import DATASETS, FILES
from datasud.trainings.models import TrainingOffer
from tests.trainings.conftest import LHEO_SAMPLE, MCF_SAMPLE

URL = "/api/1/employment"


@pytest.fixture
def referentials(db):
    call_command("load_reference", verbosity=0)
    call_command("load_employment", verbosity=0)


def test_load_employment_needs_the_reference_themes(db):
    with pytest.raises(CommandError, match="load_reference"):
        call_command("load_employment", verbosity=0)
    assert not Dataset.objects.exists()


def test_mobility_proposals_without_referentials_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="load_employment"):
        call_command("mobility_proposals", output=str(tmp_path / "out.csv"))


def test_mobility_proposals_refuses_a_bad_top(db):
    with pytest.raises(CommandError, match="--top"):
        call_command("mobility_proposals", top=0)


@pytest.mark.slow
def test_referentials_published_loaded_and_read_back(referentials, tmp_path, monkeypatch,
                                                     client_as, outsider):
    # Published datasets of the real producers, with theme and licence.
    for spec in DATASETS:
        dataset = Dataset.objects.get(slug=spec.slug)
        assert dataset.status == Dataset.Status.PUBLISHED and not dataset.private
        assert dataset.organisation.slug == spec.producer.slug
        assert dataset.licence.slug == spec.licence
        assert list(dataset.themes.values_list("slug", flat=True)) == [publication.THEME_SLUG]
        assert dataset.resources.count() == len(spec.files)
    assert set(Organisation.objects.values_list("slug", flat=True)) >= {
        "france-travail", "dares", "commission-europeenne"}
    # Each file is a resource with a current datastore version holding all its rows.
    _spec, fiches = FILES["fiches"]
    resource = Dataset.objects.get(slug="rome-4-0-v60").resources.get(title=fiches.name)
    assert datastore.current_tables(resource)[0].row_count == 1584
    assert Activity.objects.filter(action=Activity.Action.RESOURCE_ADDED).count() == len(FILES)

    # Idempotent: a second run neither uploads nor loads anything.
    loads = Load.objects.count()
    call_command("load_employment", verbosity=0)
    assert Load.objects.count() == loads
    assert Dataset.objects.count() == len(DATASETS)

    # The engine reads the datastore's tables: known answers.
    engine = services.current_engine()
    assert len(engine.fiches) == 1584
    assert engine.search("caissière")["fiches"][0]["code_rome"] == "D1505"
    gap = engine.gap("D1505", "D1106")
    assert gap["cible"]["libelle"] == "Vendeur / Vendeuse en épicerie"
    assert 0 < gap["part_couverte"] < 1 and gap["transferables"]
    assert engine.salary("D1505")["familles"][0]["fap"] == "R0Z61"

    # Every fiche's top 20, in the documented CSV shape.
    out = tmp_path / "proposals.csv"
    call_command("mobility_proposals", top=20, output=str(out), verbosity=0)
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["code_rome", "code_rome_cible", "rank"]
    assert len({r["code_rome"] for r in rows}) == 1584
    assert len(rows) == 1584 * 20
    assert not [r for r in rows if r["code_rome"] == r["code_rome_cible"]]
    assert {r["rank"] for r in rows} == {str(n) for n in range(1, 21)}

    # The advisor API answers from the same engine.
    advisor = client_as(outsider)

    found = advisor.get(f"{URL}/search", {"q": "aide soignante de nuit"})
    assert found.status_code == 200
    assert found.json()["fiches"][0]["code_rome"] == "J1501"

    profile = advisor.get(f"{URL}/fiches/D1505").json()
    assert profile["libelle"] == "Hôte / Hôtesse de caisse"
    assert profile["competences"]["savoir_faire"]

    result = advisor.get(f"{URL}/diagnostic", {"actuel": "D1505", "cible": "D1106",
                                               "competences": ["100063"]})
    assert result.status_code == 200, result.content
    body = result.json()
    assert body["ecart"]["cible"]["code_rome"] == "D1106"
    assert body["salaires"]["familles"] and body["tension"]["familles"]
    assert len(body["mobilites"]) == 10

    moves = advisor.get(f"{URL}/fiches/D1106/mobilites", {"top": 3}).json()["mobilites"]
    assert [m["rang"] for m in moves] == [1, 2, 3] and all(m["raisons"] for m in moves)

    for params, status in [
        ({"actuel": "D1505", "cible": "D1505"}, 400),
        ({"actuel": "A9999"}, 404),
        ({"actuel": "pas un code"}, 400),
        ({"actuel": "D1505", "cible": "D1106", "competences": ["0"]}, 400),
        ({"actuel": "D1505", "propositions": 0}, 422),
        ({}, 422),
    ]:
        response = advisor.get(f"{URL}/diagnostic", params)
        assert response.status_code == status, (params, response.content)
        assert response.json()["detail"]
    assert advisor.get(f"{URL}/search", {"q": "zzzzzz"}).status_code == 400

    # The labour market in the région and the training offers, near the person's commune.
    call_command("load_territories", verbosity=0)
    call_command("import_trainings", str(LHEO_SAMPLE), format="lheo", verbosity=0)
    body = advisor.get(f"{URL}/diagnostic", {"actuel": "D1505", "cible": "D1106",
                                             "commune": "13055"}).json()
    assert body["marche"]["zones_emploi"][0]["code"] == "9306"
    assert body["marche"]["zones_emploi"][0]["commune_de_la_personne"]
    assert body["marche"]["secteurs"][0]["libelle"]
    assert body["formations"]["offres"][0]["commune"] == "Marseille"
    assert body["formations"]["offres"][0]["couverture_pct"] == 100
    assert body["formations"]["demonstration"] is False
    # Offers without ROME codes (MonCompteFormation) get them from the engine's titles.
    call_command("import_trainings", str(MCF_SAMPLE), format="mcf", verbosity=0)
    inferred = TrainingOffer.objects.get(source_id="TEST-MCF-1").romes.get()
    assert inferred.code == "D1505" and inferred.inferred
    for params, status in [({"commune": "75056"}, 400), ({"commune": "Marseille"}, 400),
                           ({"commune": "1" * 11}, 422)]:
        response = advisor.get(f"{URL}/diagnostic", {"actuel": "D1505", "cible": "D1106",
                                                     **params})
        assert response.status_code == status, (params, response.content)
    assert advisor.get(f"{URL}/search", {"q": ""}).status_code == 400

    # The process keeps one engine while the referentials do not change.
    assert services.current_engine() is engine
    assert "/api/1/employment/diagnostic" in Client().get("/api/1/openapi.json").json()["paths"]

    # A new edition of a shipped file becomes a new version of the same resource.
    folder = tmp_path / "data"
    shutil.copytree(publication.DATA, folder)
    _spec, domains = FILES["domains"]
    content = gzip.decompress((folder / domains.file).read_bytes())
    (folder / domains.file).write_bytes(gzip.compress(content + b"Z99,Domaine de test\n"))
    monkeypatch.setattr(publication, "DATA", folder)
    call_command("load_employment", verbosity=0)
    resource = Dataset.objects.get(slug="rome-4-0-v60").resources.get(title=domains.name)
    current = datastore.current_load(resource)
    assert current.number == 2
    assert datastore.current_tables(resource)[0].row_count == 125
    assert Load.objects.count() == loads + 1
