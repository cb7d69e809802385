"""The learnt tag ranker and the tag network on a small synthetic catalogue: trained by
cross-validation, stored without pickle, scores that are probabilities."""

import json
from dataclasses import replace

import numpy as np
import pytest

from datasud.intelligence import ranking, ridge, tagnet, training, trees
from datasud.intelligence.model import SuggestionModel
from datasud.intelligence.training import Record

TOPICS = [
    ("Pistes cyclables", "Aménagements vélo, bandes et voies vertes", ["velo", "mobilite"]),
    ("Budget primitif", "Dépenses et recettes de la collectivité", ["budget", "finances"]),
    ("Écoles maternelles", "Établissements scolaires et effectifs", ["ecole", "education"]),
    ("Qualité de l'air", "Mesures de pollution, ozone et particules", ["air", "pollution"]),
]
PLACES = ["Gap", "Nice", "Arles", "Digne", "Toulon", "Avignon", "Hyères", "Fréjus",
          "Cannes", "Antibes", "Briançon", "Orange"]
# The national catalogue: the same subjects elsewhere (no twin of a DataSud dataset).
NATIONAL_PLACES = ["Lille", "Rennes", "Nantes", "Brest", "Metz", "Dijon", "Tours", "Reims",
                   "Amiens", "Caen", "Rouen", "Nancy"]
# Two producers share the places; each marks its datasets with its own tag, which nothing
# in the text gives away: only the producer says which one to propose.
PRODUCERS = ["agglo-nord", "agglo-sud"]


def catalogue(prefix: str) -> list[Record]:
    return [
        Record(
            title=f"{title} de {place}",
            description=f"{description} à {place}.",
            tags=sorted([*tags, f"marque-{PRODUCERS[(i + j) % 2]}"] if prefix == "ds"
                        else tags),
            id=f"{prefix}{i}-{j}",
            organisation=PRODUCERS[(i + j) % 2] if prefix == "ds" else "",
        )
        for i, (title, description, tags) in enumerate(TOPICS)
        for j, place in enumerate(PLACES if prefix == "ds" else NATIONAL_PLACES)
    ]


def trained_and_read_back(datasud: list[Record], tmp_path_factory) -> SuggestionModel:
    """A model with its network and rankers (thresholds lowered for a few dozen datasets),
    saved and read back as the platform reads the shipped one."""
    mp = pytest.MonkeyPatch()
    mp.setattr(training, "MIN_RANKER_DATASETS", 8)
    mp.setattr(training, "MIN_FEATURE_DF", 1)
    mp.setattr(training, "MIN_TAG_COUNT", 1)
    try:
        trained = training.train(datasud, catalogue("fr"), folds=3, net_epochs=3)
    finally:
        mp.undo()
    path = tmp_path_factory.mktemp("model") / "model.npz"
    trained.save(path)
    return SuggestionModel.load(path)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return trained_and_read_back(catalogue("ds"), tmp_path_factory)


def test_model_has_network_and_ranker_after_reload(model):
    assert model.ranker is not None and model.net_emb is not None
    assert isinstance(model.ranker, trees.TreeRanker)
    assert model.ranker.feature.max() < ranking.N_FEATURES
    assert model.ranker.feature.shape[0] == training.RANKER_TREES["trees"]
    assert model.net_emb.shape[1] == tagnet.DIM
    assert model.net_row.size == len(model.features)
    assert model.tag_title_precision.size == len(model.tags)
    assert model.doc_producer.size == model.doc_themes.size
    probabilities = model.net_probabilities(*model.vectorise("Pistes cyclables")[:2])
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-3)
    # The network learnt on DataSud alone is kept beside the one that also read the
    # national datasets: same rows and tags, other weights, its own evidence columns.
    assert model.own_net_emb.shape == model.net_emb.shape
    own = model.net_probabilities(*model.vectorise("Pistes cyclables")[:2], own=True)
    assert own.sum() == pytest.approx(1.0, abs=1e-3)
    assert not np.allclose(own, probabilities)
    ids, vals, words = model.vectorise("Pistes cyclables")
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates("Pistes cyclables", "", "", ids, vals, words, docs, sims)
    velo = list(tags).index(model.tag_index["velo"])
    assert evidence[velo, ranking.COL["own_net"]] == pytest.approx(
        own[model.tag_index["velo"]], rel=1e-5)
    assert evidence[:, ranking.COL["own_net_rel"]].max() == pytest.approx(1.0)


