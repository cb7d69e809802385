"""CSV ingestion: encodings, delimiters, French numbers and dates, codes, late surprises."""
import datetime as dt

import pytest

from datasud.datastore.ingest import IngestLimits, detect_format, read_source


def load(tmp_path, con, content, name="data.csv", encoding="utf-8", **kwargs):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return read_source(path, tmp_path / "out", con, **kwargs)


def rows(con, table):
    return con.execute(f"SELECT * FROM read_parquet('{table.path}')").fetchall()


def types(table):
    return dict(table.columns)


def test_french_csv_typed_and_written_as_parquet(tmp_path, con):
    [table] = load(tmp_path, con,
                   "id;code commune;nom;montant;date;effectif\n"
                   "1;04070;Digne-les-Bains;1,5;31/12/2024;12\n"
                   "2;13001;Marseille;-1234,25;01/02/2024;7\n")
    assert table.name == ""
    assert table.path == tmp_path / "out" / "table-0.parquet"
    assert table.row_count == 2
    assert table.columns == [("id", "BIGINT"), ("code commune", "VARCHAR"), ("nom", "VARCHAR"),
                             ("montant", "DOUBLE"), ("date", "DATE"), ("effectif", "BIGINT")]
    assert table.source_columns == ["id", "code commune", "nom", "montant", "date", "effectif"]
    assert rows(con, table) == [
        (1, "04070", "Digne-les-Bains", 1.5, dt.date(2024, 12, 31), 12),
        (2, "13001", "Marseille", -1234.25, dt.date(2024, 2, 1), 7)]
    assert table.options["format"] == "csv"
    assert table.options["encoding"] == "utf-8"
    assert table.options["delimiter"] == ";"
    assert table.options["decimal_separator"] == ","
    assert table.options["date_format"] == "%d/%m/%Y"
    assert table.warnings == []
    # Nothing but the table is left in the output directory.
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["table-0.parquet"]


@pytest.mark.parametrize(("delimiter", "name"), [("\t", "data.tsv"), ("|", "data.txt"),
                                                 (",", "data.csv"), (";", "data.csv")])
def test_delimiters(tmp_path, con, delimiter, name):
    text = "\n".join(delimiter.join(r) for r in [["a", "b", "c"], ["1", "x y", "2.5"],
                                                 ["2", "z", "3.5"]]) + "\n"
    [table] = load(tmp_path, con, text, name=name)
    assert table.options["delimiter"] == delimiter
    assert rows(con, table) == [(1, "x y", 2.5), (2, "z", 3.5)]


def test_comma_delimiter_with_quoted_french_decimals(tmp_path, con):
    [table] = load(tmp_path, con, 'nom,valeur\n"a","1,5"\n"b","2"\n')
    assert types(table)["valeur"] == "DOUBLE"
    assert rows(con, table) == [("a", 1.5), ("b", 2.0)]


@pytest.mark.parametrize(("encoding", "expected"), [("latin-1", "latin-1"),
                                                    ("cp1252", "cp1252")])
def test_legacy_encodings_transcoded(tmp_path, con, encoding, expected):
    text = "commune;équipement\nSaint-Étienne-de-Tinée;Crèche « Les Œillets » 5 €\n"
    if encoding == "latin-1":
        text = text.replace("Œ", "O").replace("€", "EUR")
    [table] = load(tmp_path, con, text, encoding=encoding)
    assert table.options["encoding"] == expected
    assert table.source_columns == ["commune", "équipement"]
    assert rows(con, table) == [tuple(text.splitlines()[1].split(";"))]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["table-0.parquet"]


def test_utf8_bom_and_utf16(tmp_path, con):
    [table] = load(tmp_path, con, "\ufeffnom;ville\nÉlise;Nice\n")
    assert table.options["encoding"] == "utf-8-sig"
    assert table.columns[0][0] == "nom"
    assert rows(con, table) == [("Élise", "Nice")]
    [table] = load(tmp_path, con, "nom\tville\nÉlise\tNice\n", encoding="utf-16")
    assert table.options["encoding"] == "utf-16"
    assert rows(con, table) == [("Élise", "Nice")]


