"""Tests for lambdalib.core.metrics: MSE, Frechet distance (LaMbDA-long eq. 10), predictive score."""

import numpy as np
import pytest
import scipy.linalg
import torch

from lambdalib.core.metrics import (
    frechet_distance,
    frechet_score,
    frechet_with_floor,
    mse,
    predictive_score,
    psnr,
    ssim,
    ts_features,
)


def _sines(rng, b, n=40, c=2, freq=(0.5, 1.5)):
    """(b, n, c) sine windows with random frequency and phase per channel."""
    t = np.linspace(0, 6, n)[None, :, None]
    f = rng.uniform(*freq, size=(b, 1, c))
    phase = rng.uniform(0, 2 * np.pi, size=(b, 1, c))
    return np.sin(f * t + phase)


def _frechet_scipy(a, b):
    """Reference eq. 10 with scipy.linalg.sqrtm (real part)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(sa @ sb).real
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(sa + sb - 2 * covmean))


@pytest.mark.parametrize("na, nb, f, rank", [(50, 60, 6, None), (200, 120, 10, None),
                                             (40, 40, 8, 3), (5, 30, 8, None)])
def test_frechet_matches_scipy_sqrtm(na, nb, f, rank):
    rng = np.random.default_rng(na + f)
    mix_a, mix_b = rng.normal(size=(f, f)), rng.normal(size=(f, f))
    if rank is not None:  # covariance of rank `rank` < f
        mix_a[rank:] = 0.0
    a = rng.normal(size=(na, f)) @ mix_a
    b = rng.normal(size=(nb, f)) @ mix_b + 0.5
    ours, ref = frechet_distance(a, b), _frechet_scipy(a, b)
    assert ours == pytest.approx(ref, rel=1e-6)


def test_frechet_self_zero_symmetric_and_mean_shift():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(100, 8)) @ rng.normal(size=(8, 8))
    b = rng.normal(size=(80, 8)) * 2.0
    scale = np.trace(np.cov(a, rowvar=False))
    assert frechet_distance(a, a) < 1e-8 * scale
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)
    shift = rng.normal(size=8)
    assert frechet_distance(a, a + shift) == pytest.approx(np.sum(shift ** 2), rel=1e-8)
    assert frechet_distance(torch.as_tensor(a), a + shift) == pytest.approx(np.sum(shift ** 2), rel=1e-8)


def test_frechet_rejects_bad_shapes():
    with pytest.raises(ValueError, match="feature count"):
        frechet_distance(np.zeros((10, 3)), np.zeros((10, 4)))
    with pytest.raises(ValueError, match="feat_a"):
        frechet_distance(np.zeros((1, 3)), np.zeros((10, 3)))


def test_floor_small_against_different_distribution():
    rng = np.random.default_rng(1)
    real = _sines(rng, 200)
    other = _sines(rng, 200, freq=(2.0, 3.0))                     # clearly different windows
    scores = frechet_with_floor(other, real, seed=0)
    assert scores["floor"] < 0.1 * scores["fd"]
    assert frechet_with_floor(other, real, seed=0) == scores       # seeded split
    same = frechet_with_floor(_sines(rng, 200), real, seed=0)      # a perfect generator: fd near the floor
    assert same["fd"] < 3 * same["floor"]
    with pytest.raises(ValueError, match="pair up"):
        frechet_with_floor(other[:10], real, seed=0)
    assert frechet_score(real[:100], real[100:]) == pytest.approx(
        frechet_distance(ts_features(real[:100]), ts_features(real[100:])))


def test_ts_features_bin_means():
    x = np.stack([[1.0, 2, 3, 4], [10.0, 20, 30, 40]], axis=-1)[None]   # (1, 4, 2)
    np.testing.assert_allclose(ts_features(x, n_bins=2), [[1.5, 15.0, 3.5, 35.0]])
    x5 = np.arange(5.0)[None, :, None]                                  # bins [0, 2), [2, 5)
    np.testing.assert_allclose(ts_features(x5, n_bins=2), [[0.5, 3.0]])
    assert ts_features(np.zeros((7, 75, 3)), n_bins=16).shape == (7, 48)
    np.testing.assert_allclose(ts_features(x, n_bins=4), x.reshape(1, 8))  # one sample per bin
    with pytest.raises(ValueError, match="n_bins"):
        ts_features(np.zeros((2, 8, 1)), n_bins=16)
    with pytest.raises(ValueError, match=r"\(b, n, c\)"):
        ts_features(np.zeros((8, 16)))


def test_predictive_score_ranks_real_below_noise_and_is_deterministic():
    torch.set_num_threads(1)
    rng = np.random.default_rng(2)
    real, generated = _sines(rng, 64), _sines(rng, 64)
    noise = rng.normal(size=real.shape)
    kw = dict(chunk=100, max_steps=1000, seed=3, device="cpu")
    state = torch.get_rng_state()
    good = predictive_score(generated, real, **kw)
    assert torch.equal(torch.get_rng_state(), state)              # caller's stream untouched
    bad = predictive_score(noise, real, **kw)
    assert good["score"] < 0.5 * bad["score"]
    assert predictive_score(generated, real, **kw) == good
    assert 200 <= good["steps"] <= 1000 and good["steps"] % 100 == 0


def test_predictive_score_trains_until_flat():
    torch.set_num_threads(1)
    x = _sines(np.random.default_rng(4), 32)
    flat = predictive_score(x, x, chunk=10, max_steps=2000, flat=0.0, device="cpu")
    assert flat["steps"] == 20                                    # any ratio >= 0: stops after two chunks
    capped = predictive_score(x, x, chunk=10, max_steps=30, flat=10.0, device="cpu")
    assert capped["steps"] == 30 and capped["plateau"] < 10.0     # never flat enough: stops at the cap


def test_predictive_score_shape_checks():
    x = _sines(np.random.default_rng(3), 16, n=20, c=2)
    with pytest.raises(ValueError, match=r"\(n, c\)"):
        predictive_score(x, x[:, :10], device="cpu")
    with pytest.raises(ValueError, match="split"):
        predictive_score(x, x, split=1.0, device="cpu")
    with pytest.raises(ValueError, match="device"):
        predictive_score(x, x, max_steps=1, device="tpu")


def test_mse_hand_example_and_shape_mismatch():
    assert mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == pytest.approx(4 / 3)
    assert mse(torch.ones(2, 3, 1), np.zeros((2, 3, 1))) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        mse(np.zeros((2, 3, 1)), np.zeros((2, 3, 2)))


def test_mse_up_to_sign():
    from lambdalib.core.metrics import mse_up_to_sign
    target = np.array([[[1.0], [2.0]], [[3.0], [-1.0]]])      # (2, 2, 1)
    pred = np.array([[[-1.0], [-2.0]], [[3.0], [0.0]]])       # window 0 flipped, window 1 off by 1 once
    assert mse_up_to_sign(pred, target) == pytest.approx((0.0 + 0.5) / 2)
    assert mse(pred, target) > mse_up_to_sign(pred, target)
    with pytest.raises(ValueError):
        mse_up_to_sign(pred[0], target[0])


def frames(seed: int = 0):
    """Smooth frames in [0, 1] (3 of 32 x 40) and a noisy copy, clipped as an image would be."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    true = gaussian_filter(rng.random((3, 32, 40)), (0, 2, 2))
    return np.clip(true + 0.05 * rng.standard_normal(true.shape), 0, 1), true


