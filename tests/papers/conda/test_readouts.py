"""Grouped SVM folds and regression-direction cosines with their chance level."""

import numpy as np
import pytest

from lambdalib.papers.conda.readouts import direction_cosine, pair_folds, random_cosine, svm_accuracy


def test_svm_folds_never_share_a_reynolds_number():
    groups = np.repeat([20, 25, 30, 60, 80, 100], 7)
    folds = list(pair_folds(groups, [20, 25, 30], [60, 80, 100]))
    assert len(folds) == 3
    for (train, test), pair in zip(folds, [(20, 60), (25, 80), (30, 100)]):
        assert set(groups[test]) == set(pair)
        assert not set(groups[train]) & set(groups[test])
        assert len(train) + len(test) == len(groups)
    with pytest.raises(ValueError, match="pair"):
        list(pair_folds(groups, [20], [60, 80]))


def test_direction_cosine_and_chance_level():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((500, 3))
    assert direction_cosine(x, x[:, 0], x[:, 1]) < 0.05
    assert direction_cosine(x, x[:, 0], x[:, 0] + 0.1 * x[:, 1]) > 0.95
    assert random_cosine(3, rng=rng) == pytest.approx(0.5, abs=0.02)    # |cos| ~ U(0, 1) in R^3
    assert random_cosine(64, rng=rng) < 0.1


def test_svm_accuracy_separates_and_checks_the_kernel():
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.normal(-3, 1, (40, 2)), rng.normal(3, 1, (40, 2))])
    y = np.repeat([0, 1], 40)
    assert svm_accuracy(x[::2], y[::2], x[1::2], y[1::2], "linear") == 1.0
    assert svm_accuracy(x[::2], y[::2], x[1::2], 1 - y[1::2], "rbf") == 0.0
    with pytest.raises(ValueError, match="kernel"):
        svm_accuracy(x, y, x, y, "poly")
