"""Hostile KML: external entities (XXE) and entity expansion ("billion laughs") never read a
server file nor blow the memory; the producer gets a clear error and nothing is stored."""
import duckdb
import pytest

from datasud.datastore.errors import IngestError
from datasud.datastore.ingest import read_source

PLACEMARK = ('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
             '<name>{name}</name><Point><coordinates>5.4,43.3</coordinates></Point>'
             '</Placemark></Document></kml>')
XXE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       + PLACEMARK.format(name="&xxe;"))
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
                    for p, n in zip("abcdefgh", "bcdefghi", strict=True))
          + "]>\n" + PLACEMARK.format(name="&i;"))


@pytest.fixture
def con():
    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False, "threads": 2})
    yield connection
    connection.close()


@pytest.mark.parametrize("content", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_kml_with_a_doctype_is_refused_without_reading_anything(tmp_path, con, content):
    source = tmp_path / "hostile.kml"
    source.write_text(content)
    with pytest.raises(IngestError) as caught:
        read_source(source, tmp_path / "out", con)
    message = caught.value.message
    assert "root:" not in message and "aaaaaaaaaa" not in message
    assert str(tmp_path) not in message  # server paths are not shown to producers
    assert not list((tmp_path / "out").glob("*"))


def test_the_same_placemark_without_doctype_loads(tmp_path, con):
    source = tmp_path / "plain.kml"
    source.write_text('<?xml version="1.0"?>\n' + PLACEMARK.format(name="Mairie"))
    tables = read_source(source, tmp_path / "out", con)
    assert tables, "a plain KML gives a table"
