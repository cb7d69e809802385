"""Sud Labs places in and out as CSV following the national schema: every row checked,
all-or-nothing imports with per-row errors, exports that the same check accepts."""
import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from datasud.programmes.demo import DEMO_PLACES
from datasud.programmes.models import Place, Programme
from datasud.programmes.places_csv import PlacesImportError, export_places, import_places, read_csv
from datasud.programmes.tableschema import check_header, load_schema, validate_rows

EXAMPLE = Path(__file__).parent / "data" / "standard-mediation-num.exemple-valide.csv"


@pytest.fixture
def sud_labs(db):
    return Programme.objects.create(slug="sud-labs", name="Sud Labs")


def _errors(content: bytes) -> list[str]:
    header, rows = read_csv(content)
    return [str(e) for e in check_header(header) + validate_rows(rows)]


def _with(changes: dict, base: bytes = None) -> bytes:
    """The national example file with some cells changed (and more rows if asked)."""
    header, rows = read_csv(base or EXAMPLE.read_bytes())
    out = io.StringIO()


    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **changes})
    return out.getvalue().encode()


def test_the_national_example_and_the_shipped_demo_file_are_valid():
    assert _errors(EXAMPLE.read_bytes()) == []
    header, rows = read_csv(DEMO_PLACES.read_bytes())
    assert len(rows) == 162
    assert check_header(header) == [] and validate_rows(rows) == []


def test_the_shipped_schema_is_the_national_one():
    schema = load_schema()
    assert schema["name"] == "standard-mediation-num" and schema["version"] == "v1.0.2"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"nom": ""}, "ligne 2, colonne « nom » : valeur obligatoire"),
    ({"code_postal": "5100"}, "ligne 2, colonne « code_postal » : ne respecte pas"),
    ({"pivot": "12"}, "colonne « pivot » : ne respecte pas"),
    ({"latitude": "nord"}, "colonne « latitude » : nombre attendu"),
    ({"date_maj": "02/04/2024"}, "colonne « date_maj » : date attendue au format AAAA-MM-JJ"),
    ({"date_maj": "2024-02-30"}, "date attendue"),
    ({"services": "Aide aux démarches administratives|Jardinage"}, "colonne « services »"),
    ({"telephone": "04 92 00 00 00"}, "colonne « telephone »"),
    ({"presentation_resume": "x" * 281}, "plus de 280 caractères"),
])
def test_each_constraint_of_the_schema_is_checked(changes, expected):
    errors = _errors(_with(changes))
    assert len(errors) == 1 and expected in errors[0], errors


def test_header_problems_are_reported():
    header, _rows = read_csv(EXAMPLE.read_bytes())
    errors = [str(e) for e in check_header([*header[1:], "couleur"])]
    assert "ligne 1, colonne « couleur » : colonne inconnue du schéma" in errors
    assert "ligne 1, colonne « id » : colonne obligatoire absente" in errors


def test_import_creates_then_updates_by_the_schemas_id(sud_labs):
    assert import_places(EXAMPLE.read_bytes(), sud_labs) == {"created": 1, "updated": 0}
    place = Place.objects.get()
    assert (place.local_id, place.nom, place.departement) == ("structure-1", "Anonymal", "51")
    assert place.services_list == ["Maîtrise des outils numériques du quotidien",
                                   "Insertion professionnelle via le numérique",
                                   "Loisirs et créations numériques"]
    assert import_places(_with({"nom": "Nouveau nom"}), sud_labs) == {"created": 0,
                                                                      "updated": 1}
    assert Place.objects.get().nom == "Nouveau nom"


def test_an_import_with_one_bad_row_imports_nothing(sud_labs):
    good = _with({})
    header, rows = read_csv(good)
    second = {**rows[0], "id": "structure-2", "code_postal": "ABCDE"}
    third = {**rows[0], "id": "structure-1"}  # repeats the first row's id


    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows([rows[0], second, third])
    with pytest.raises(PlacesImportError) as error:
        import_places(out.getvalue().encode(), sud_labs)
    messages = [str(e) for e in error.value.errors]
    assert any(m.startswith("ligne 3, colonne « code_postal »") for m in messages)
    assert "ligne 4, colonne « id » : valeur déjà présente ligne 2" in messages
    assert "rien n'a été importé" in str(error.value)
    assert not Place.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "le fichier est vide"),
    ("nom;commune\n".encode("latin-1") + "Café;Nîmes\n".encode("latin-1"), "pas en UTF-8"),
    (b"id,nom\n1,2,3\n", "3 valeurs pour 2 colonnes"),
])
def test_unreadable_files_are_refused_clearly(sud_labs, content, message):
    with pytest.raises(PlacesImportError, match=message):
        import_places(content, sud_labs)


def test_export_is_valid_against_the_schema(sud_labs, make_place):
    import_places(DEMO_PLACES.read_bytes(), sud_labs, is_demo=True)
    make_place(nom="Lieu « spécial », avec ; et \"guillemets\"", services="")
    out = io.StringIO()
    count = export_places(Place.objects.order_by("local_id"), out)
    assert count == 163
    assert _errors(out.getvalue().encode()) == []
    # And it imports back unchanged.
    assert import_places(out.getvalue().encode(), sud_labs, is_demo=True) == {
        "created": 0, "updated": 163}


def test_import_command_exits_non_zero_with_the_errors(sud_labs, tmp_path):
    bad = tmp_path / "lieux.csv"
    bad.write_bytes(_with({"code_postal": "1"}))
    with pytest.raises(CommandError, match="ligne 2, colonne « code_postal »"):
        call_command("import_places", str(bad))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_places", str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="Programme inconnu"):
        call_command("import_places", str(EXAMPLE), "--programme", "inconnu")
    out = io.StringIO()
    call_command("import_places", str(EXAMPLE), stdout=out)
    assert "1 lieu(x) créé(s)" in out.getvalue()


def test_export_command_writes_a_valid_file(sud_labs, make_place, tmp_path):
    make_place(programme=sud_labs)
    target = tmp_path / "export.csv"
    call_command("export_places", "--output", str(target), stderr=io.StringIO())
    assert _errors(target.read_bytes()) == []
    assert len(read_csv(target.read_bytes())[1]) == 1
