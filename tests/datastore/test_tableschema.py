"""Table Schemas: inferred from profiles, declared schemas checked, data validated."""
import json

import duckdb
import pytest

from datasud.datastore.profile import profile_table
from datasud.datastore.tableschema import (
    SchemaError,
    infer_table_schema,
    parse_table_schema,
    validate_table,
)


def write_parquet(path, select: str) -> list[tuple[str, str]]:
    """Write `select` to `path` as Parquet; return its (name, DuckDB type) columns."""
    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]


def validate(path, columns, schema, **kwargs) -> dict:
    with duckdb.connect() as con:
        report = validate_table(con, path, columns, schema, **kwargs)
    json.dumps(report, allow_nan=False)  # stored in a JSONField, served as is
    return report


def errors_of(report, error_type=None) -> list[tuple]:
    return [(e["row"], e["field"], e["value"]) for e in report["errors"]
            if error_type is None or e["type"] == error_type]


# A schema in the style of schema.data.gouv.fr (cf. etalab/schema-irve-statique).
SCHEMA_DATA_GOUV = {
    "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
    "name": "equipements-sportifs",
    "title": "Équipements sportifs de la région",
    "description": "Liste des équipements sportifs.",
    "version": "1.0.0",
    "contributors": [{"title": "Région Sud", "role": "author"}],
    "fields": [
        {"name": "id_equipement", "title": "Identifiant", "type": "string",
         "example": "EQ-0001", "constraints": {"required": True, "unique": True,
                                               "pattern": "^EQ-[0-9]{4}$"}},
        {"name": "code_insee", "type": "string", "description": "Code INSEE de la commune",
         "constraints": {"required": True, "pattern": "^([013-9]\\d|2[AB1-9])\\d{3}$"}},
        {"name": "type", "type": "string",
         "constraints": {"enum": ["Piscine", "Stade", "Gymnase"]}},
        {"name": "capacite", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "date_ouverture", "type": "date", "format": "%d/%m/%Y"},
        {"name": "contact", "type": "string", "format": "email"},
        {"name": "site", "type": "string", "format": "uri"},
        {"name": "coordonnees", "type": "geopoint", "format": "array"},
        {"name": "accessible", "type": "boolean", "trueValues": ["oui"],
         "falseValues": ["non"]},
    ],
    "primaryKey": "id_equipement",
    "missingValues": ["", "NC"],
}


