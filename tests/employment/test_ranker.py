"""The numpy LambdaMART ranker of the mobility proposals (engine/ranker.py)."""

import numpy as np
import pytest

from datasud.employment.engine import Engine, evaluation, ranker
from datasud.employment.engine.mobility import CANDIDATES, RANKER_FEATURES


def _queries(seed: int, queries: int = 60, k: int = 20):
    """Relevance decided by a threshold on feature 0 and an interaction with feature 1;
    feature 2 is noise."""
    rng = np.random.default_rng(seed)
    x = rng.random((queries, k, 3))
    labels = ((x[..., 0] > 0.7) & (x[..., 1] > 0.3)).astype(float)
    return x, labels


def _recall_at(scores, labels, k=5):
    order = np.argsort(-scores, axis=1)
    top = np.take_along_axis(labels, order, 1)[:, :k].sum(1)
    return float((top / np.maximum(labels.sum(1), 1)).mean())


@pytest.fixture(scope="module")
def trained():
    x, labels = _queries(1)
    return ranker.train(
        x,
        labels,
        ["a", "b", "noise"],
        trees=30,
        learning_rate=0.2,
        depth=3,
        lam=1.0,
        min_hess=0.1,
        trunc=5,
        subsample=1.0,
        bins=16,
    )


def test_the_trees_learn_a_nonlinear_rule_and_generalise(trained):
    x, labels = _queries(2)
    scores = trained.predict(x.reshape(-1, 3)).reshape(labels.shape)
    # The rule itself reaches 0.95 (some queries have more than 5 relevant); feature 0
    # alone, 0.83: the trees found the interaction.
    assert _recall_at(scores, labels) > 0.92
    assert _recall_at(x[..., 0], labels) < 0.85
    # the noise feature alone is no better than chance
    assert _recall_at(x[..., 2], labels) < 0.6
    assert set(np.unique(trained.feature)) <= {-1, 0, 1, 2}


def test_json_round_trip_gives_the_same_scores(trained, tmp_path):
    path = tmp_path / "ranker.json"
    trained.save(path)
    loaded = ranker.load(path)
    x, _labels = _queries(3)
    flat = x.reshape(-1, 3)
    assert loaded.features == ["a", "b", "noise"]
    assert np.allclose(loaded.predict(flat), trained.predict(flat))
    assert ranker.load(tmp_path / "missing.json") is None


def test_gradients_push_relevant_candidates_up():
    scores = np.array([[0.0, 0.0, 0.0]])
    grad, hess = ranker.lambda_gradients(scores, np.array([[0.0, 1.0, 0.0]]), trunc=10)
    assert grad[0, 1] > 0 > grad[0, 0] and grad[0, 2] < 0
    assert np.isclose(grad.sum(), 0) and (hess >= 0).all()


def test_the_shipped_ranker_matches_the_model_features():
    shipped = ranker.load()
    assert shipped is not None, "datasud/employment/engine/mobility_ranker.json is missing"
    assert tuple(shipped.features) == RANKER_FEATURES
    assert shipped.meta["candidates"] == CANDIDATES
    assert shipped.meta["reference_links"] > 10_000


def test_the_shipped_rankers_are_cross_fitted_on_the_training_sources():
    # Every training source of the full referential in its fold, no test source anywhere.
    shipped = ranker.load()
    assert isinstance(shipped, ranker.CrossFitted)
    assert len(shipped.rankers) == shipped.meta["folds"] == evaluation.FOLDS
    assert all(tuple(r.features) == RANKER_FEATURES for r in shipped.rankers)
    assert len(shipped.folds) > 500 and not any(evaluation.is_test(c) for c in shipped.folds)
    assert all(shipped.folds[c] == ranker.fold_of(c, evaluation.FOLDS) for c in shipped.folds)
    assert ranker.MODEL_FILE.stat().st_size < 2_200_000


def test_without_a_ranker_the_weighted_sum_ranks_alone(extract_tables, engine):
    plain = Engine(extract_tables)
    plain.mobility.ranker = None
    code = "D1106"
    first_pass = [p.code_rome for p in plain.mobility.propose(code, 10)]
    assert len(first_pass) == 10 and code not in first_pass
    reranked = [p.code_rome for p in engine.mobility.propose(code, 10)]
    assert set(reranked) & set(first_pass)


