"""Hostile and broken sources: each is refused with a clear IngestError, nothing left behind."""
import io
import zipfile

import pytest
import xlsxwriter

from datasud.datastore.errors import IngestError
from datasud.datastore.ingest import IngestLimits, detect_format, read_source


def refuse(tmp_path, con, content, name="data.csv", **kwargs) -> IngestError:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    out = tmp_path / "out"
    with pytest.raises(IngestError) as caught:
        read_source(path, out, con, **kwargs)
    # A failed load leaves no file, complete or temporary.
    assert not out.exists() or list(out.iterdir()) == []
    assert caught.value.message and caught.value.message[0].isupper()
    return caught.value


def test_ragged_lines_are_listed_with_their_numbers(tmp_path, con):
    error = refuse(tmp_path, con, "a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n")
    assert error.code == "malformed"
    assert error.line == 3
    assert [d["line"] for d in error.details] == [3, 4]
    assert error.details[0]["message"] == "Ligne 3 : 2 valeurs au lieu de 3."
    assert error.details[1]["message"] == "Ligne 4 : 4 valeurs au lieu de 3."
    assert "2 lignes" in error.message


def test_bad_lines_listed_up_to_the_limit(tmp_path, con):
    good = "".join(f"{i};x;y\n" for i in range(1000))
    bad = "".join(f"{i};x\n" for i in range(50))
    error = refuse(tmp_path, con, "a;b;c\n" + good + bad,
                   limits=IngestLimits(max_error_details=5))
    assert error.code == "malformed"
    assert [d["line"] for d in error.details] == [1002, 1003, 1004, 1005, 1006]
    assert "50 lignes" in error.message


def test_unclosed_quote_is_malformed(tmp_path, con):
    error = refuse(tmp_path, con, 'a,b\n1,"x"y\n2,z\n')
    assert error.code == "malformed"
    assert error.line == 2
    assert error.column == "b"


@pytest.mark.parametrize("content", [b"", b"   \n\r\n  \t"])
def test_empty_files(tmp_path, con, content):
    assert refuse(tmp_path, con, content).code == "empty"


@pytest.mark.parametrize("name", ["data.xlsx", "data.json", "data.parquet"])
def test_empty_file_of_any_declared_format(tmp_path, con, name):
    assert refuse(tmp_path, con, b"", name=name).code == "empty"


def test_binary_named_csv(tmp_path, con):
    error = refuse(tmp_path, con, bytes(range(256)) * 100)
    assert error.code == "binary"
    error = refuse(tmp_path, con, b"%PDF-1.7\n\x00\x01\x02 stream")
    assert error.code == "binary"
    assert "PDF" in error.message


def test_unknown_binary_and_html_are_unsupported(tmp_path, con):
    assert refuse(tmp_path, con, b"\x00\x01\x02\x03" * 100, name="x.bin").code == "unsupported"
    error = refuse(tmp_path, con, "<!DOCTYPE html><html><body>404</body></html>")
    assert error.code == "unsupported"
    assert "HTML" in error.message
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data.csv", "a;b\n1;2\n")
    assert refuse(tmp_path, con, archive.getvalue(), name="x.zip").code == "unsupported"


def test_ten_thousand_columns(tmp_path, con):
    header = ";".join(f"c{i}" for i in range(10_000))
    error = refuse(tmp_path, con, header + "\n" + ";".join("1" * 10_000) + "\n")
    assert error.code == "too_many_columns"
    assert "10000 colonnes" in error.message
    assert error.line == 1


def test_ten_megabyte_single_line(tmp_path, con):
    error = refuse(tmp_path, con, "a" * (10 * 1024 * 1024),
                   limits=IngestLimits(max_line_bytes=64 * 1024))
    assert (error.code, error.line) == ("line_too_long", 1)


def test_ten_megabyte_line_in_the_middle(tmp_path, con):
    content = "a;b\n1;x\n2;" + "y" * (10 * 1024 * 1024) + "\n3;z\n"
    error = refuse(tmp_path, con, content, limits=IngestLimits(max_line_bytes=64 * 1024))
    assert (error.code, error.line) == ("line_too_long", 3)