@pytest.fixture
def equipements(tmp_path):
    """Data for SCHEMA_DATA_GOUV, as loaded (all text), with one error of each kind."""
    path = tmp_path / "equipements.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          ('EQ-0001', '04070', 'Piscine', '250', '01/06/1998', 'piscine@digne.fr',
           'https://digne.fr', '[6.23, 44.09]', 'oui'),
          ('EQ-0002', '2A004', 'Stade', '12a', '31/02/2001', 'pas-un-courriel',
           'digne.fr', '[6.23]', 'peut-être'),
          ('EQ-0001', '4070', 'Patinoire', '-5', '2001-02-03', NULL, NULL,
           '[200, 44]', 'non'),
          ('NC', '13055', 'Gymnase', 'NC', NULL, NULL, 'http://x.fr', NULL, '')
        ) t(id_equipement, code_insee, type, capacite, date_ouverture, contact, site,
            coordonnees, accessible)
    """)
    return path, columns


def test_parse_accepts_a_schema_data_gouv_schema():
    schema = parse_table_schema(json.dumps(SCHEMA_DATA_GOUV))
    assert [f["name"] for f in schema["fields"]][:3] == ["id_equipement", "code_insee", "type"]
    assert schema["primaryKey"] == ["id_equipement"]  # normalised to a list
    assert schema["missingValues"] == ["", "NC"]
    assert schema["title"] == "Équipements sportifs de la région"  # other properties kept
    assert SCHEMA_DATA_GOUV["primaryKey"] == "id_equipement"  # the input is left alone


def test_parse_normalises_defaults():
    schema = parse_table_schema({"fields": [{"name": "a"}, {"name": "b", "type": "integer"}],
                                 "missingValues": [{"value": "-", "label": "absent"}]})
    assert schema["fields"][0]["type"] == "string"
    assert schema["missingValues"] == ["-"]
    assert parse_table_schema({"fields": [{"name": "a"}]})["missingValues"] == [""]


@pytest.mark.parametrize(("descriptor", "message"), [
    ("{not json", "n'est pas un JSON valide"),
    ([1, 2], "doit être un objet JSON"),
    ({"name": "x"}, "liste « fields » non vide"),
    ({"fields": []}, "liste « fields » non vide"),
    ({"fields": ["a"]}, "Champ n°1 : chaque élément"),
    ({"fields": [{"type": "string"}]}, "Champ n°1 : « name » est obligatoire"),
    ({"fields": [{"name": "a"}, {"name": "a"}]}, "« a » est déclaré deux fois"),
    ({"fields": [{"name": "a", "type": "texte"}]}, "type « texte » inconnu"),
    ({"fields": [{"name": "a", "format": "phone"}]}, "format « phone » inconnu"),
    ({"fields": [{"name": "d", "type": "date", "format": "%Q/%m"}]},
     "format de date « %Q/%m » invalide"),
    ({"fields": [{"name": "d", "type": "date", "format": "jj/mm/aaaa"}]},
     "format de date « jj/mm/aaaa » invalide"),
    ({"fields": [{"name": "a", "constraints": []}]}, "« constraints » doit être un objet"),
    ({"fields": [{"name": "a", "constraints": {"required": "oui"}}]},
     "« required » doit valoir true ou false"),
    ({"fields": [{"name": "a", "constraints": {"maxLength": -1}}]},
     "« maxLength » doit être un entier positif"),
    ({"fields": [{"name": "a", "constraints": {"minLength": True}}]},
     "« minLength » doit être un entier positif"),
    ({"fields": [{"name": "a", "constraints": {"pattern": "[0-9"}}]},
     "motif (« pattern ») invalide"),
    ({"fields": [{"name": "a", "constraints": {"enum": []}}]}, "« enum » doit être une liste"),
    ({"fields": [{"name": "n", "type": "integer", "constraints": {"enum": [1, "deux"]}}]},
     "la valeur « deux » de « enum » n'est pas du type integer"),
    ({"fields": [{"name": "a", "constraints": {"minimum": 3}}]},
     "« minimum » ne s'applique pas au type string"),
    ({"fields": [{"name": "d", "type": "date", "constraints": {"maximum": "demain"}}]},
     "« maximum » (demain) n'est pas du type date"),
    ({"fields": [{"name": "a"}], "primaryKey": ["b"]}, "« primaryKey » nomme un champ absent"),
    ({"fields": [{"name": "a"}], "missingValues": [None]}, "« missingValues » doit être"),
    ({"fields": [{"name": "a", "type": "boolean", "trueValues": "oui"}]},
     "« trueValues » doit être une liste de textes"),
])
def test_parse_refuses_broken_descriptors(descriptor, message):
    with pytest.raises(SchemaError) as caught:
        parse_table_schema(descriptor)
    assert message in str(caught.value)


def test_validation_of_a_schema_data_gouv_schema(equipements):
    path, columns = equipements
    report = validate(path, columns, SCHEMA_DATA_GOUV)

    assert report["valid"] is False
    assert report["row_count"] == 4
    assert report["by_type"] == {
        "type-error": 8, "required-error": 1, "unique-error": 1, "primary-key-error": 1,
        "pattern-error": 1, "enum-error": 1, "minimum-error": 1}
    assert report["error_count"] == 14 == len(report["errors"])
    assert report["warning_count"] == 0
    assert report["by_field"] == {
        "id_equipement": 3, "code_insee": 1, "type": 1, "capacite": 2, "date_ouverture": 2,
        "contact": 1, "site": 1, "coordonnees": 2, "accessible": 1}
    # Listed by row, then in the order of the fields and of their checks; "NC" and "" are
    # missing values: nulls, an error only where a value is required.
    assert [(e["row"], e["type"], e["field"], e["value"]) for e in report["errors"]] == [
        (2, "type-error", "capacite", "12a"),
        (2, "type-error", "date_ouverture", "31/02/2001"),
        (2, "type-error", "contact", "pas-un-courriel"),
        (2, "type-error", "site", "digne.fr"),
        (2, "type-error", "coordonnees", "[6.23]"),
        (2, "type-error", "accessible", "peut-être"),
        (3, "unique-error", "id_equipement", "EQ-0001"),
        (3, "pattern-error", "code_insee", "4070"),
        (3, "enum-error", "type", "Patinoire"),
        (3, "minimum-error", "capacite", "-5"),
        (3, "type-error", "date_ouverture", "2001-02-03"),
        (3, "type-error", "coordonnees", "[200, 44]"),
        (3, "primary-key-error", "id_equipement", "EQ-0001"),
        (4, "required-error", "id_equipement", None),
    ]
    messages = {(e["row"], e["type"], e["field"]): e["message"] for e in report["errors"]}
    assert messages[(2, "type-error", "capacite")] == "« 12a » n'est pas un entier."
    assert messages[(2, "type-error", "date_ouverture")] == (
        "« 31/02/2001 » n'est pas une date (format « %d/%m/%Y »).")
    assert messages[(3, "unique-error", "id_equipement")] == (
        "« EQ-0001 » est déjà présente ligne 1 ; les valeurs doivent être uniques.")
    assert messages[(3, "enum-error", "type")] == (
        "« Patinoire » ne fait pas partie des valeurs autorisées : Piscine, Stade, Gymnase.")
    assert messages[(3, "minimum-error", "capacite")] == (
        "« -5 » est trop petit : au moins 0 attendu.")
    assert all(e["severity"] == "error" for e in report["errors"])


def test_capped_listing_keeps_exact_counts(equipements):
    path, columns = equipements
    full = validate(path, columns, SCHEMA_DATA_GOUV)
    assert full["errors"][-2]["message"] == (
        "Clé primaire (id_equipement) en double : « EQ-0001 » déjà présente ligne 1.")
    assert full["errors"][-1]["message"] == "Valeur obligatoire manquante."

    capped = validate(path, columns, SCHEMA_DATA_GOUV, max_errors=3)
    assert capped["error_count"] == 14 and capped["by_type"] == full["by_type"]
    assert capped["by_field"] == full["by_field"]
    assert capped["errors"] == full["errors"][:3]
    none = validate(path, columns, SCHEMA_DATA_GOUV, max_errors=0)
    assert none["error_count"] == 14 and none["errors"] == [] and not none["valid"]


def test_structural_errors(tmp_path):
    path = tmp_path / "t.parquet"
    columns = write_parquet(path, "SELECT 1 AS b, 'x' AS Nom, 2 AS en_trop")
    report = validate(path, columns, {"fields": [
        {"name": "nom"}, {"name": "b", "type": "integer"}, {"name": "absent"}]})
    assert report["valid"] is False
    assert [(e["type"], e["field"], e["row"], e["severity"]) for e in report["errors"]] == [
        ("missing-field", "nom", None, "error"),
        ("missing-field", "absent", None, "error"),
        ("extra-field", "Nom", None, "warning"),
        ("extra-field", "en_trop", None, "warning"),
    ]
    assert "une colonne « Nom » existe" in report["errors"][0]["message"]
    assert (report["error_count"], report["warning_count"]) == (4, 2)

    # Order does not matter; an extra column alone is a warning: the data stays valid.
    report = validate(path, columns, {"fields": [{"name": "Nom"}, {"name": "b"}]})
    assert report["valid"] is True
    assert report["by_type"] == {"extra-field": 1}
    assert report["errors"][0]["message"] == (
        "La colonne « en_trop » n'est pas déclarée dans le schéma.")


def test_typed_columns_are_read_as_their_declared_type(tmp_path):
    path = tmp_path / "typed.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          (1::BIGINT, 1.0::DOUBLE, 20240131::BIGINT, TIMESTAMP '2024-01-31 00:00:00', 1, 'x'),
          (2, 1.5, 20240230, TIMESTAMP '2024-01-31 10:00:00', 0, 'y'),
          (3, 2.0, 20241301, NULL, 2, 'z')
        ) t(n, entier, jour, minuit, drapeau, texte)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "n", "type": "integer", "constraints": {"maximum": 2}},
        {"name": "entier", "type": "integer"},
        {"name": "jour", "type": "date", "format": "%Y%m%d"},
        {"name": "minuit", "type": "date"},
        {"name": "drapeau", "type": "boolean"},
        {"name": "texte", "type": "number"},
    ]})
    assert errors_of(report) == [
        (1, "texte", "x"),
        (2, "entier", "1.5"), (2, "jour", "20240230"), (2, "minuit", "2024-01-31 10:00:00"),
        (2, "texte", "y"),
        (3, "n", "3"), (3, "jour", "20241301"), (3, "drapeau", "2"), (3, "texte", "z"),
    ]
    assert report["by_type"] == {"maximum-error": 1, "type-error": 8}


def test_type_conformance_of_text_columns(tmp_path):
    path = tmp_path / "text.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          ('12', '117,07', '2024-01-31', '2024-01-31T10:00:00Z', '10:30:00', '2024',
           '2024-01', 'P1Y2M3DT4H', '{"a": 1}', '[1, 2]', '6.2, 44.1',
           '81e868ee-6da3-4df8-afdb-f284850db26c', '{"type": "Point", "coordinates": [6, 44]}'),
          ('+7', '1 017,5', '31/01/2024', '2024-01-31 10:00:00+02:00', '10:30', '24',
           '2024-13', 'P', '[1]', '{"a": 1}', '6.2;44.1', 'abc', '{"a": 1}'),
          ('1.0', '1e3', '2024-02-30', '2024-01-31', '25:00:00', '2024a',
           '2024-1', '1 an', 'nope', 'nope', '200, 44', NULL, 'nope')
        ) t(i, n, d, dt, h, y, ym, du, o, a, g, u, gj)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "i", "type": "integer"},
        {"name": "n", "type": "number", "decimalChar": ",", "groupChar": " "},
        {"name": "d", "type": "date"},
        {"name": "dt", "type": "datetime"},
        {"name": "h", "type": "time"},
        {"name": "y", "type": "year"},
        {"name": "ym", "type": "yearmonth"},
        {"name": "du", "type": "duration"},
        {"name": "o", "type": "object"},
        {"name": "a", "type": "array"},
        {"name": "g", "type": "geopoint"},
        {"name": "u", "type": "string", "format": "uuid"},
        {"name": "gj", "type": "geojson"},
    ]})
    assert errors_of(report) == [
        (2, "d", "31/01/2024"), (2, "h", "10:30"), (2, "y", "24"), (2, "ym", "2024-13"),
        (2, "du", "P"), (2, "o", "[1]"), (2, "a", '{"a": 1}'), (2, "g", "6.2;44.1"),
        (2, "u", "abc"), (2, "gj", '{"a": 1}'),
        (3, "i", "1.0"), (3, "d", "2024-02-30"), (3, "dt", "2024-01-31"), (3, "h", "25:00:00"),
        (3, "y", "2024a"), (3, "ym", "2024-1"), (3, "du", "1 an"), (3, "o", "nope"),
        (3, "a", "nope"), (3, "g", "200, 44"), (3, "gj", "nope"),
    ]
    assert report["by_type"] == {"type-error": 21}
    # "1 017,5" and "1e3" are numbers here: only their text mattered.
    assert report["by_field"].get("n") is None


def test_constraints(tmp_path):
    path = tmp_path / "c.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          ('ab', 5, DATE '2024-01-01', 'x'),
          ('abcdef', 10, DATE '2023-12-31', 'y'),
          ('a', 0, DATE '2025-01-01', 'x'),
          (NULL, NULL, NULL, 'x')
        ) t(code, note, jour, lettre)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "code", "constraints": {"required": True, "minLength": 2, "maxLength": 4,
                                         "pattern": "[a-z]+"}},
        {"name": "note", "type": "integer",
         "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}},
        {"name": "jour", "type": "date",
         "constraints": {"minimum": "2024-01-01", "maximum": "2024-12-31",
                         "enum": ["2024-01-01", "2025-01-01"]}},
        {"name": "lettre", "constraints": {"unique": True, "enum": ["x", "y"]}},
    ]})
    assert [(e["row"], e["type"], e["field"]) for e in report["errors"]] == [
        (2, "max-length-error", "code"),
        (2, "exclusive-maximum-error", "note"),
        (2, "enum-error", "jour"), (2, "minimum-error", "jour"),
        (3, "min-length-error", "code"),
        (3, "exclusive-minimum-error", "note"),
        (3, "maximum-error", "jour"),
        (3, "unique-error", "lettre"),
        (4, "required-error", "code"),
        (4, "unique-error", "lettre"),
    ]
    messages = [e["message"] for e in report["errors"]]
    assert messages[0] == "« abcdef » est trop long : au plus 4 caractères."
    assert messages[1] == "« 10 » est trop grand : strictement moins que 10 attendu."
    assert messages[-1] == "« x » est déjà présente ligne 1 ; les valeurs doivent être uniques."


def test_composite_primary_key_and_datetime_bounds(tmp_path):
    path = tmp_path / "k.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          ('04', 2023, TIMESTAMP '2024-01-01 10:00:00', '6.2, 44.1', '{"lon": 6.2, "lat": 44}',
           true, 'a,b'),
          ('04', 2024, TIMESTAMP '2023-12-31 23:59:59', '6.2,44.1', '{"lon": 6.2}', false, 'c'),
          ('05', 2023, TIMESTAMP '2024-06-01 00:00:00', '6.2 44.1', '{"lon": 600, "lat": 4}',
           NULL, ''),
          ('04', 2023, NULL, NULL, NULL, true, NULL)
        ) t(dep, annee, vu, point, point_objet, actif, etiquettes)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "dep"},
        {"name": "annee", "type": "year"},
        {"name": "vu", "type": "datetime",
         "constraints": {"minimum": "2024-01-01T00:00:00Z",
                         "exclusiveMaximum": "2024-06-01T00:00:00"}},
        {"name": "point", "type": "geopoint"},
        {"name": "point_objet", "type": "geopoint", "format": "object"},
        {"name": "actif", "type": "boolean", "constraints": {"required": True}},
        {"name": "etiquettes", "type": "list"},
    ], "primaryKey": ["dep", "annee"]})
    assert [(e["row"], e["type"], e["field"], e["value"]) for e in report["errors"]] == [
        (2, "minimum-error", "vu", "2023-12-31 23:59:59"),
        (2, "type-error", "point_objet", '{"lon": 6.2}'),
        (3, "exclusive-maximum-error", "vu", "2024-06-01 00:00:00"),
        (3, "type-error", "point", "6.2 44.1"),
        (3, "type-error", "point_objet", '{"lon": 600, "lat": 4}'),
        (3, "required-error", "actif", None),
        (4, "primary-key-error", "dep, annee", "04, 2023"),
    ]
    assert report["errors"][-1]["message"] == (
        "Clé primaire (dep, annee) en double : « 04, 2023 » déjà présente ligne 1.")
    assert report["by_field"]["dep, annee"] == 1


def test_exact_totals_and_capped_list_on_many_rows(tmp_path):
    path = tmp_path / "many.parquet"
    columns = write_parquet(path, """
        SELECT i AS id,
               CASE WHEN i % 7 = 3 THEN 'x' || i ELSE (i * 2)::VARCHAR END AS valeur,
               (i % 1000)::VARCHAR AS code
        FROM range(20000) t(i)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "valeur", "type": "integer"},
        {"name": "code", "type": "string", "constraints": {"unique": True}},
    ]}, max_errors=50)
    type_errors = len([i for i in range(20000) if i % 7 == 3])
    assert report["by_type"] == {"type-error": type_errors, "unique-error": 19000}
    assert report["error_count"] == type_errors + 19000
    assert len(report["errors"]) == 50
    assert report["errors"][0] == {
        "type": "type-error", "field": "valeur", "row": 4, "value": "x3",
        "message": "« x3 » n'est pas un entier.", "severity": "error"}
    # The first 50 errors are the first rows' type errors; duplicates come later.
    assert [e["row"] for e in report["errors"]] == [i + 1 for i in range(350) if i % 7 == 3]

    report = validate(path, columns, {"fields": [
        {"name": "code", "constraints": {"unique": True}}]}, max_errors=3)
    assert report["by_type"] == {"unique-error": 19000, "extra-field": 2}
    assert errors_of(report, "unique-error") == [(1001, "code", "0")]
    assert report["errors"][-1]["message"] == (
        "« 0 » est déjà présente ligne 1 ; les valeurs doivent être uniques.")


