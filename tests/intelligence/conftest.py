import pytest

from datasud.catalog.importers.reference import load_reference
from datasud.intelligence import places
from datasud.territories.loaders import load_territories


@pytest.fixture
def territories(db):
    """The région's real territories (shipped data), and a gazetteer built from them."""
    load_territories()
    places.reset_gazetteer()
    yield
    places.reset_gazetteer()


@pytest.fixture
def reference(db):
    """The 16 DataSud themes and the licences."""
    load_reference()