def test_a_ranker_trained_on_other_evidence_columns_is_refused(model, tmp_path):
    """The trees read the evidence by column number: a model file written by code with
    other columns (a feature added or removed since) must say so, not misread them."""
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(bytes(arrays["header"]).decode("utf-8"))
    header["evidence"] = [*ranking.FEATURES, "a_removed_feature"]
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="train_suggestions"):
        SuggestionModel.load(path)


def test_ranked_tags_are_probabilities_best_first(model):
    ranked = model.tag_scores(
        "Pistes cyclables de Marseille", "Aménagements vélo, bandes et voies vertes."
    )
    names = [name for name, _ in ranked]
    assert set(names[:2]) == {"velo", "mobilite"}, ranked
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    budget = dict(model.tag_scores("Budget primitif de Gap", "Dépenses de Gap."))
    # "Gap" makes the cycling paths of Gap a neighbour: its tags come, far behind.
    assert budget["budget"] > 0.5 > budget.get("velo", 0.0)


def test_the_producer_brings_its_own_tags(model):
    """The organisation given with the text ranks the tags it uses first; without it, the
    two producers' tags are a coin toss behind the subject's."""
    title, description = "Pistes cyclables de Marseille", "Bandes cyclables."
    assert model.producers == PRODUCERS
    for producer in PRODUCERS:
        ranked = [name for name, _ in model.tag_scores(title, description,
                                                       organisation=producer)]
        assert ranked.index(f"marque-{producer}") < 3, ranked
        other = next(p for p in PRODUCERS if p != producer)
        assert ranked.index(f"marque-{producer}") < ranked.index(f"marque-{other}")
    anonymous = dict(model.tag_scores(title, description))
    for producer in PRODUCERS:
        # The producer's tag gains on the other producer's (boosted trees learnt on 24
        # datasets already lean one way without the producer: the margin is what moves).
        other = next(p for p in PRODUCERS if p != producer)
        given = dict(model.tag_scores(title, description, organisation=producer))
        margin = given[f"marque-{producer}"] - given.get(f"marque-{other}", 0.0)
        assert margin > anonymous.get(f"marque-{producer}", 0.0) - anonymous.get(
            f"marque-{other}", 0.0) + 0.3, (given, anonymous)
    # An organisation the model does not know changes nothing.
    assert model.tag_scores(title, description, organisation="inconnue") == list(
        anonymous.items())


def test_title_templates_mask_years_and_place_names():
    from datasud.intelligence.text import template_key, title_template

    assert title_template("Budget primitif 2023 de Gap") == "budget primitif"
    assert template_key("Budget primitif 2024 de Digne-les-Bains") == template_key(
        "Budget primitif 2023 de Gap")
    assert title_template("PLAN LOCAL D'URBANISME 2020") == "plan local urbanisme"
    assert template_key("2024") == 0


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
    assert budget[ranking.COL["match_title"]] == 1.0
    assert budget[ranking.COL["top1"]] > 0


def test_neighbours_whole_tag_sets_are_evidence(model):
    """A text like one catalogued dataset: the tags of the set its neighbours carry most
    have the best set support; a tag outside every neighbour's set has none."""
    title = "Budget primitif de Gap"
    ids, vals, words = model.vectorise(title, "Dépenses et recettes de la collectivité à Gap.")
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(title, "", "", ids, vals, words, docs, sims)
    column = {name: evidence[:, ranking.COL[name]] for name in
              ("set_top", "set_max", "first_rank", "carriers")}
    nearest = set(model.doc_tags[model.doc_tag_ptr[docs[0]]:model.doc_tag_ptr[docs[0] + 1]]
                  .tolist())
    for i, tag in enumerate(tags.tolist()):
        assert column["set_top"][i] <= column["set_max"][i] <= 1.0 + 1e-9
        assert (column["first_rank"][i] == 1.0) == (tag in nearest)
        assert (column["carriers"][i] > 0) == (column["set_max"][i] > 0)
    assert column["set_top"].max() > 0
    # Datasets with exactly the same tags share one set number.
    same = [model.doc_tags[a:b].tolist() for a, b in zip(model.doc_tag_ptr[:-1],
                                                         model.doc_tag_ptr[1:], strict=True)]
    for d in range(len(same)):
        for e in range(len(same)):
            assert (same[d] == same[e]) == (model.doc_tag_set[d] == model.doc_tag_set[e])