def test_an_average_of_rankers_scores_their_mean(trained):
    x, labels = _queries(4)
    flat = x.reshape(-1, 3)
    other = ranker.train(x, labels, ["a", "b", "noise"], trees=5, depth=2, min_hess=0.1)
    both = ranker.average([trained, other])
    assert np.allclose(both.predict(flat), (trained.predict(flat) + other.predict(flat)) / 2)


# --- cross-fitting: a training fiche is ranked by the ranker that never saw its links -----

TINY = {"trees": 6, "depth": 3, "min_hess": 1.0, "learning_rate": 0.3}
REFERENCE_LINKS = 12_000  # as for the full referential: the same for both trainings


def _cross_fitted(tables):
    """A fresh engine on `tables` with small cross-fitted rankers trained as the benchmark
    does: on the training part, while the model sees no test source's links."""
    built = Engine(tables)
    model, links = built.mobility, dict(built.official_links)
    train, test = evaluation.split(links)
    model.set_links(evaluation.official_links_without(links, test))
    model.ranker = evaluation.train_cross_fitted(
        model, train, links, REFERENCE_LINKS, folds=evaluation.FOLDS, **TINY
    )
    model.set_links(links)
    return built, train, test


@pytest.fixture(scope="module")
def cross_fitted(extract_tables):
    return _cross_fitted(extract_tables)


def _same_trees(a, b):
    return all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("feature", "threshold", "left", "right", "value")
    )


def test_each_training_fiche_is_routed_to_the_ranker_of_its_fold(cross_fitted):
    built, train, test = cross_fitted
    fitted = built.mobility.ranker
    assert isinstance(fitted, ranker.CrossFitted) and len(fitted.rankers) == evaluation.FOLDS
    assert set(fitted.folds) == set(train)
    for code in train:
        k = ranker.fold_of(code, evaluation.FOLDS)
        assert fitted.folds[code] == k and fitted.for_code(code) is fitted.rankers[k]
    # ranker k's queries are the training sources outside fold k
    for k, one in enumerate(fitted.rankers):
        assert one.meta["queries"] == sum(fitted.folds[c] != k for c in train)
    # test sources and fiches without links: the mean of all the rankers
    assert test and all(fitted.for_code(code) is fitted.mean for code in test)
    assert fitted.for_code("D1505") is fitted.mean


def test_cross_fitted_proposals_do_not_depend_on_the_fiche_own_links(extract_tables, cross_fitted):
    built, train, _test = cross_fitted
    fitted = built.mobility.ranker
    code = max(train, key=lambda c: (len(built.official_links[c]), c))
    assert len(built.official_links[code]) >= 5
    k = fitted.folds[code]
    # Everything again, without the fiche's own links: the fiche is no training source
    # any more, the ranker of its fold is the very same, the others changed.
    without = dict(
        extract_tables,
        mobilities=[r for r in extract_tables["mobilities"] if r["code_rome"] != code],
    )
    other, other_train, _ = _cross_fitted(without)
    refitted = other.mobility.ranker
    assert code not in other_train and code not in refitted.folds
    assert _same_trees(refitted.rankers[k], fitted.rankers[k])
    assert not all(
        _same_trees(refitted.rankers[j], fitted.rankers[j])
        for j in range(evaluation.FOLDS)
        if j != k
    )
    other.mobility.ranker = refitted.rankers[k]
    proposals = [p.code_rome for p in built.mobility.propose(code, 20)]
    assert [p.code_rome for p in other.mobility.propose(code, 20)] == proposals
    # and routing matters: the mean of the rankers (some saw the links) ranks otherwise
    built.mobility.ranker = fitted.mean
    try:
        assert [p.code_rome for p in built.mobility.propose(code, 20)] != proposals
    finally:
        built.mobility.ranker = fitted


def test_cross_fitted_json_round_trip(cross_fitted, tmp_path):
    fitted = cross_fitted[0].mobility.ranker
    path = tmp_path / "crossfit.json"
    fitted.save(path)
    loaded = ranker.load(path)
    assert isinstance(loaded, ranker.CrossFitted) and loaded.folds == fitted.folds
    x = np.random.default_rng(0).random((40, len(RANKER_FEATURES)))
    for code in [*sorted(fitted.folds)[:3], "D1505"]:
        assert np.allclose(
            loaded.for_code(code).predict(x), fitted.for_code(code).predict(x), atol=1e-6
        )