def test_psnr_matches_scikit_image():
    from skimage.metrics import peak_signal_noise_ratio

    pred, true = frames()
    for data_range in (1.0, 2.0):
        expected = [peak_signal_noise_ratio(t, p, data_range=data_range) for p, t in zip(pred, true)]
        np.testing.assert_allclose(psnr(pred, true, data_range), expected, rtol=1e-12)


def test_ssim_matches_scikit_image_on_the_matching_setting():
    """Our SSIM is Wang et al. (2004) as written: an 11-tap Gaussian window of sigma 1.5, the
    population (not sample) local covariances, K1 = 0.01, K2 = 0.03, averaged over the valid
    windows only. scikit-image computes it everywhere and crops (win_size - 1) / 2 pixels from each
    border before averaging, the same set of windows; with gaussian_weights=True and
    use_sample_covariance=False (its default is the sample covariance, N / (N - 1) larger, which
    gives a slightly different value) the two agree to rounding."""
    from skimage.metrics import structural_similarity

    pred, true = frames()
    for data_range in (1.0, 4.0):
        expected = [structural_similarity(t, p, data_range=data_range, gaussian_weights=True, sigma=1.5,
                                          use_sample_covariance=False) for p, t in zip(pred, true)]
        np.testing.assert_allclose(ssim(pred, true, data_range), expected, rtol=1e-10)
    default = [structural_similarity(t, p, data_range=1.0, gaussian_weights=True) for p, t in zip(pred, true)]
    assert not np.allclose(ssim(pred, true, 1.0), default, rtol=1e-6)   # the difference is the covariance