def test_national_neighbours_bring_their_tags(model):
    """The national catalogue is a second neighbours' index: « Qualité de l'air de Lille »
    is a national dataset, the nearest, and its tags are candidates with its evidence."""
    title = "Qualité de l'air de Lille"
    ids, vals, words = model.vectorise(title, "Mesures de pollution, ozone et particules.")
    nat_docs, nat_sims = model.national_neighbours(ids, vals)
    assert nat_docs.size and nat_sims[0] == nat_sims.max() > 0.9
    nearest = {model.tags[t] for t in
               model.nat_tags[model.nat_tag_ptr[nat_docs[0]]:model.nat_tag_ptr[nat_docs[0] + 1]]}
    assert nearest == {"air", "pollution"}
    # The index keeps the heaviest features of each national dataset only.
    per_doc = np.bincount(model.nat_post_doc)
    assert per_doc.max() == training.NATIONAL_FEATURES < model.vectorise(
        title, "Mesures de pollution, ozone et particules à Lille.")[0].size
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(title, "", "", ids, vals, words, docs, sims)
    column = {name: evidence[:, ranking.COL[name]]
              for name in ("nat_knn", "nat_top1", "nat_sim1", "nat_carriers")}
    for i, tag in enumerate(tags.tolist()):
        assert column["nat_sim1"][i] == pytest.approx(float(nat_sims[0]))
        assert (column["nat_top1"][i] > 0) == (model.tags[tag] in nearest)
        assert 0 <= column["nat_carriers"][i] <= 1
    # Votes are shares of the neighbours' (similarity ** power): the subject's tags lead.
    air, pollution = (list(tags).index(model.tag_index[t]) for t in ("air", "pollution"))
    assert column["nat_knn"][air] == column["nat_knn"][pollution] == column["nat_knn"].max()
    assert 0.5 < column["nat_knn"][air] <= 1.0 + 1e-9


def test_the_network_also_learns_from_national_datasets_with_its_tags(model, monkeypatch):
    """National datasets are extra examples of the tag network when they carry one of its
    tags (only those tags are their target), and a fixed random sample of at most
    `tagnet.NATIONAL_MAX` of them is kept."""
    position = {int(t): j for j, t in enumerate(model.net_tags)}
    velo = position[model.tag_index["velo"]]
    national = [Record(title="Vélo", description="", tags=["velo", "inconnu"]),
                Record(title="Autre", description="", tags=["inconnu"]),
                *[Record(title=f"Vélo {i}", description="", tags=["velo"]) for i in range(5)]]
    vectors = [(np.array([i]), np.array([1.0], np.float32)) for i in range(len(national))]
    examples = training._national_examples(model, national, vectors, position)
    assert [int(vector[0][0]) for vector, _tags in examples] == [0, 2, 3, 4, 5, 6]
    assert all(tags == [velo] for _vector, tags in examples)
    monkeypatch.setattr(tagnet, "NATIONAL_MAX", 3)
    sample = training._national_examples(model, national, vectors, position)
    again = training._national_examples(model, national, vectors, position)
    kept = [int(vector[0][0]) for vector, _tags in sample]
    assert len(kept) == 3 and kept == sorted(kept) and set(kept) <= {0, 2, 3, 4, 5, 6}
    assert kept == [int(vector[0][0]) for vector, _tags in again]