def test_late_windows_1252_bytes_after_utf8_head(tmp_path, con):
    head = "".join(f"{i};ligne\n" for i in range(100_000))  # > 1 MB of ASCII
    content = b"id;texte\n" + head.encode() + "999999;café".encode("cp1252") + b"\n"
    [table] = load(tmp_path, con, content)
    assert table.options["encoding"] == "cp1252"
    assert table.row_count == 100_001
    assert rows(con, table)[-1] == (999999, "café")


def test_leading_zero_codes_stay_text_even_late(tmp_path, con):
    lines = "".join(f"{83000 + i % 900};{i}\n" for i in range(120_000))  # > 1 MB head
    [table] = load(tmp_path, con, "code_postal;n\n" + lines + "04000;5\n")
    assert types(table) == {"code_postal": "VARCHAR", "n": "BIGINT"}
    assert rows(con, table)[-1] == ("04000", 5)
    assert any("code_postal" in w and "texte" in w for w in table.warnings)


def test_late_decimal_in_integer_column_becomes_double(tmp_path, con):
    lines = "".join(f"{i};x\n" for i in range(150_000))
    [table] = load(tmp_path, con, "n;t\n" + lines + "2,5;y\n")
    assert types(table)["n"] == "DOUBLE"
    assert rows(con, table)[-1] == (2.5, "y")


def test_late_text_in_numeric_and_date_columns_becomes_varchar(tmp_path, con):
    lines = "".join(f"{i},5;01/02/2020\n" for i in range(100_000))
    [table] = load(tmp_path, con, "montant;date\n" + lines + "NC;inconnue\n")
    assert types(table) == {"montant": "VARCHAR", "date": "VARCHAR"}
    assert rows(con, table)[-1] == ("NC", "inconnue")
    assert rows(con, table)[0] == ("0,5", "01/02/2020")
    assert len(table.warnings) == 2


def test_thousands_separators_and_mixed_decimal_marks(tmp_path, con):
    [table] = load(tmp_path, con,
                   "a;b;c;d\n1 234,5;1\u00a0000;1.5;2,5\n-12;2 000 000;2;3\n")
    assert types(table) == {"a": "DOUBLE", "b": "BIGINT", "c": "DOUBLE", "d": "DOUBLE"}
    assert rows(con, table) == [(1234.5, 1000, 1.5, 2.5), (-12.0, 2000000, 2.0, 3.0)]


def test_dates_timestamps_and_booleans(tmp_path, con):
    [table] = load(tmp_path, con,
                   "fr;iso;ts;fr_ts;tz;ok;us\n"
                   "31/12/2024;2024-12-31;2024-12-31T14:30:00;31/12/2024 14:30;"
                   "2024-12-31T14:30:00+02:00;true;12/31/2024\n"
                   "01/02/2024;2024-02-01;2024-02-01 08:00:00;01/02/2024 08:00:05;"
                   "2024-02-01T08:00:00Z;FALSE;01/30/2024\n")
    assert types(table) == {"fr": "DATE", "iso": "DATE", "ts": "TIMESTAMP",
                            "fr_ts": "TIMESTAMP", "tz": "TIMESTAMP", "ok": "BOOLEAN",
                            "us": "DATE"}
    assert rows(con, table) == [
        (dt.date(2024, 12, 31), dt.date(2024, 12, 31), dt.datetime(2024, 12, 31, 14, 30),
         dt.datetime(2024, 12, 31, 14, 30), dt.datetime(2024, 12, 31, 12, 30), True,
         dt.date(2024, 12, 31)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 1), dt.datetime(2024, 2, 1, 8),
         dt.datetime(2024, 2, 1, 8, 0, 5), dt.datetime(2024, 2, 1, 8), False,
         dt.date(2024, 1, 30))]
    assert table.options["date_format"] == "%d/%m/%Y"
    assert table.options["column_formats"]["us"] == "%m/%d/%Y"
    assert any("UTC" in w for w in table.warnings)


def test_header_only_is_a_valid_empty_table(tmp_path, con):
    [table] = load(tmp_path, con, "a;b;c\n")
    assert table.row_count == 0
    assert table.columns == [("a", "VARCHAR"), ("b", "VARCHAR"), ("c", "VARCHAR")]
    assert rows(con, table) == []