def test_names_and_values_are_never_sql(tmp_path):
    path = tmp_path / "odd.parquet"
    columns = write_parquet(path, """
        SELECT 'it''s' AS "nom"" ; DROP TABLE x; --", 'a''b' AS "l'autre"
    """)
    odd = columns[0][0]
    report = validate(path, columns, {"fields": [
        {"name": odd, "constraints": {"enum": ["it's"], "pattern": "it's"}},
        {"name": "l'autre", "constraints": {"enum": ["a'b'); SELECT 1; --"]}},
    ], "missingValues": ["'"]})
    assert errors_of(report) == [(1, "l'autre", "a'b")]


def test_an_invalid_declared_schema_gives_a_report(tmp_path):
    path = tmp_path / "t.parquet"
    columns = write_parquet(path, "SELECT 1 AS a")
    report = validate(path, columns, {"fields": [{"name": "a", "type": "entier"}]})
    assert report["valid"] is False
    assert report["by_type"] == {"schema-error": 1}
    assert "type « entier » inconnu" in report["errors"][0]["message"]


def test_inferred_schema_describes_and_validates_its_data(tmp_path):
    path = tmp_path / "communes.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          (1, '04070', 'Digne-les-Bains', 16300, 117.07, DATE '2023-12-31', true,
           '81e868ee-6da3-4df8-afdb-f284850db26c'::UUID),
          (2, '05061', 'Gap', 40600, NULL, DATE '2023-12-31', false, NULL),
          (3, '06088', 'Nice', 348100, 71.92, NULL, true, NULL)
        ) t(id, code_insee, nom, population, superficie, date_maj, grande, uuid)
    """)
    with duckdb.connect() as con:
        inferred = infer_table_schema(profile_table(con, path, columns))
    assert inferred == {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
            {"name": "code_insee", "type": "string",
             "constraints": {"required": True, "unique": True}},
            {"name": "nom", "type": "string", "constraints": {"required": True, "unique": True}},
            {"name": "population", "type": "integer",
             "constraints": {"required": True, "unique": True}},
            {"name": "superficie", "type": "number", "constraints": {}},
            {"name": "date_maj", "type": "date", "constraints": {}},
            {"name": "grande", "type": "boolean", "constraints": {"required": True}},
            {"name": "uuid", "type": "string", "format": "uuid", "constraints": {}},
        ],
        "missingValues": [""],
    }
    assert parse_table_schema(inferred) == inferred
    report = validate(path, columns, inferred)
    assert report["valid"] is True and report["error_count"] == 0


def test_column_names_like_internal_aliases(tmp_path):
    path = tmp_path / "aliases.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES (1, 'a', 5, 'x'), (1, 'b', 6, 'y'), (2, 'c', 7, 'x'))
        t(rn, c0, v0, first)
    """)
    report = validate(path, columns, {"fields": [
        {"name": "rn", "type": "integer", "constraints": {"unique": True}},
        {"name": "c0", "constraints": {"enum": ["a", "c"]}},
        {"name": "v0", "type": "integer", "constraints": {"maximum": 6}},
        {"name": "first", "constraints": {"unique": True}},
    ]})
    assert errors_of(report) == [(2, "rn", "1"), (2, "c0", "b"), (3, "v0", "7"),
                                 (3, "first", "x")]
