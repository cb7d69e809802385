import pytest

from datasud.employment.engine import Engine, EngineError
from datasud.employment.engine.evaluation import (
    baseline,
    evaluate,
    is_test,
    ranking_metrics,
    split,
)


def test_every_fiche_gets_ranked_proposals_with_reasons(engine):
    for code in engine.fiches:
        proposals = engine.mobilities(code, top=5)
        assert proposals, code
        assert code not in {p["code_rome"] for p in proposals}
        assert [p["rang"] for p in proposals] == list(range(1, len(proposals) + 1))
        assert all(p["raisons"] for p in proposals)


@pytest.mark.parametrize("code", ["D1106", "M1805"])
def test_proposals_never_use_the_fiche_own_official_links(extract_tables, engine, code):
    # The trees ranker (shipped file) and the first pass alike: removing the fiche's own
    # links changes nothing in its proposals.
    assert engine.mobility.ranker is not None
    assert len(engine.official_links[code]) >= 5
    without = dict(extract_tables, mobilities=[r for r in extract_tables["mobilities"]
                                               if r["code_rome"] != code])
    other = Engine(without)
    assert ([p.code_rome for p in other.mobility.propose(code, 20)]
            == [p.code_rome for p in engine.mobility.propose(code, 20)])


def test_a_fiche_without_official_links_still_gets_near_jobs(engine):
    # The ROME gives no mobility for cashiers (D1505): retail jobs come first.
    assert not engine.official_links["D1505"]
    top = [p["code_rome"] for p in engine.mobilities("D1505", top=10)]
    assert top[0][:2] == "D1" and sum(code[:2] == "D1" for code in top) >= 8


def test_proposals_find_hidden_official_links_better_than_skill_overlap(engine):
    links = dict(engine.official_links)
    sources = sorted(s for s, targets in links.items() if targets)
    ours = evaluate(engine.mobility, sources, links)
    skills_only = baseline(engine.mobility, sources, links)
    assert ours["sources"] == len(sources) >= 50
    assert ours["recall_at_10"] > skills_only["recall_at_10"]
    assert ours["mrr"] > skills_only["mrr"]


@pytest.mark.parametrize("code,top", [("D1505", 0), ("D1505", 101), ("X1", 10)])
def test_bad_mobility_requests(engine, code, top):
    with pytest.raises(EngineError):
        engine.mobilities(code, top)


def test_ranking_metrics():
    assert ranking_metrics(["a", "b", "c"], {"b", "z"}) == (0.5, 0.5)
    assert ranking_metrics(["a"], {"z"}) == (0.0, 0.0)


def test_split_is_stable_and_disjoint():
    links = {f"D{n:04d}": ["A1101"] for n in range(1000, 1400)}
    train, test = split(links)
    assert not set(train) & set(test) and len(train) + len(test) == 400
    assert 0.2 < len(test) / 400 < 0.4
    assert all(is_test(code) for code in test)
    assert split(links) == (train, test)


def test_full_diagnostic(engine):
    result = engine.diagnostic("D1505", "D1106")
    assert set(result) == {"actuel", "mobilites", "ecart", "salaires", "tension", "marche"}
    assert result["ecart"]["cible"]["code_rome"] == "D1106"
    assert "appellations" not in result["actuel"]  # nothing about the person is echoed


def test_memory_report(engine):
    report = engine.memory_report()
    assert report["fiches"] == len(engine.fiches)
    assert report["libelles_indexes"] >= report["appellations"]
