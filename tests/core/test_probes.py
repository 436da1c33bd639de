"""Probes on toy features: separable -> near 1, shuffled labels -> near chance, deterministic."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from lambdalib.core.probes import (
    chance_level,
    make_probe,
    pool_latents,
    probe_accuracy,
)


def _blobs(n_per_class=60, n_classes=4, f=6, spread=0.3, seed=0):
    """Gaussian blobs around well-separated class centres, split into train / test halves."""
    rng = np.random.default_rng(seed)
    centres = 3.0 * rng.standard_normal((n_classes, f))
    y = np.repeat(np.arange(n_classes), n_per_class)
    x = centres[y] + spread * rng.standard_normal((len(y), f))
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    half = len(y) // 2
    return x[:half], y[:half], x[half:], y[half:]


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_separable_data_is_probed_near_perfectly(kind):
    assert probe_accuracy(*_blobs(), kind=kind, seed=0) > 0.97


def test_xor_needs_the_nonlinear_probe():
    """Labels by the sign of x1 * x2: no linear boundary exists, an MLP finds one."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (600, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    linear = probe_accuracy(x[:300], y[:300], x[300:], y[300:], kind="linear")
    mlp = probe_accuracy(x[:300], y[:300], x[300:], y[300:], kind="mlp")
    assert linear < 0.7 and mlp > 0.9


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_shuffled_training_labels_give_chance(kind):
    """Labels permuted over the whole set carry no information about the features."""
    x_tr, y_tr, x_te, y_te = _blobs(n_per_class=100)
    y = np.random.default_rng(1).permutation(np.concatenate([y_tr, y_te]))
    y_tr, y_te = y[:len(y_tr)], y[len(y_tr):]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)     # noise labels are hard to fit
        acc = probe_accuracy(x_tr, y_tr, x_te, y_te, kind=kind, seed=0, max_iter=200)
    assert abs(acc - chance_level(y_te)) < 0.1                  # chance 0.25; sd of 200 guesses ~0.03


def test_same_seed_same_accuracy_and_seed_matters_for_mlp():
    data = _blobs(spread=2.5)                                   # overlapping classes: accuracy < 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = probe_accuracy(*data, kind="mlp", seed=3, max_iter=50)
        assert a == probe_accuracy(*data, kind="mlp", seed=3, max_iter=50)
        mlp_seeded = [make_probe("mlp", seed=s, max_iter=50).fit(data[0], data[1])[-1].coefs_[0] for s in (3, 4)]
    assert a < 0.99
    assert not np.allclose(*mlp_seeded)


def test_bad_inputs_raise_value_error():
    data = _blobs()
    with pytest.raises(ValueError, match="kind must be one of"):
        probe_accuracy(*data, kind="svm")
    with pytest.raises(ValueError, match="train_features"):
        probe_accuracy(data[0], data[1][:-1], data[2], data[3])
    with pytest.raises(ValueError, match="same width"):
        probe_accuracy(data[0], data[1], data[2][:, :3], data[3])
    with pytest.raises(ValueError, match="rule"):
        chance_level(data[1], rule="random")


def test_pool_latents_mean_and_std():
    z = torch.arange(2 * 3 * 2, dtype=torch.float32).reshape(2, 3, 2)
    mean = pool_latents(z)
    assert mean.shape == (2, 2) and np.allclose(mean[1], z[1].mean(0).numpy())
    both = pool_latents(z.numpy(), stats="mean_std")
    assert both.shape == (2, 4) and np.allclose(both[0, 2:], z[0].numpy().std(0))
    with pytest.raises(ValueError, match="stats"):
        pool_latents(z, stats="max")
    with pytest.raises(ValueError, match=r"\(b, n, d\)"):
        pool_latents(z[0])


def test_chance_level():
    assert chance_level(np.array([0, 0, 0, 1, 2, 2])) == pytest.approx(1 / 3)
    assert chance_level(np.array([0, 0, 0, 1, 2, 2]), rule="majority") == pytest.approx(0.5)
