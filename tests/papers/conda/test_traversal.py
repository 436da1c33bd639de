"""ConDA's traversal operators: exactness on their curves, TEX history, Slerp norms, the LSTM."""

import numpy as np
import pytest
import torch

from lambdalib.papers.conda.traversal import LSTMForecaster, impute, slerp, taylor_step


def curve(t, degree):
    """A known polynomial curve in R^2, ``(n,) -> (n, 2)``."""
    return np.stack([0.3 * t ** degree - t + 2, 0.05 * t ** degree + 0.5 * t], 1)


@pytest.mark.parametrize("method, degree", [("spline", 3), ("lerp", 1)])
def test_interpolators_are_exact_on_their_curves(method, degree):
    t = np.arange(20.0)
    known = np.setdiff1d(t, [5, 6, 7, 12]).astype(float)
    pred = impute(curve(known, degree), known, np.array([5.0, 6.0, 7.0, 12.0]), method)
    np.testing.assert_allclose(pred, curve(np.array([5.0, 6.0, 7.0, 12.0]), degree), atol=1e-9)


def test_slerp_is_exact_on_a_circle_around_the_origin():
    t = np.arange(20.0)
    known = np.setdiff1d(t, [5, 6, 12]).astype(float)
    arc = lambda s: 3 * np.stack([np.cos(0.1 * s), np.sin(0.1 * s)], 1)
    np.testing.assert_allclose(impute(arc(known), known, np.array([5.0, 6.0, 12.0]), "slerp"),
                               arc(np.array([5.0, 6.0, 12.0])), atol=1e-9)
    assert np.abs(impute(arc(known), known, np.array([6.0]), "lerp") - arc(np.array([6.0]))).max() > 1e-3


def test_spline_is_not_exact_on_a_quartic():
    t = np.arange(20.0)
    known = np.setdiff1d(t, [9, 10]).astype(float)
    pred = impute(curve(known, 4), known, np.array([9.0, 10.0]), "spline")
    assert np.abs(pred - curve(np.array([9.0, 10.0]), 4)).max() > 1e-3


@pytest.mark.parametrize("order, degree, exact", [(2, 2, True), (1, 1, True), (1, 2, False), (2, 3, False)])
def test_taylor_extrapolation_exact_up_to_its_order(order, degree, exact):
    history = curve(np.array([3.0, 4.0, 5.0]), degree)
    h = np.array([1.0, 2.0, 5.0])
    err = np.abs(taylor_step(history, h, order) - curve(5 + h, degree)).max()
    assert (err < 1e-9) == exact


def test_tex_needs_consecutive_history():
    known = np.array([0.0, 2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="consecutive"):
        impute(curve(known, 1), known, np.array([7.0]), "tex2")
    with pytest.raises(ValueError, match="method"):
        impute(curve(known, 1), known, np.array([7.0]), "cubic")


def test_slerp_keeps_equal_norms_and_ends():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 4, 8))
    b *= np.linalg.norm(a, axis=1, keepdims=True) / np.linalg.norm(b, axis=1, keepdims=True)
    mid = slerp(a, b, np.full(4, 0.5))
    np.testing.assert_allclose(np.linalg.norm(mid, axis=1), np.linalg.norm(a, axis=1))
    np.testing.assert_allclose(slerp(a, b, np.zeros(4)), a, atol=1e-12)
    np.testing.assert_allclose(slerp(a, b, np.ones(4)), b, atol=1e-12)


def test_lstm_learns_a_rotation():
    torch.manual_seed(0)
    t = np.arange(60) * 0.3
    seq = np.stack([np.cos(t), np.sin(t)], 1)
    lstm = LSTMForecaster(2, hidden=16, context=4).fit([seq], steps=300, generator=torch.Generator().manual_seed(0))
    pred = lstm.rollout(seq[:4], 1)[0]
    assert np.abs(pred - seq[4]).max() < 0.1
    assert lstm.history_[-1] < lstm.history_[0]
