"""The shared boosted trees (`datasud.boosting`): scoring a forest level by level must give
what walking each tree node by node gives, whatever the trees' shapes."""
import numpy as np
import pytest

from datasud import boosting


def walk(feature, threshold, left, right, value, row) -> float:
    """The plain reading of the arrays, one tree and one node at a time."""
    total = 0.0
    for t in range(feature.shape[0]):
        node = 0
        while feature[t, node] >= 0:
            node = left[t, node] if row[feature[t, node]] < threshold[t, node] else right[t, node]
        total += value[t, node]
    return total


def lopsided_forest():
    """Tree 0: one split, leaves at depth 1. Tree 1: a chain of 3 splits down the right.
    Tree 2: a single leaf. Padded to 7 nodes (feature -1, children 0) as the models are."""
    feature = np.full((3, 7), -1)
    threshold = np.zeros((3, 7))
    left = np.zeros((3, 7), int)
    right = np.zeros((3, 7), int)
    value = np.zeros((3, 7))
    feature[0, 0], threshold[0, 0], left[0, 0], right[0, 0] = 1, 0.5, 1, 2
    value[0, 1], value[0, 2] = -1.0, 2.0
    for node, (f, thr) in enumerate([(0, 0.3), (2, 0.6), (0, 0.8)]):
        here = 2 * node
        feature[1, here], threshold[1, here] = f, thr
        left[1, here], right[1, here] = here + 1, here + 2
        value[1, here + 1] = 10.0 * (node + 1)
    value[1, 6] = 100.0
    value[2, 0] = 0.25
    return feature, threshold, left, right, value


def test_level_by_level_scores_equal_the_plain_walk_on_uneven_trees():
    arrays = lopsided_forest()
    forest = boosting.Forest.of(*arrays)
    assert forest.depth == 3
    rows = np.random.default_rng(3).random((200, 3))
    rows[:5] = [[0.3, 0.5, 0.6], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.9, 0.1, 0.9],
                [0.5, 0.49, 0.59]]  # on the thresholds themselves, and at the edges
    expected = [walk(*arrays, row) for row in rows]
    assert forest.scores(rows).tolist() == pytest.approx(expected)
    assert forest.scores(rows[:1]).tolist() == pytest.approx(expected[:1])


def test_a_forest_of_leaves_scores_their_values():
    feature = np.full((2, 1), -1)
    zeros = np.zeros((2, 1), int)
    forest = boosting.Forest.of(feature, np.zeros((2, 1)), zeros, zeros, np.array([[1.5], [2.0]]))
    assert forest.depth == 0
    assert forest.scores(np.zeros((4, 3))).tolist() == [3.5] * 4


def test_nodes_that_loop_are_refused():
    feature = np.array([[0, 0]])
    loop = np.array([[1, 0]])
    with pytest.raises(ValueError, match="cycle"):
        boosting.Forest.of(feature, np.zeros((1, 2)), loop, loop, np.zeros((1, 2)))
