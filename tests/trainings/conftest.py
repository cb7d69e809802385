from pathlib import Path

import pytest
from django.core.management import call_command

from datasud.employment.engine import Engine

DATA = Path(__file__).resolve().parent / "data"
LHEO_SAMPLE = DATA / "offres-lheo.xml"
MCF_SAMPLE = DATA / "catalogue-mcf.csv"


@pytest.fixture(scope="session")
def engine():
    """The engine over the whole shipped referentials (about 3 s, once)."""
    return Engine.from_files()


@pytest.fixture
def territories(db):
    call_command("load_territories", verbosity=0)