def test_the_ridge_s_best_tags_are_candidates_with_their_evidence(model):
    title = "Qualité de l'air de Gap"
    ids, vals, words = model.vectorise(title, "Mesures de pollution, ozone et particules.")
    scores = model.ridge_scores(ids, vals)
    assert scores.shape == (len(model.tags),)
    best = np.argsort(-scores)[:ranking.RIDGE_CANDIDATES]
    assert {model.tags[t] for t in best[:2]} == {"air", "pollution"}
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(title, "", "", ids, vals, words, docs, sims)
    assert set(best[scores[best] > 0].tolist()) <= set(tags.tolist())
    column = {name: evidence[:, ranking.COL[name]]
              for name in ("ridge", "ridge_rank", "ridge_rel")}
    air = list(tags).index(model.tag_index["air"])
    assert column["ridge"][air] == pytest.approx(scores[model.tag_index["air"]])
    assert column["ridge_rank"][air] in (1.0, 0.5)
    assert column["ridge_rel"].max() == pytest.approx(1.0)


def test_a_too_large_index_leaves_the_ridge_out(model, monkeypatch):
    """Memory n², time n³: beyond `ridge.MAX_DOCS` indexed datasets there is no ridge
    evidence (zeros), and the other evidence is unchanged."""
    title = "Budget primitif de Gap"
    ids, vals, words = model.vectorise(title)
    docs, sims = model.neighbours(ids, vals)
    tags, evidence = model.candidates(title, "", "", ids, vals, words, docs, sims)
    monkeypatch.setattr(ridge, "MAX_DOCS", model.doc_themes.size - 1)
    assert model.ridge_scores(ids, vals) is None
    tags_off, evidence_off = model.candidates(title, "", "", ids, vals, words, docs, sims)
    columns = [ranking.COL[n] for n in ("ridge", "ridge_rank", "ridge_rel")]
    assert not evidence_off[:, columns].any()
    kept = np.isin(tags, tags_off)
    others = np.setdiff1d(np.arange(ranking.N_FEATURES), columns)
    assert set(tags_off.tolist()) <= set(tags.tolist())
    assert evidence[kept][:, others] == pytest.approx(
        evidence_off[np.isin(tags_off, tags)][:, others])


def test_boosted_trees_learn_thresholds_and_are_deterministic():
    """A rule with a threshold (given when x1 > 0.5 and x2 > 0), learnt by both losses;
    same seed, same trees; scores are probabilities."""
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(2000), rng.random(2000), rng.normal(size=2000)])
    y = ((x[:, 1] > 0.5) & (x[:, 2] > 0)).astype(float)
    groups = np.full(100, 20)
    for objective in ("logistic", "lambdarank"):
        fitted = trees.fit_trees(x, y, groups, objective=objective, trees=40, depth=3)
        again = trees.fit_trees(x, y, groups, objective=objective, trees=40, depth=3)
        assert np.array_equal(fitted.value, again.value)
        p = fitted.probabilities(x)
        assert np.all((p >= 0) & (p <= 1))
        assert ((p > 0.5) == (y == 1)).mean() > 0.97, objective
        # Within each group the given candidates come first.
        ranks = np.argsort(np.argsort(-p.reshape(100, 20), axis=1), axis=1)
        given = y.reshape(100, 20) == 1
        assert (ranks[given] < given.sum(axis=1, keepdims=True).repeat(20, 1)[given]).mean() > 0.95
    assert not np.array_equal(
        fitted.value, trees.fit_trees(x, y, groups, trees=40, depth=3, seed=1).value)


def test_fit_ranker_learns_and_is_deterministic():
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(400), rng.normal(size=(400, 3))])
    y = (x[:, 1] + 0.5 * x[:, 2] > 0).astype(float)
    first, second = ranking.fit_ranker(x, y), ranking.fit_ranker(x, y)
    assert np.array_equal(first.w1, second.w1)
    accuracy = ((first.probabilities(x) > 0.5) == (y == 1)).mean()
    assert accuracy > 0.95


