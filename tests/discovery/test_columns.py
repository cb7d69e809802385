"""The column index and column search: pipeline, kinds, permissions, page and API."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from datasud.catalog.models import Dataset
from datasud.discovery.columns import ColumnQueryError, rebuild, search_columns
from datasud.discovery.models import IndexedColumn

ETABLISSEMENTS = (
    "codgeo;cp;siret;raison sociale;com;latitude;longitude;courriel\n"
    "06088;06000;13002526500013;Mairie A;RAS;43.70;7.26;a@nice.fr\n"
    "06029;06400;23130002100012;Mairie B;Ouvert;43.55;7.01;b@cannes.fr\n"
    "13055;13001;12002701600563;Mairie C;Fermé lundi;43.29;5.37;c@marseille.fr\n"
    "13001;13100;21130055300016;Mairie D;;43.52;5.44;d@aix.fr\n"
    "04070;04000;13001045700013;Mairie E;RAS;44.09;6.23;e@digne.fr\n"
).encode()
# A column "com" of comments, another of INSEE codes under a name nobody would guess.
AVIS = ("depcom;com;note\n06088;Très bien;4\n13055;À revoir;2\n04070;Bien;3\n").encode()


@pytest.fixture
def loaded(referential, make_dataset, upload):
    public = make_dataset("Établissements publics", slug="etablissements")
    upload(public, "etablissements.csv", ETABLISSEMENTS)
    private = make_dataset("Avis des usagers", slug="avis", private=True)
    upload(private, "avis.csv", AVIS)
    return {"public": public, "private": private}


def kinds(dataset):
    return dict(IndexedColumn.objects.filter(dataset=dataset).values_list("label", "kind"))


def test_loading_a_table_indexes_its_columns_with_their_kinds(loaded):
    assert kinds(loaded["public"]) == {
        "codgeo": "code_insee",
        "cp": "code_postal",
        "siret": "siret",
        "raison sociale": "",
        "com": "",
        "latitude": "latitude",
        "longitude": "longitude",
        "courriel": "email",
        # Added by the geo pipeline from the coordinates.
        "geometry": "geometrie",
    }
    assert kinds(loaded["private"]) == {"depcom": "code_insee", "com": "", "note": ""}
    column = IndexedColumn.objects.get(dataset=loaded["public"], label="codgeo")
    assert column.examples == ["06088", "06029", "13055"]
    assert column.normalised == "codgeo"


def test_code_insee_finds_columns_by_their_values(loaded, editor):
    result = search_columns(editor, "code INSEE")
    assert result.kinds == ["code_insee"]
    found = {r.dataset.slug: [m.column.label for m in r.columns] for r in result.results}
    # "com" (comments) is not a code INSEE, though its name is one of its aliases.
    assert found == {"etablissements": ["codgeo"], "avis": ["depcom"]}
    assert [m.strength for m in result.results[0].columns] == [3]


def test_private_columns_never_leak(loaded, outsider, editor, staff):
    for user in (None, outsider):
        result = search_columns(user, "note")
        assert result.total == 0 and result.results == []
        assert [r.dataset.slug for r in search_columns(user, "depcom").results] == [
            "etablissements"
        ]
    assert [r.dataset.slug for r in search_columns(editor, "note").results] == ["avis"]
    assert search_columns(staff, "insee").total == 2


def test_archived_and_draft_datasets_are_left_out_like_in_search(loaded, editor):
    Dataset.objects.filter(pk=loaded["public"].pk).update(archived_at=timezone.now())
    assert search_columns(None, "siret").total == 0
    Dataset.objects.filter(pk=loaded["public"].pk).update(archived_at=None, status="draft")
    assert search_columns(None, "siret").total == 0
    assert search_columns(editor, "siret").total == 1


def test_names_match_as_words(loaded):
    assert [m.column.label for m in search_columns(None, "sociale").results[0].columns] == [
        "raison sociale"
    ]
    assert [
        m.column.label for m in search_columns(None, "colonne:raison_sociale").results[0].columns
    ] == ["raison sociale"]
    assert search_columns(None, "ais").total == 0  # not inside a word of a short query


def test_bad_queries_are_refused_in_french():
    for query in ("", "   ", "colonne:", "---"):
        with pytest.raises(ColumnQueryError, match="Donnez un nom"):
            search_columns(None, query)
    with pytest.raises(ColumnQueryError, match="limitée"):
        search_columns(None, "x" * 101)


def test_a_new_version_replaces_the_columns_and_deleting_removes_them(
    loaded, upload, editor, django_capture_on_commit_callbacks
):
    from datasud.catalog import services as catalog

    resource = loaded["public"].resources.get()
    with django_capture_on_commit_callbacks(execute=True):
        catalog.replace_resource_file(editor, resource, "v2.csv", b"siren;nom\n130025265;A\n")
    assert kinds(loaded["public"]) == {"siren": "siren", "nom": ""}
    with django_capture_on_commit_callbacks(execute=True):
        catalog.delete_resource(editor, resource)
    assert kinds(loaded["public"]) == {}


def test_rebuild_indexes_every_current_table(loaded):
    IndexedColumn.objects.all().delete()
    assert rebuild() == 12
    IndexedColumn.objects.all().delete()
    out = StringIO()
    call_command("rebuild_column_index", stdout=out)
    assert out.getvalue().strip() == "12 colonnes indexées."
    assert kinds(loaded["private"])["depcom"] == "code_insee"


def test_api(client, loaded, editor):
    response = client.get("/api/1/colonnes/", {"q": "code insee"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["query"] == "code insee"
    assert body["kinds"] == [{"kind": "code_insee", "label": "Code INSEE de commune"}]
    column = body["data"][0]["columns"][0]
    assert column["name"] == "codgeo" and column["kind"] == "code_insee"
    assert column["match"] == "kind" and column["examples"][0] == "06088"
    assert column["sql_table"] == f"resource_{column['resource_id']}"
    assert body["data"][0]["page_url"].endswith("/jeux-de-donnees/etablissements/")
    empty = client.get("/api/1/colonnes/", {"q": " "})
    assert empty.status_code == 400
    assert "Donnez un nom" in empty.json()["detail"]
    long = client.get("/api/1/colonnes/", {"q": "x" * 500})
    assert long.status_code == 400 and "limitée" in long.json()["detail"]
    assert client.get("/api/1/colonnes/", {"q": "siret", "page": 0}).status_code in (400, 422)
    assert client.get("/api/1/colonnes/", {"q": "note"}).json()["total"] == 0
    client.force_login(editor)
    assert client.get("/api/1/colonnes/", {"q": "note"}).json()["total"] == 1


def test_page(client, loaded):
    response = client.get("/colonnes/", {"q": "code INSEE"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Établissements publics" in html and "codgeo" in html
    assert "Avis des usagers" not in html
    assert "Code INSEE de commune" in html
    assert client.get("/colonnes/").status_code == 200
    bad = client.get("/colonnes/", {"q": "x" * 150})
    assert bad.status_code == 400 and "limitée" in bad.content.decode()


def test_the_search_page_hands_colonne_queries_over(client, loaded):
    response = client.get("/jeux-de-donnees/", {"q": "colonne:siret"})
    assert response.status_code == 302
    assert response["Location"] == "/colonnes/?q=colonne%3Asiret"
    html = client.get(response["Location"]).content.decode()
    assert "Établissements publics" in html and "SIRET (établissement)" in html


def test_both_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/1/openapi.json").json()["paths"]
    assert "get" in paths["/api/1/colonnes/"]
    assert "get" in paths["/api/1/datasets/{ref}/related/"]


def test_pages_rank_the_datasets_and_carry_only_their_own_columns(loaded, editor):
    """The ranking is computed over every match, the columns are read for the page only:
    page 1 and 2 of one dataset each make up the full list, in the same order (one column
    of the kind each: the most recently modified first)."""
    whole = search_columns(editor, "code INSEE")
    assert [r.dataset.slug for r in whole.results] == ["avis", "etablissements"]
    first = search_columns(editor, "code INSEE", offset=0, limit=1)
    second = search_columns(editor, "code INSEE", offset=1, limit=1)
    assert first.total == second.total == 2
    assert [r.dataset.slug for r in first.results + second.results] == [
        "avis",
        "etablissements",
    ]
    assert [m.column.label for m in first.results[0].columns] == ["depcom"]
    assert [m.column.label for m in second.results[0].columns] == ["codgeo"]
    assert search_columns(editor, "code INSEE", offset=2, limit=1).results == []
