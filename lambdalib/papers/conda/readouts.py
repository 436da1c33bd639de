"""Read-outs of a representation and their chance levels (ConDA section 4 and appendix C.4).

- :func:`pair_folds`, :func:`svm_accuracy`: a standardised SVM (linear or RBF) under folds that
  leave one pair of groups out, so no group is seen in training and test.
- :func:`direction_cosine`, :func:`random_cosine`: |cos| between two least-squares regression
  directions, and the median |cos| of random direction pairs in the same dimension (the baseline,
  which alone differs by dimension).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from lambdalib.core.checks import check_choice

__all__ = ["pair_folds", "svm_accuracy", "direction_cosine", "random_cosine"]


def pair_folds(groups: np.ndarray, first: list, second: list):
    """Leave one (first[i], second[i]) pair of groups out per fold: yields (train_idx, test_idx)
    over samples labelled by ``groups (N,)``; the two groups of a fold never reach training."""
    if len(first) != len(second):
        raise ValueError(f"first and second must pair up, got {len(first)} and {len(second)} groups")
    for a, b in zip(first, second):
        test = np.isin(groups, [a, b])
        yield np.flatnonzero(~test), np.flatnonzero(test)


def svm_accuracy(x_train, y_train, x_test, y_test, kernel: str) -> float:
    """Accuracy of a standardised SVC (scikit-learn defaults, ``kernel`` linear or rbf)."""
    check_choice("kernel", kernel, ("linear", "rbf"))
    clf = make_pipeline(StandardScaler(), SVC(kernel=kernel)).fit(x_train, y_train)
    return float((clf.predict(x_test) == y_test).mean())


def direction_cosine(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """|cos| between the least-squares regression directions of ``a`` and of ``b`` on ``x (N, d)``
    (ConDA appendix C.4)."""
    wa = LinearRegression().fit(x, a).coef_
    wb = LinearRegression().fit(x, b).coef_
    return float(abs(wa @ wb) / (np.linalg.norm(wa) * np.linalg.norm(wb)))


def random_cosine(d: int, n: int = 10000, *, rng: np.random.Generator) -> float:
    """Median |cos| between independent isotropic random directions in R^d (the chance level)."""
    u, v = rng.standard_normal((2, n, d))
    return float(np.median(np.abs((u * v).sum(1)) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))))