def test_listwise_term_orders_within_each_dataset():
    """The listwise option (tried, not used by the shipped model): deterministic, it
    changes the fit, and learns the order within each of 40 "datasets" of 10 candidates
    (the given tag has the highest x1 of its dataset, whatever the dataset's level x2)."""
    rng = np.random.default_rng(2)
    x = np.column_stack([np.ones(400), rng.normal(size=400), np.repeat(rng.normal(size=40), 10)])
    x[:, 1] += 3 * x[:, 2]
    y = np.zeros(400)
    groups = np.full(40, 10)
    best = (x[:, 1] - 3 * x[:, 2]).reshape(40, 10).argmax(axis=1) + np.arange(40) * 10
    y[best] = 1.0
    ranker = ranking.fit_ranker(x, y, groups=groups, listwise=1.0)
    again = ranking.fit_ranker(x, y, groups=groups, listwise=1.0)
    assert np.array_equal(ranker.w1, again.w1)
    assert not np.array_equal(ranker.w1, ranking.fit_ranker(x, y).w1)
    chosen = ranker.logits(x).reshape(40, 10).argmax(axis=1) + np.arange(40) * 10
    assert (chosen == best).mean() > 0.9


@pytest.fixture(scope="module")
def twinned_model(tmp_path_factory):
    """As `model`, the cycling and budget datasets published twice (a near twin each):
    the far ranker learns from the others only."""
    twins = [replace(r, id=f"{r.id}-bis") for r in catalogue("ds")[:2 * len(PLACES)]]
    return trained_and_read_back(catalogue("ds") + twins, tmp_path_factory)


def test_a_text_without_a_near_twin_is_also_ranked_by_the_far_ranker(twinned_model):
    """The far ranker learnt on the datasets without a near twin (`ranking.FAR_SIMILARITY`)
    is saved and read back, and only the texts without a near twin get the mean of the two
    rankers' logits; a copy of an indexed title keeps the ranker's own scores."""
    model = twinned_model
    assert isinstance(model.far_ranker, trees.TreeRanker)
    assert not np.array_equal(model.far_ranker.value, model.ranker.value)

    def evidence_of(title, description):
        ids, vals, words = model.vectorise(title, description)
        docs, sims = model.neighbours(ids, vals)
        return model.candidates(title, description, "", ids, vals, words, docs, sims)

    far_text = ("Qualité de l'air et budget des écoles", "Pollution, dépenses, élèves.")
    tags, evidence = evidence_of(*far_text)
    assert ranking.has_no_near_twin(evidence)
    mean = (model.ranker.logits(evidence) + model.far_ranker.logits(evidence)) / 2
    expected = dict(zip([model.tags[int(t)] for t in tags], 1 / (1 + np.exp(-mean)),
                        strict=True))
    for name, score in model.tag_scores(*far_text):
        assert score == pytest.approx(float(expected[name]), abs=1e-3)
    assert not np.allclose(mean, model.ranker.logits(evidence))

    near_text = ("Pistes cyclables de Gap", "Aménagements vélo, bandes et voies vertes à Gap.")
    tags, evidence = evidence_of(*near_text)
    assert not ranking.has_no_near_twin(evidence)
    alone = model.ranker.probabilities(evidence)
    expected = dict(zip([model.tags[int(t)] for t in tags], alone, strict=True))
    for name, score in model.tag_scores(*near_text):
        assert score == pytest.approx(float(expected[name]), abs=1e-3)
    model.prepare()
    assert model.prepared and model.far_ranker.forest_made


def test_too_few_datasets_without_a_near_twin_give_no_far_ranker(monkeypatch):
    rows = [np.zeros((3, ranking.N_FEATURES)) for _ in range(12)]
    for i, row in enumerate(rows):
        row[:, ranking.COL["max_sim"]] = 0.95 if i < 10 else 0.4  # 2 far datasets
    labels = [np.array([1.0, 0.0, 0.0]) for _ in rows]
    monkeypatch.setattr(training, "fold_model", lambda *args: None)
    # 2 folds, each read with and without the producer: 4 times 2 far datasets.
    monkeypatch.setattr(training, "fold_evidence",
                        lambda inner, records, anonymous=False: (rows, labels, []))

    def rankers(minimum):
        monkeypatch.setattr(training, "MIN_RANKER_DATASETS", minimum)
        return training._train_ranker(SuggestionModel.__new__(SuggestionModel), [], [], [],
                                       None, None, 2, 0, lambda message: None)

    ranker, far = rankers(9)
    assert isinstance(ranker, trees.TreeRanker) and far is None
    assert isinstance(rankers(8)[1], trees.TreeRanker)
