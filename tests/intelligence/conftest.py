import pytest

from datasud.catalog.importers.reference import load_reference
from datasud.intelligence import places, ranking, services
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


ACCM = "communaute-dagglomeration-arles-crau-camargue-montagnette"


@pytest.fixture
def producers_seen(monkeypatch):
    """The shipped model, its `tag_scores` recording the organisation each call passes
    (the scores stay the model's own)."""
    model = services.current_model()
    real, seen = model.tag_scores, []

    def recording(*args, **kwargs):
        seen.append(kwargs.get("organisation", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "tag_scores", recording)
    return seen


def producer_share_of(tag: str, title: str, organisation: str) -> float:
    """The shipped model's evidence "share of the producer's datasets carrying `tag`" for a
    candidate of `title` described by `organisation`."""
    model = services.current_model()
    ids, vals, words = model.vectorise(title)
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(title, "", "", ids, vals, words, docs, sims, organisation)
    row = list(tags).index(model.tag_index[tag])
    return float(evidence[row, ranking.COL["producer_share"]])
