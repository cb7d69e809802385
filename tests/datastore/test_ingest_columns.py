"""Column names and detection helpers of the ingestion readers."""
from datasud.datastore.ingest import clean_column_names
from datasud.datastore.ingest.infer import SEPARATOR, ColumnPlan, classify
from datasud.datastore.ingest.sniff import detect_dialect, detect_encoding


def test_names_are_cleaned_but_keep_accents_and_case():
    assert clean_column_names(["  Nom de la\tcommune\n", "Code INSEE", "\ufeffid"]) == [
        "Nom de la commune", "Code INSEE", "id"]


def test_names_are_unique_case_insensitively():
    assert clean_column_names(["nom", "Nom", "NOM", "nom_2"]) == ["nom", "Nom_3", "NOM_4",
                                                                  "nom_2"]


def test_empty_and_reserved_names():
    assert clean_column_names(["", None, "  ", "colonne_1", "_ID", "file_row_number"]) == [
        "colonne_1_2", "colonne_2", "colonne_3", "colonne_1", "_ID_2", "file_row_number_2"]


def test_names_are_capped_at_128_characters():
    long = "x" * 300
    first, second = clean_column_names([long, long])
    assert first == "x" * 128
    assert second == "x" * 126 + "_2"


def test_encoding_detection():
    assert detect_encoding("é".encode(), at_eof=True) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa;b", at_eof=True) == "utf-8-sig"
    assert detect_encoding("é;à".encode("latin-1"), at_eof=True) == "latin-1"
    assert detect_encoding("€ œ".encode("cp1252"), at_eof=True) == "cp1252"
    assert detect_encoding("a;b\nc;d\n".encode("utf-16-le"), at_eof=True) == "utf-16-le"
    # A multi-byte character cut by the end of the head is not an encoding error.
    assert detect_encoding("aé".encode()[:-1], at_eof=False) == "utf-8"
    assert detect_encoding(b"\x00\x01\x02\x03" * 100, at_eof=True) == "utf-8"


def test_delimiter_detection_prefers_consistent_splits():
    assert detect_dialect("a;b;c\n1,5;2,5;3\n4,5;5;6\n").delimiter == ";"
    assert detect_dialect("a,b\n1;2,3\n").delimiter == ","
    assert detect_dialect("a\tb|c\n1\t2|3\n").delimiter == "\t"
    single = detect_dialect("nom\nDigne\n")
    assert single.header == ["nom"]


def _kind(*values):
    plan = ColumnPlan("c", "c")
    classify(plan, SEPARATOR.join(values))
    return plan.kind, plan.final_type


def test_column_typing_rules():
    assert _kind("12", "-3", " 7 ") == ("int", "BIGINT")
    assert _kind("04070", "13001") == ("raw", "VARCHAR")
    assert _kind("1,5", "2") == ("num", "DOUBLE")
    assert _kind("1 234", "12") == ("num", "BIGINT")
    assert _kind("12345678901234567890") == ("raw", "VARCHAR")
    assert _kind("2024-12") == ("raw", "VARCHAR")
    assert _kind("31/12/2024") == ("date", "DATE")
    assert _kind("32/12/2024") == ("raw", "VARCHAR")
    assert _kind("true", "False") == ("raw", "BOOLEAN")
    assert _kind("+33612345678") == ("raw", "VARCHAR")
