"""The fourth round's ranker features from the referentials (engine.referential_features):
RIASEC, centres of interest, work contexts, hirings by NAF sector, DARES families and
salaries, on a hand-made case of four fiches, then read by the engine from the real tables."""

import math

import numpy as np
import pytest

from datasud.employment.engine.mobility import DEFAULT_WEIGHTS, RANKER_FEATURES
from datasud.employment.engine.referential_features import (
    REFERENTIAL_FEATURES,
    FicheReferentials,
    work_contexts,
)

CODES = ["A1101", "A1102", "B1101", "C1101"]
PARENTS = ["A1101", "A1101", "B1101", "C1101"]  # A1102 was born from the v3 fiche A1101


@pytest.fixture
def referentials():
    return FicheReferentials(
        CODES,
        PARENTS,
        riasec={"A1101": ("R", "C"), "A1102": ("R", ""), "B1101": ("S", "C")},
        interests={"A1101": {"1": True, "2": False}, "A1102": {"1": False}, "B1101": {"3": True}},
        contexts={"A1101": {"night", "outdoors"}, "B1101": {"night"}},
        naf={"A1101": {"0111Z": 3.0, "0112Z": 4.0}, "B1101": {"0113Z": 1.0}},
        faps={"A1101": {"A0Z40"}, "B1101": {"A0Z41"}, "C1101": {"B1Z20"}},
        salaries={"A0Z40": 1000.0, "A0Z": 1500.0, "B1Z": 2000.0},
    )


def test_every_feature_is_one_value_per_target(referentials):
    rows = referentials.rows(0)
    assert tuple(rows) == REFERENTIAL_FEATURES
    assert all(len(values) == len(CODES) for values in rows.values())


def test_riasec_major_letters_and_hexagon(referentials):
    rows = referentials.rows(0)  # A1101: R major, C minor
    assert rows["riasec_major"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert np.allclose(rows["riasec_letters"], [1.0, 0.5, 1 / 3, 0.0])
    # R and S sit opposite on Holland's hexagon (R I A S E C); C1101 has no profile
    assert np.allclose(rows["riasec_hexagon"], [1.0, 1.0, 0.0, 0.5])
    # R and C are neighbours on the hexagon (it is a cycle): one step of three
    c_major = FicheReferentials(
        CODES[:2], PARENTS[:2], riasec={"A1101": ("R", ""), "A1102": ("C", "")}
    )
    assert np.allclose(c_major.rows(0)["riasec_hexagon"], [1.0, 2 / 3])


def test_interests_and_work_contexts(referentials):
    rows = referentials.rows(0)
    assert np.allclose(rows["interests"], [1.0, 0.5, 0.0, 0.0])
    assert np.allclose(rows["interest_principal"], [1.0, 0.0, 0.0, 0.0])
    assert np.allclose(rows["contexts"], [1.0, 0.0, 0.5, 0.0])


def test_hirings_by_sector_are_shared_by_a_v3_family(referentials):
    rows = referentials.rows(1)  # A1102 reads the hirings of its v3 fiche A1101
    assert np.allclose(rows["naf_hiring"], [1.0, 1.0, 0.0, 0.0])
    # at the NAF division (01 for all three sub-classes) A and B hire in the same place
    assert np.allclose(rows["naf_division"], [1.0, 1.0, 1.0, 0.0])


def test_dares_families_and_salary_ratio(referentials):
    rows = referentials.rows(0)
    assert np.allclose(rows["fap"], [1.0, 1.0, 0.0, 0.0])
    assert np.allclose(rows["fap_family"], [1.0, 1.0, 1.0, 0.0])
    # A0Z41 has no figure of its own: its FAP 87 family A0Z's; C1101 through B1Z
    assert np.allclose(
        rows["salary_t"], [math.log(1000), math.log(1000), math.log(1500), math.log(2000)]
    )
    assert np.allclose(rows["salary_ratio"], [0.0, 0.0, math.log(1.5), math.log(2.0)])


def test_missing_tables_give_zeros():
    rows = FicheReferentials(CODES, PARENTS).rows(0)
    for name in REFERENTIAL_FEATURES:
        expected = 0.5 if name == "riasec_hexagon" else 0.0
        assert np.allclose(rows[name], expected), name


def test_work_contexts_are_the_items_without_a_rubric():
    items = [
        {"code_ogr": "1", "code_rubrique": "R1"},  # a skill
        {"code_ogr": "2", "code_rubrique": ""},  # a work context
    ]
    fiche_items = [
        {"code_rome": "A1101", "code_ogr": "1"},
        {"code_rome": "A1101", "code_ogr": "2"},
        {"code_rome": "B1101", "code_ogr": "1"},
    ]
    assert work_contexts(items, fiche_items) == {"A1101": {"2"}}


def test_hirings_without_a_figure_count_for_nothing():
    # The engine reads La Bonne Boîte's hirings as `EmploymentAreas` parsed them: a row
    # without a figure is 0 hirings, which changes no cosine.
    naf = {"A1101": {"0111Z": 12.0}, "B1101": {"0111Z": 3.0, "4711D": 5.0}}
    with_empty = {**naf, "A1101": {"0111Z": 12.0, "0112Z": 0.0}}
    plain = FicheReferentials(CODES, PARENTS, naf=naf).rows(0)["naf_hiring"]
    padded = FicheReferentials(CODES, PARENTS, naf=with_empty).rows(0)["naf_hiring"]
    assert np.allclose(plain, padded)


def test_the_ranker_and_the_first_pass_read_them():
    assert RANKER_FEATURES[-len(REFERENTIAL_FEATURES) :] == REFERENTIAL_FEATURES
    for name in ("interests", "contexts", "naf_hiring", "riasec_letters"):
        assert DEFAULT_WEIGHTS[name] > 0


def test_the_engine_reads_them_from_the_referential_tables(engine):
    model = engine.mobility
    referentials, index = model.referentials, model.index
    developer, cashier = index["M1805"], index["D1505"]
    rows = referentials.rows(developer)
    assert rows["riasec_major"][developer] == 1.0  # the source against itself
    # every fiche has work contexts and centres of interest; DARES pays the developer more
    assert referentials.contexts.size[cashier] > 0 and referentials.interests.size[cashier] > 0
    assert rows["salary_ratio"][cashier] < 0 < rows["salary_t"][cashier]
    # La Bonne Boîte sees developers and cashiers hired in different sectors
    assert rows["naf_hiring"][developer] == pytest.approx(1.0)
    assert rows["naf_hiring"][cashier] < 0.5
    # the first pass weighs four of them: the same values as the ranker's
    signals = model.signals("M1805")
    assert np.array_equal(signals["interests"], rows["interests"])
    assert np.array_equal(signals["naf_hiring"], rows["naf_hiring"])
