"""The fiche × fiche tables of the mobility model kept small (engine/pairs.py, mobility.py)."""

import numpy as np

from datasud.employment.engine import pairs
from datasud.employment.engine.mobility import MobilityModel


def test_jaccard_rows_equal_the_full_jaccard_table():
    groups = [{"a", "b"}, {"b", "c", "d"}, set(), {"a", "b"}, {"e"}]
    rows = pairs.JaccardRows(groups)
    for i, first in enumerate(groups):
        expected = [
            len(first & other) / len(first | other) if first | other else 0.0 for other in groups
        ]
        assert rows[i].dtype == np.float32
        assert np.allclose(rows[i], expected), i
    assert len(rows) == len(groups)


def test_observed_transitions_are_shared_by_the_fiches_of_a_v3_family():
    fiches = {
        "A1101": {"parent": "A1101"},
        "A1102": {"parent": "A1101"},  # born from the same ROME v3 fiche
        "B1101": {"parent": "B1101"},
    }
    items = {code: {"skill-" + code: "", "shared": "Principale"} for code in fiches}
    model = MobilityModel(
        fiches,
        items,
        {"A1101": ["B1101"]},
        {("A1101", "B1101"): 0.5},
        {},
        ranker=None,
    )
    b = model.index["B1101"]
    for source in ("A1101", "A1102"):
        observed = model.signals(source)["observed"]
        assert observed[b] == np.float32(0.5)
        assert observed[model.index["A1101"]] == 0.0
    assert model.signals("B1101")["observed"].sum() == 0.0
