"""CEBRA fits that repeat, per-segment embedding, the kNN lift, KDE class peaks."""

import numpy as np
import pytest

from lambdalib.papers.conda.embedding import KNNLift, embed_segments, fit_cebra, kde_peaks


def test_knn_lift_returns_training_points():
    rng = np.random.default_rng(1)
    e, x_T, cond = rng.standard_normal((50, 3)), rng.standard_normal((50, 8)), rng.standard_normal((50, 2))
    lift = KNNLift(n_neighbors=1).fit(e, x_T, cond)
    got_x, got_c = lift.predict(e[[3, 17]] + 1e-6)
    np.testing.assert_array_equal(got_x, x_T[[3, 17]])
    np.testing.assert_array_equal(got_c, cond[[3, 17]])
    five = KNNLift(n_neighbors=5).fit(e, x_T, cond).predict(e[:1])[0]
    assert any(np.allclose(five, x_T[idx].mean(0)) for idx in [np.argsort(((e - e[0]) ** 2).sum(1))[:5]])
    with pytest.raises(ValueError, match="fitted"):
        KNNLift().predict(e)


def test_embed_segments_keeps_held_out_frames_out():
    """Changing a held-out frame must not move any known frame's embedding."""
    rng = np.random.default_rng(5)
    t = np.arange(120.0)
    x = np.stack([np.sin(t / 8), np.cos(t / 8), np.sin(t / 5)], 1) + 0.01 * rng.standard_normal((120, 3))
    model = fit_cebra(x, t[:, None], iterations=5, batch_size=32, seed=0)
    known = np.ones(120, bool)
    known[[40, 41, 90]] = False
    e1 = embed_segments(model, x, known)
    x2 = x.copy()
    x2[[40, 41, 90]] += 5.0
    e2 = embed_segments(model, x2, known)
    np.testing.assert_array_equal(e1[known], e2[known])
    assert np.isnan(e1[~known]).all()
    short = np.zeros(120, bool)
    short[10:14] = True                          # shorter than the 10-frame receptive field
    assert np.isfinite(embed_segments(model, x, short)[10:14]).all()


def test_cebra_fit_is_repeatable_with_a_seed():
    """CEBRA seeds its samplers from OS entropy; fit_cebra pins them to the seed."""
    rng = np.random.default_rng(6)
    x, aux = rng.standard_normal((200, 8)), rng.standard_normal((200, 2))
    a, b = (fit_cebra(x, aux, iterations=10, batch_size=32, seed=3).transform(x.astype(np.float32))
            for _ in range(2))
    np.testing.assert_array_equal(a, b)


def test_kde_peaks_sit_in_their_own_class():
    rng = np.random.default_rng(2)
    e = np.concatenate([rng.normal(-2, 0.5, (60, 3)), rng.normal(2, 0.5, (60, 3))])
    labels = np.repeat([False, True], 60)
    peaks = kde_peaks(e, labels)
    assert peaks[False].mean() < -1 and peaks[True].mean() > 1
    assert any(np.array_equal(peaks[True], row) for row in e[labels])     # a sample, not a new point
    with pytest.raises(ValueError, match="two classes"):
        kde_peaks(e, np.arange(120) % 3)