def test_duplicate_empty_and_reserved_header_names(tmp_path, con):
    [table] = load(tmp_path, con, "nom; nom ;;_id;file_row_number;Nom\n1;2;3;4;5;6\n")
    assert [name for name, _ in table.columns] == [
        "nom", "nom_2", "colonne_3", "_id_2", "file_row_number_2", "Nom_3"]
    assert table.source_columns == ["nom", " nom ", "", "_id", "file_row_number", "Nom"]
    assert rows(con, table) == [(1, 2, 3, 4, 5, 6)]


def test_trailing_delimiter_does_not_add_a_column(tmp_path, con):
    [table] = load(tmp_path, con, "a;b;\n1;2;\n3;4;\n")
    assert [name for name, _ in table.columns] == ["a", "b"]
    [table] = load(tmp_path, con, "a;b\n1;2;\n3;4;\n")
    assert [name for name, _ in table.columns] == ["a", "b"]
    assert rows(con, table) == [(1, 2), (3, 4)]


def test_excel_separator_hint_quotes_and_multiline_values(tmp_path, con):
    [table] = load(tmp_path, con,
                   'sep=,\r\nnom,description\r\n"Dupont, Jean","dit ""le grand""\r\n'
                   'sur deux lignes"\r\nMartin,simple\r\n')
    assert table.options["header_line"] == 2
    assert rows(con, table) == [("Dupont, Jean", 'dit "le grand"\r\nsur deux lignes'),
                                ("Martin", "simple")]


def test_progress_is_reported(tmp_path, con):
    stages = []
    load(tmp_path, con, "a;b\n1;2\n", on_progress=stages.append)
    assert stages[0] == "Détection du format"
    assert "Lecture du fichier CSV" in stages


def test_failing_progress_callback_does_not_fail_the_load(tmp_path, con):
    def broken(stage):
        raise RuntimeError("database gone")

    [table] = load(tmp_path, con, "a;b\n1;2\n", on_progress=broken)
    assert table.row_count == 1


def test_detect_format_for_text(tmp_path):
    csv_path = tmp_path / "x.bin"
    csv_path.write_text("a;b\n1;2\n")
    assert detect_format(csv_path) == "csv"
    assert detect_format(csv_path, "XLSX") == "csv"  # the content wins
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert detect_format(empty) == "xlsx"
    assert detect_format(empty, "text/csv") == "csv"
    bracket = tmp_path / "bracket.csv"
    bracket.write_text("[id];nom\n1;a\n")
    assert detect_format(bracket) == "csv"
    bracket.write_text('[{"id": 1}]')
    assert detect_format(bracket) == "json"


def test_declared_format_mismatch_is_a_warning(tmp_path, con):
    [table] = load(tmp_path, con, "a;b\n1;2\n", name="data.xls")
    assert "annoncé au format XLS" in table.warnings[0]


def test_large_file_stays_on_the_fast_path(tmp_path, con):
    lines = "".join(f"{i};{i % 97:05d};nom {i};{i},25;{1 + i % 28:02d}/03/2021\n"
                    for i in range(200_000))
    [table] = load(tmp_path, con, "id;code;nom;montant;date\n" + lines,
                   limits=IngestLimits(max_line_bytes=1024))
    assert table.row_count == 200_000
    assert types(table) == {"id": "BIGINT", "code": "VARCHAR", "nom": "VARCHAR",
                            "montant": "DOUBLE", "date": "DATE"}
    assert table.warnings == []
    assert con.execute(f"SELECT sum(id), max(montant) FROM '{table.path}'").fetchone() == (
        sum(range(200_000)), 199_999.25)


def test_late_surprises_resolved_in_one_extra_pass(tmp_path, con):
    # After the sampled head: a decimal point in a decimal-comma column, a blank integer,
    # and a value in a column with no header that looked empty (trailing delimiter).
    lines = "".join(f"{i};{i},5;\n" for i in range(120_000))
    [table] = load(tmp_path, con, "n;montant;\n" + lines + "   ;2.25;note\n")
    assert table.columns == [("n", "BIGINT"), ("montant", "DOUBLE"), ("colonne_3", "VARCHAR")]
    assert rows(con, table)[-1] == (None, 2.25, "note")
    assert rows(con, table)[0] == (0, 0.5, None)


def test_old_mac_line_endings(tmp_path, con):
    [table] = load(tmp_path, con, "a;b\r1;x\r2;y\r")
    assert rows(con, table) == [(1, "x"), (2, "y")]