def test_long_line_after_the_head(tmp_path, con):
    content = "a;b\n" + "".join(f"{i};x\n" for i in range(200_000)) + "9;" + "y" * 5000 + "\n"
    error = refuse(tmp_path, con, content, limits=IngestLimits(max_line_bytes=4096))
    assert (error.code, error.line) == ("line_too_long", 200_002)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _workbook_members() -> dict[str, bytes]:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    workbook.add_worksheet().write_row(0, 0, ["a", "b"])
    workbook.close()
    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_zip_bomb_by_ratio(tmp_path, con):
    members = _workbook_members()
    members["xl/media/padding.bin"] = b"\x00" * (20 * 1024 * 1024)
    error = refuse(tmp_path, con, _zip(members), name="bomb.xlsx")
    assert error.code == "zip_bomb"
    assert "padding.bin" in error.message


def test_zip_bomb_by_total_size(tmp_path, con):
    members = _workbook_members()
    members["xl/media/noise.bin"] = bytes(range(256)) * 4096  # 1 MB, barely compressible
    error = refuse(tmp_path, con, _zip(members), name="big.xlsx",
                   limits=IngestLimits(max_uncompressed_bytes=512 * 1024))
    assert error.code == "zip_bomb"


def test_zip_lying_about_sizes(tmp_path, con):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    for row in range(2000):
        sheet.write_row(row, 0, [row, "x" * 20])
    workbook.close()
    content = bytearray(buffer.getvalue())
    # Shrink the sizes the zip declares for the sheet: the real data inflates larger.
    name = content.rfind(b"xl/worksheets/sheet1.xml")
    central = content.rfind(b"PK\x01\x02", 0, name)
    content[central + 24:central + 28] = (1000).to_bytes(4, "little")
    local = content.rfind(b"PK\x03\x04", 0, content.find(b"xl/worksheets/sheet1.xml"))
    content[local + 22:local + 26] = (1000).to_bytes(4, "little")
    assert refuse(tmp_path, con, bytes(content), name="liar.xlsx").code == "invalid"


def test_broken_workbooks(tmp_path, con):
    assert refuse(tmp_path, con, b"PK\x03\x04 not really a zip", name="x.xlsx").code == (
        "invalid")
    members = _workbook_members()
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row>"
    assert refuse(tmp_path, con, _zip(members), name="x.xlsx").code == "invalid"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert refuse(tmp_path, con, ole, name="x.xls").code == "invalid"


def test_too_many_sheets(tmp_path, con):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for index in range(4):
        workbook.add_worksheet().write_row(0, 0, ["a", index])
    workbook.close()
    error = refuse(tmp_path, con, buffer.getvalue(), name="x.xlsx",
                   limits=IngestLimits(max_sheets=3))
    assert error.code == "too_many_sheets"


def test_broken_parquet_and_json(tmp_path, con):
    assert refuse(tmp_path, con, b"PAR1 garbage garbage PAR1", name="x.parquet").code == (
        "invalid")
    error = refuse(tmp_path, con, '{"a": 1}\n{"a": 2}\n{"a": \n{"a": 4}\n', name="x.jsonl")
    assert (error.code, error.line) == ("malformed", 3)
    assert refuse(tmp_path, con, "[1, 2, 3]", name="x.json").code == "invalid"
    assert refuse(tmp_path, con, "[]", name="x.json").code == "empty"


def test_missing_source(tmp_path, con):
    with pytest.raises(IngestError) as caught:
        read_source(tmp_path / "nope.csv", tmp_path / "out", con)
    assert caught.value.code == "unreadable"


def test_detect_format_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02\x03binary")
    with pytest.raises(IngestError) as caught:
        detect_format(path, "pdf")
    assert caught.value.code == "unsupported"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_count_lines_inside_quoted_values(tmp_path, con, newline):
    # Lines 2-4 hold one record (a quoted value over three lines), lines 6-7 another:
    # errors are reported at the lines an editor shows, not at record numbers.
    text = newline.join(['a;b;c', '1;"multi', 'line', 'value";3', '4;5', '6;"x', 'y";8;9',
                         '10;11;12', ''])
    error = refuse(tmp_path, con, text)
    assert error.code == "malformed"
    assert error.line == 5
    assert [d["line"] for d in error.details] == [5, 6]
    assert error.details[0]["message"] == "Ligne 5 : 2 valeurs au lieu de 3."


def test_relaxed_column_warning_names_the_physical_line(tmp_path, con):
    notes = "".join(f'{i}.5;"note\nsur deux lignes"\n' for i in range(60_000))  # > 1 MB head
    path = tmp_path / "data.csv"
    path.write_text("n;note\n" + notes + "abc;fin\n")
    [table] = read_source(path, tmp_path / "out", con)
    assert dict(table.columns)["n"] == "VARCHAR"
    assert "(ligne 120002)" in table.warnings[0]
