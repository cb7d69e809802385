"""XLSX / XLSM / ODS ingestion: one typed table per non-empty sheet."""
import datetime as dt
import io
import zipfile

import xlsxwriter

from datasud.datastore.ingest import detect_format, read_source


def rows(con, table):
    return con.execute(f"SELECT * FROM read_parquet('{table.path}')").fetchall()


def xlsx(path, build, **options):
    workbook = xlsxwriter.Workbook(str(path), options)
    build(workbook)
    workbook.close()
    return path


def test_typed_sheet_with_formulas_dates_and_codes(tmp_path, con):
    def build(workbook):
        sheet = workbook.add_worksheet("Équipements")
        date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        stamp = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        sheet.write_row(0, 0, ["id", "code", "montant", "double", "ouverture", "maj", "actif",
                               "mixte"])
        for index, (code, amount) in enumerate([("04070", 1.5), ("13001", 2.25)], start=1):
            sheet.write_number(index, 0, index)
            sheet.write_string(index, 1, code)
            sheet.write_number(index, 2, amount)
            # A formula: its cached value is what the workbook shows, hence what is loaded.
            sheet.write_formula(index, 3, f"=A{index + 1}*42", None, index * 42)
            sheet.write_datetime(index, 4, dt.datetime(2024, 12, 30 + index - 1), date)
            sheet.write_datetime(index, 5, dt.datetime(2024, 1, index, 10, 30), stamp)
            sheet.write_boolean(index, 6, index == 1)
        sheet.write_number(1, 7, 12)
        sheet.write_string(2, 7, "douze")

    [table] = read_source(xlsx(tmp_path / "data.xlsx", build), tmp_path / "out", con)
    assert table.name == "Équipements"
    assert table.path == tmp_path / "out" / "table-0.parquet"
    assert table.columns == [("id", "BIGINT"), ("code", "VARCHAR"), ("montant", "DOUBLE"),
                             ("double", "BIGINT"), ("ouverture", "DATE"),
                             ("maj", "TIMESTAMP"), ("actif", "BOOLEAN"), ("mixte", "VARCHAR")]
    assert rows(con, table) == [
        (1, "04070", 1.5, 42, dt.date(2024, 12, 30), dt.datetime(2024, 1, 1, 10, 30), True,
         "12"),
        (2, "13001", 2.25, 84, dt.date(2024, 12, 31), dt.datetime(2024, 1, 2, 10, 30), False,
         "douze")]
    assert table.options == {"format": "xlsx", "sheet": "Équipements", "sheet_index": 0,
                             "header_row": 1}
    assert table.warnings == []


def test_every_non_empty_sheet_is_a_table(tmp_path, con):
    def build(workbook):
        first = workbook.add_worksheet("Données")
        first.write_row(0, 0, ["a", "b"])
        first.write_row(1, 0, [1, "x"])
        workbook.add_worksheet("Vide")
        # Header further down, leading empty column, trailing empty rows and columns.
        second = workbook.add_worksheet("Décalée")
        second.write_row(3, 1, ["nom", "", "valeur"])
        second.write_row(4, 1, ["p", None, 3.5])
        second.write_row(6, 1, ["q", None, 4])
        second.write_blank(20, 10, None, workbook.add_format({"bold": True}))
        hidden = workbook.add_worksheet("Masquée")
        hidden.write_row(0, 0, ["h"])
        hidden.write_row(1, 0, ["v"])
        hidden.hide()
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"values": "=Données!$A$2:$A$2"})
        workbook.add_chartsheet("Graphique").set_chart(chart)  # no table in a chart sheet
        first.activate()

    tables = read_source(xlsx(tmp_path / "data.xlsx", build), tmp_path / "out", con)
    assert [t.name for t in tables] == ["Données", "Décalée", "Masquée"]
    assert [t.path.name for t in tables] == ["table-0.parquet", "table-1.parquet",
                                             "table-2.parquet"]
    shifted = tables[1]
    assert shifted.columns == [("nom", "VARCHAR"), ("valeur", "DOUBLE")]
    assert shifted.options["header_row"] == 4
    assert rows(con, shifted) == [("p", 3.5), ("q", 4.0)]
    assert "masquée" in tables[2].warnings[0]


def test_header_only_sheet_and_duplicate_headers(tmp_path, con):
    def build(workbook):
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["nom", "nom", 2024, "", "_id"])
        sheet.write_row(1, 0, ["a", "b", 1, "c", "d"])
        workbook.add_worksheet().write_row(0, 0, ["seul"])

    first, second = read_source(xlsx(tmp_path / "data.xlsx", build), tmp_path / "out", con)
    assert [n for n, _ in first.columns] == ["nom", "nom_2", "2024", "colonne_4", "_id_2"]
    assert first.source_columns == ["nom", "nom", "2024", "", "_id"]
    assert second.row_count == 0
    assert second.columns == [("seul", "VARCHAR")]


def test_macros_are_ignored_with_a_warning(tmp_path, con):
    path = xlsx(tmp_path / "macro.xlsx",
                lambda wb: wb.add_worksheet().write_row(0, 0, ["a", 1]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake macros")
    macro = tmp_path / "macro.xlsm"
    macro.write_bytes(buffer.getvalue())
    [table] = read_source(macro, tmp_path / "out", con, declared_format="xlsm")
    assert table.warnings == ["Les macros du classeur ont été ignorées."]
    assert table.columns == [("a", "VARCHAR"), ("1", "VARCHAR")]


def _ods(path, rows_):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')

    def cell(value):
        if isinstance(value, bool):
            return (f'<table:table-cell office:value-type="boolean" office:boolean-value='
                    f'"{str(value).lower()}"><text:p>{value}</text:p></table:table-cell>')
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        if isinstance(value, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value='
                    f'"{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>')
        return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>")

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>"
                   for row in rows_)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Feuille1">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_ods(tmp_path, con):
    path = _ods(tmp_path / "data.ods", [
        ["commune", "population", "surface", "recensement", "chef-lieu"],
        ["Digne-les-Bains", 16000, 117.07, dt.date(2021, 1, 1), True],
        ["Sisteron", 7500, 49.49, dt.date(2020, 1, 1), False]])
    assert detect_format(path) == "ods"
    [table] = read_source(path, tmp_path / "out", con)
    assert table.name == "Feuille1"
    assert table.columns == [("commune", "VARCHAR"), ("population", "BIGINT"),
                             ("surface", "DOUBLE"), ("recensement", "DATE"),
                             ("chef-lieu", "BOOLEAN")]
    assert rows(con, table) == [
        ("Digne-les-Bains", 16000, 117.07, dt.date(2021, 1, 1), True),
        ("Sisteron", 7500, 49.49, dt.date(2020, 1, 1), False)]


def test_text_with_quotes_newlines_and_many_rows(tmp_path, con):
    def build(workbook):
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["texte", "n"])
        for index in range(1, 10_001):
            sheet.write_string(index, 0, f'ligne "{index}",\nsuite')
            sheet.write_number(index, 1, index * 0.5)

    [table] = read_source(xlsx(tmp_path / "big.xlsx", build, constant_memory=True),
                          tmp_path / "out", con)
    assert table.row_count == 10_000
    assert table.columns == [("texte", "VARCHAR"), ("n", "DOUBLE")]
    assert rows(con, table)[-1] == ('ligne "10000",\nsuite', 5000.0)
