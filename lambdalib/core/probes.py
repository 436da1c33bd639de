"""Linear and nonlinear probes on frozen encoder latents (LaMbDA-long section 4.2, Table 3).

The encoders are frozen; their latents ``(b, n, d)`` are pooled over time to one vector per
window (:func:`pool_latents`), and a scikit-learn classifier is fitted on the training subjects'
vectors and scored on the held-out subjects' (:func:`probe_accuracy`). The paper names only
"a linear or non-linear classifier"; ours are

- ``"linear"``: standardisation + multinomial logistic regression,
- ``"mlp"``: standardisation + a one-hidden-layer ReLU perceptron (L-BFGS, L2 penalty 1e-4),

both with a fixed ``random_state`` so the same seed gives the same accuracy.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from lambdalib.core.checks import check_choice

__all__ = ["KINDS", "pool_latents", "make_probe", "probe_accuracy", "chance_level"]

KINDS = ("linear", "mlp")


def _as_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def pool_latents(z, *, stats: str = "mean") -> np.ndarray:
    """Frozen latents ``(b, n, d) -> (b, d)`` time means, or ``(b, 2d)`` [mean, std] with ``stats="mean_std"``.

    The std (over the n time steps, denominator n) adds each channel's amplitude within the
    window, which a time mean averages away.
    """
    check_choice("stats", stats, ("mean", "mean_std"))
    z = _as_numpy(z).astype(np.float64)
    if z.ndim != 3:
        raise ValueError(f"z must have shape (b, n, d), got shape {z.shape}")
    mean = z.mean(axis=1)                                                  # (b, d)
    return mean if stats == "mean" else np.concatenate([mean, z.std(axis=1)], axis=1)   # (b, 2d)


def make_probe(kind: str = "linear", *, seed: int = 0, max_iter: int = 200,
               hidden: int = 64) -> Pipeline:
    """An unfitted probe: StandardScaler + LogisticRegression (``"linear"``) or + MLPClassifier (``"mlp"``).

    ``max_iter`` bounds the L-BFGS iterations (both); ``hidden`` is the
    MLP's single hidden layer width.
    """
    check_choice("kind", kind, KINDS)
    if kind == "linear":
        clf = LogisticRegression(max_iter=max_iter, random_state=seed)
    else:
        # L-BFGS, not Adam: on a few thousand windows Adam ran its full max_iter epochs (about
        # 2 minutes per probe here); L-BFGS converges in a second or two, deterministically.
        clf = MLPClassifier(hidden_layer_sizes=(hidden,), solver="lbfgs", max_iter=max_iter,
                            random_state=seed)
    return make_pipeline(StandardScaler(), clf)


def _check_xy(features, labels, name: str) -> tuple[np.ndarray, np.ndarray]:
    features, labels = _as_numpy(features), _as_numpy(labels)
    if features.ndim != 2 or labels.ndim != 1 or len(features) != len(labels):
        raise ValueError(f"{name}_features must be (m, f) and {name}_labels (m,), got shapes "
                         f"{features.shape} and {labels.shape}")
    return features, labels


def probe_accuracy(train_features, train_labels, test_features, test_labels, *, kind: str = "linear",
                   seed: int = 0, max_iter: int = 200, hidden: int = 64) -> float:
    """Fit a ``kind`` probe on ``(m, f)`` training features and return its accuracy on the test features."""
    x_train, y_train = _check_xy(train_features, train_labels, "train")
    x_test, y_test = _check_xy(test_features, test_labels, "test")
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(f"train and test features must have the same width, got {x_train.shape[1]} and {x_test.shape[1]}")
    probe = make_probe(kind, seed=seed, max_iter=max_iter, hidden=hidden).fit(x_train, y_train)
    return float(probe.score(x_test, y_test))


def chance_level(labels, *, rule: str = "uniform") -> float:
    """Accuracy of guessing: 1 / (number of classes) (``"uniform"``) or the majority-class share (``"majority"``)."""
    check_choice("rule", rule, ("uniform", "majority"))
    _, counts = np.unique(_as_numpy(labels), return_counts=True)
    return float(1.0 / len(counts) if rule == "uniform" else counts.max() / counts.sum())
