"""The learnt tag ranker and the tag network on a small synthetic catalogue: trained by
cross-validation, stored without pickle, scores that are probabilities."""

import numpy as np
import pytest

from datasud.intelligence import ranking, tagnet, training
from datasud.intelligence.model import SuggestionModel
from datasud.intelligence.training import Record

TOPICS = [
    ("Pistes cyclables", "Aménagements vélo, bandes et voies vertes", ["velo", "mobilite"]),
    ("Budget primitif", "Dépenses et recettes de la collectivité", ["budget", "finances"]),
    ("Écoles maternelles", "Établissements scolaires et effectifs", ["ecole", "education"]),
    ("Qualité de l'air", "Mesures de pollution, ozone et particules", ["air", "pollution"]),
]
PLACES = ["Gap", "Nice", "Arles", "Digne", "Toulon", "Avignon"]


def catalogue(prefix: str) -> list[Record]:
    return [
        Record(
            title=f"{title} de {place}",
            description=f"{description} à {place}.",
            tags=sorted(tags),
            id=f"{prefix}{i}-{j}",
        )
        for i, (title, description, tags) in enumerate(TOPICS)
        for j, place in enumerate(PLACES)
    ]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A model with its network and ranker (thresholds lowered for 24 datasets), saved and
    read back as the platform reads the shipped one."""
    mp = pytest.MonkeyPatch()
    mp.setattr(training, "MIN_RANKER_DATASETS", 8)
    mp.setattr(training, "MIN_FEATURE_DF", 1)
    mp.setattr(training, "MIN_TAG_COUNT", 1)
    try:
        trained = training.train(catalogue("ds"), catalogue("fr"), folds=3, net_epochs=3)
    finally:
        mp.undo()
    path = tmp_path_factory.mktemp("model") / "model.npz"
    trained.save(path)
    return SuggestionModel.load(path)


def test_model_has_network_and_ranker_after_reload(model):
    assert model.ranker is not None and model.net_emb is not None
    assert model.ranker.w1.shape == (ranking.N_FEATURES, ranking.HIDDEN)
    assert model.net_emb.shape[1] == tagnet.DIM
    assert model.net_row.size == len(model.features)
    assert model.tag_title_precision.size == len(model.tags)
    probabilities = model.net_probabilities(*model.vectorise("Pistes cyclables")[:2])
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-3)


def test_ranked_tags_are_probabilities_best_first(model):
    ranked = model.tag_scores(
        "Nouvelles pistes cyclables de Marseille", "Bandes cyclables et voies vertes."
    )
    names = [name for name, _ in ranked]
    assert set(names[:2]) == {"velo", "mobilite"}, ranked
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    budget = dict(model.tag_scores("Budget primitif de Gap", "Dépenses de Gap."))
    # "Gap" makes the cycling paths of Gap a neighbour: its tags come, far behind.
    assert budget["budget"] > 0.5 > budget.get("velo", 0.0)


def test_unknown_words_give_no_tags(model):
    assert model.tag_scores("zzqx wvvk") == []


def test_evidence_rows_match_the_feature_list(model):
    ids, vals, words = model.vectorise("Budget primitif de Gap")
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(
        "Budget primitif de Gap", "", "", ids, vals, words, docs, sims
    )
    assert evidence.shape == (tags.size, ranking.N_FEATURES)
    assert np.all(evidence[:, 0] == 1.0)  # bias
    budget = evidence[list(tags).index(model.tag_index["budget"])]
    assert budget[ranking.FEATURES.index("match_title")] == 1.0
    assert budget[ranking.FEATURES.index("top1")] > 0


def test_fit_ranker_learns_and_is_deterministic():
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(400), rng.normal(size=(400, 3))])
    y = (x[:, 1] + 0.5 * x[:, 2] > 0).astype(float)
    first, second = ranking.fit_ranker(x, y), ranking.fit_ranker(x, y)
    assert np.array_equal(first.w1, second.w1)
    accuracy = ((first.probabilities(x) > 0.5) == (y == 1)).mean()
    assert accuracy > 0.95
