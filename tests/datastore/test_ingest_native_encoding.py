"""Latin-1 CSV files are decoded by DuckDB while parsing (no transcoded copy), unless a
Windows-1252 byte (0x80-0x9F) occurs anywhere: then the file is transcoded as before."""

import pytest

from datasud.datastore.errors import IngestError
from datasud.datastore.ingest import read_source


def load(tmp_path, con, content: bytes):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    stages: list[str] = []
    tables = read_source(path, tmp_path / "out", con, on_progress=stages.append)
    return tables, stages


def rows(con, table):
    return con.execute(f"SELECT * FROM read_parquet('{table.path}')").fetchall()


def converted(stages):
    return any(stage.startswith("Conversion de l'encodage") for stage in stages)


def test_pure_latin1_is_read_without_transcoding(tmp_path, con):
    text = "commune;équipement;n\n" + "".join(
        f"Saint-Étienne-de-Tinée;Crèche « Les Œillets » n° {i};{i}\n".replace("Œ", "O")
        for i in range(3)
    )
    [table], stages = load(tmp_path, con, text.encode("latin-1"))
    assert not converted(stages)
    assert table.options["encoding"] == "latin-1"
    assert table.source_columns == ["commune", "équipement", "n"]
    assert rows(con, table)[2] == ("Saint-Étienne-de-Tinée", "Crèche « Les Oillets » n° 2", 2)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["table-0.parquet"]


def test_windows_1252_byte_after_a_latin1_head_is_transcoded(tmp_path, con):
    head = "".join(f"{i};élève\n" for i in range(120_000))  # > 1 MB, no 0x80-0x9F byte
    content = ("id;texte\n" + head).encode("latin-1") + "7;l’été 5 €\n".encode("cp1252")
    [table], stages = load(tmp_path, con, content)
    assert converted(stages)
    assert table.options["encoding"] == "cp1252"
    assert table.row_count == 120_001
    assert rows(con, table)[-1] == (7, "l’été 5 €")
    assert rows(con, table)[0] == (0, "élève")


def test_native_latin1_errors_name_physical_lines(tmp_path, con):
    # Accented characters take two bytes once decoded, and a quoted value spans lines:
    # the line reported must still be the one an editor shows.
    lines = ["nom;note"] + [f'"Hélène\nÉmilie {i}";{i}' for i in range(2_000)]
    lines.append("Zoé;1;trop")  # physical line 2 + 2 * 2,000 = 4,002
    with pytest.raises(IngestError) as caught:
        load(tmp_path, con, ("\n".join(lines) + "\n").encode("latin-1"))
    assert caught.value.code == "malformed"
    assert caught.value.line == 4_002


def test_native_latin1_late_value_retypes_the_column(tmp_path, con):
    body = "".join(f"{i};é\n" for i in range(150_000))
    [table], stages = load(tmp_path, con, ("n;t\n" + body + "néant;è\n").encode("latin-1"))
    assert not converted(stages)
    assert dict(table.columns)["n"] == "VARCHAR"
    assert rows(con, table)[-1] == ("néant", "è")
    assert any("« néant »" in warning for warning in table.warnings)
