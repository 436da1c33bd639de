"""Scores for generated time series (LaMbDA-long appendix A.6.4): MSE, Frechet distance, predictive score.

All arrays are channel-last ``(b, n, c)``; numpy arrays and torch tensors are both accepted.

- :func:`mse`              cross-modal reconstruction error against the paired ground truth.
- :func:`ts_features`      the fixed feature map used in place of an Inception network.
- :func:`frechet_distance` LaMbDA-long eq. 10 between two feature sets; :func:`frechet_score`
  applies it to time series and :func:`frechet_with_floor` gives it beside its real-vs-real floor.
- :func:`predictive_score` train on generated, test on real: forecast a window's latter part.
- :func:`psnr`, :func:`ssim` frame similarity per frame ``(N, h, w)`` (ConDA's round trip).
- :func:`plateau_ratio`    the convergence check every chapter reports for its training curves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from lambdalib.core.fitting import minibatch_fit
from lambdalib.core.seed import resolve_device

__all__ = ["mse", "mse_up_to_sign", "ts_features", "frechet_distance", "frechet_score", "frechet_with_floor",
           "predictive_score",
           "psnr", "ssim", "plateau_ratio"]


def _as_float64(x) -> np.ndarray:
    """A float64 numpy copy of a numpy array or torch tensor."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def _check_series(x: np.ndarray, name: str) -> np.ndarray:
    if x.ndim != 3:
        raise ValueError(f"{name} must have shape (b, n, c), got shape {x.shape}")
    return x


def mse(pred, target) -> float:
    """Mean squared error (LaMbDA-long A.6.4): mean over every entry of ``(pred - target)**2``.

    ``pred`` and ``target`` are any matching shape, e.g. generated and ground-truth ``(b, n, c)``.
    """
    pred, target = _as_float64(pred), _as_float64(target)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    return float(np.mean((pred - target) ** 2))


def mse_up_to_sign(pred, target) -> float:
    """MSE after flipping each predicted window's sign where that fits the target better.

    ``(b, n, c), (b, n, c) -> float``: mean over windows of min(MSE(pred_i, target_i),
    MSE(-pred_i, target_i)). A diagnostic for targets known only up to a sign, such as Lorenz x
    seen through z (the system is symmetric under (x, y, z) -> (-x, -y, z)); not a paper metric.
    """
    pred, target = _as_float64(pred), _as_float64(target)
    if pred.shape != target.shape or pred.ndim != 3:
        raise ValueError(f"pred and target must both be (b, n, c), got {pred.shape} and {target.shape}")
    plus = ((pred - target) ** 2).mean(axis=(1, 2))
    minus = ((-pred - target) ** 2).mean(axis=(1, 2))
    return float(np.minimum(plus, minus).mean())


def ts_features(x, n_bins: int = 16) -> np.ndarray:
    """Time-series features for the Frechet distance: bin means, ``(b, n, c) -> (b, n_bins * c)``.

    The window is cut into ``n_bins`` contiguous time bins of equal length (lengths differ by
    at most one sample when ``n_bins`` does not divide ``n``) and each channel is averaged in
    each bin: a low-pass resampling of the trajectory. LaMbDA-long computes its FID "in the temporal
    space" without naming an encoder, and no pretrained time-series encoder is available
    offline; bin means keep the shape of the trajectory, drop high-frequency noise that would
    dominate a raw-sample covariance, and give a feature count (``n_bins * c``) small enough for
    its covariance to be estimated from a few hundred windows. Feature ``k * c + j`` is the mean
    of channel ``j`` in bin ``k``.
    """
    x = _check_series(_as_float64(x), "x")
    b, n, c = x.shape
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive int, got {n_bins!r}")
    if n < n_bins:
        raise ValueError(f"n_bins must be <= the sequence length n={n}, got {n_bins}")
    edges = np.linspace(0, n, n_bins + 1).round().astype(int)    # (n_bins + 1,)
    sums = np.add.reduceat(x, edges[:-1], axis=1)                 # (b, n_bins, c)
    means = sums / np.diff(edges)[None, :, None]                  # (b, n_bins, c)
    return means.reshape(b, n_bins * c)                           # (b, n_bins * c)


def _trace_sqrt_product(sigma_a: np.ndarray, sigma_b: np.ndarray) -> float:
    """tr((Sa Sb)^{1/2}) for symmetric PSD ``Sa``, ``Sb`` via symmetric eigendecompositions.

    With Sa = U diag(l) U^T, M = Sa^{1/2} Sb Sa^{1/2} is symmetric PSD and has the eigenvalues
    of Sa Sb (AB and BA share their spectrum, singular Sa included), so
    tr((Sa Sb)^{1/2}) = sum sqrt(eigvalsh(M)); tiny negative eigenvalues are clipped to zero.
    """
    lam, u = np.linalg.eigh(sigma_a)
    sqrt_a = (u * np.sqrt(np.clip(lam, 0.0, None))) @ u.T         # Sa^{1/2}, (f, f)
    m = sqrt_a @ sigma_b @ sqrt_a
    m = (m + m.T) / 2                                             # remove rounding asymmetry
    return float(np.sqrt(np.clip(np.linalg.eigvalsh(m), 0.0, None)).sum())


def frechet_distance(feat_a, feat_b) -> float:
    """LaMbDA-long eq. 10: ||mu_a - mu_b||^2 + tr(Sa + Sb - 2 (Sa Sb)^{1/2}), Gaussians fitted to features.

    ``feat_a`` is ``(na, f)`` and ``feat_b`` is ``(nb, f)``, with ``na, nb >= 2``; float64
    throughout. The value is biased upwards at finite sample sizes (see :func:`frechet_floor`).
    """
    feat_a, feat_b = _as_float64(feat_a), _as_float64(feat_b)
    for name, f in (("feat_a", feat_a), ("feat_b", feat_b)):
        if f.ndim != 2 or f.shape[0] < 2:
            raise ValueError(f"{name} must have shape (m, f) with m >= 2 samples, got {f.shape}")
    if feat_a.shape[1] != feat_b.shape[1]:
        raise ValueError(f"feat_a and feat_b must have the same feature count f, got "
                         f"{feat_a.shape[1]} and {feat_b.shape[1]}")
    mu_a, mu_b = feat_a.mean(0), feat_b.mean(0)                   # (f,)
    sigma_a = np.atleast_2d(np.cov(feat_a, rowvar=False))         # (f, f)
    sigma_b = np.atleast_2d(np.cov(feat_b, rowvar=False))         # (f, f)
    dist = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) \
        - 2.0 * _trace_sqrt_product(sigma_a, sigma_b)
    return float(max(dist, 0.0))


def frechet_score(generated, real, *, n_bins: int = 16) -> float:
    """LaMbDA-long eq. 10 between generated ``(b, n, c)`` and real ``(b2, n, c)`` via :func:`ts_features`."""
    return frechet_distance(ts_features(generated, n_bins), ts_features(real, n_bins))


def frechet_with_floor(generated, real, *, seed: int, n_bins: int = 16) -> dict[str, float]:
    """LaMbDA-long eq. 10 with its real-vs-real floor, at one sample size.

    ``real`` ``(b, n, c)`` is split at random (from ``seed``) into halves A and B of ``b // 2``
    windows; ``fd`` is the distance between the generated windows paired with A (``generated``
    holds one window per real one, ``(b, n, c)``) and real half B, and ``floor`` the distance
    between real halves A and B. Both carry the same finite-sample bias, so ``floor`` is what
    ``fd`` would be for a perfect generator at this size: read ``fd`` against it, not against 0.
    """
    gen = _check_series(_as_float64(generated), "generated")
    real = _check_series(_as_float64(real), "real")
    if gen.shape != real.shape:
        raise ValueError(f"generated and real must pair up window for window, got {gen.shape} and {real.shape}")
    half = real.shape[0] // 2
    if half < 2:
        raise ValueError(f"real must hold at least 4 windows, got {real.shape[0]}")
    perm = np.random.default_rng(seed).permutation(real.shape[0])
    a, b = perm[:half], perm[half:2 * half]
    return {"fd": frechet_score(gen[a], real[b], n_bins=n_bins), "floor": frechet_score(real[a], real[b], n_bins=n_bins)}


class _Forecaster(nn.Module):
    """GRU encoder over the initial ``k`` steps, linear read-out of the remaining ``m`` steps:
    ``(b, k, c) -> (b, m, c)`` (a direct multi-step forecast)."""

    def __init__(self, channels: int, hidden: int, horizon: int):
        super().__init__()
        self.gru = nn.GRU(channels, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon * channels)
        self.horizon, self.channels = horizon, channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x)                                        # (1, b, hidden): state after k steps
        return self.head(h[-1]).view(-1, self.horizon, self.channels)  # (b, m, c)


def predictive_score(generated, real, *, split: float = 0.5, hidden: int | None = None, lr: float = 5e-3,
                     batch_size: int = 128, chunk: int = 100, max_steps: int = 3000, flat: float = 0.98,
                     seed: int = 0, device: str = "auto") -> dict:
    """Predictive score (LaMbDA-long A.6.4, after TimeGAN, Yoon et al. 2019): train on generated,
    test on real.

    A GRU forecaster (``hidden`` units, default ``max(8, 2 c)``) is trained with Adam on
    ``generated`` windows ``(b, n, c)`` ONLY, to predict the latter part of each window (its last
    ``n - k`` steps, ``k = round(split * n)``) from its initial part (L1 loss, minibatches of
    ``batch_size`` drawn with replacement). It trains in chunks of ``chunk`` steps until the
    loss is flat, i.e. the mean loss of the last chunk is at least ``flat`` times that of the
    chunk before (:func:`plateau_ratio` over chunks), or ``max_steps``. The score is its mean
    absolute error on ``real`` ``(b2, n, c)`` in the data's units (lower is better).
    Returns ``{"score", "steps", "plateau"}`` (the last chunk ratio, to show the fit converged).
    Deterministic given ``seed``; the caller's random state is left untouched.
    """
    gen = _check_series(_as_float64(generated), "generated")
    real = _check_series(_as_float64(real), "real")
    if gen.shape[1:] != real.shape[1:]:
        raise ValueError(f"generated and real must share (n, c), got {gen.shape[1:]} and {real.shape[1:]}")
    b, n, c = gen.shape
    k = int(round(split * n))
    if not 1 <= k < n:
        raise ValueError(f"split must leave both parts non-empty for n={n}, got split={split!r}")
    hidden = max(8, 2 * c) if hidden is None else hidden
    for name, v in (("chunk", chunk), ("max_steps", max_steps), ("batch_size", batch_size), ("hidden", hidden)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    dev = resolve_device(device)
    x_gen = torch.as_tensor(gen, dtype=torch.float32, device=dev)      # (b, n, c)
    x_real = torch.as_tensor(real, dtype=torch.float32, device=dev)    # (b2, n, c)
    with torch.random.fork_rng(devices=[]):                      # all draws are on the CPU stream
        torch.manual_seed(seed)
        model = _Forecaster(c, hidden, n - k).to(dev)
        batches = torch.Generator().manual_seed(seed)
        opt = torch.optim.Adam(model.parameters(), lr=lr)

        def batch_loss() -> torch.Tensor:
            xb = x_gen[torch.randint(0, b, (min(batch_size, b),), generator=batches).to(dev)]  # (batch, n, c)
            return (model(xb[:, :k]) - xb[:, k:]).abs().mean()

        losses, ratio = [], float("nan")
        while len(losses) < max_steps:
            losses += minibatch_fit(opt, batch_loss, min(chunk, max_steps - len(losses)), name="predictive score")
            if len(losses) >= 2 * chunk:
                ratio = float(np.mean(losses[-chunk:]) / np.mean(losses[-2 * chunk:-chunk]))
                if ratio >= flat:
                    break
    model.eval()
    with torch.no_grad():
        err = (model(x_real[:, :k]) - x_real[:, k:]).abs()       # (b2, n - k, c)
    return {"score": float(err.mean(dtype=torch.float64)), "steps": len(losses), "plateau": ratio}


def psnr(pred: np.ndarray, true: np.ndarray, data_range: float) -> np.ndarray:
    """Peak signal-to-noise ratio per frame, 10 log10(range^2 / MSE): ``(N, h, w) x 2 -> (N,)``."""
    mse = ((np.asarray(pred, float) - np.asarray(true, float)) ** 2).reshape(len(pred), -1).mean(1)
    return 10 * np.log10(data_range ** 2 / np.maximum(mse, 1e-20))


def ssim(pred: np.ndarray, true: np.ndarray, data_range: float, *, sigma: float = 1.5, size: int = 11) -> np.ndarray:
    """Structural similarity per frame (Wang et al. 2004; Gaussian window ``size``, ``sigma``;
    K1 = 0.01, K2 = 0.03; valid windows only), ``(N, h, w) x 2 -> (N,)``. Equals scikit-image's
    ``structural_similarity(..., gaussian_weights=True, use_sample_covariance=False)`` per frame."""
    from scipy.ndimage import correlate1d

    x, y = np.asarray(pred, float), np.asarray(true, float)
    g = np.exp(-((np.arange(size) - size // 2) ** 2) / (2 * sigma ** 2))
    g /= g.sum()
    h = size // 2

    def blur(a):                                                                # separable Gaussian
        return correlate1d(correlate1d(a, g, axis=1), g, axis=2)[:, h:-h, h:-h]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return s.mean((1, 2))


def plateau_ratio(history: pd.DataFrame, column: str = "den_x", fraction: float = 0.1) -> float:
    """Convergence check: mean of ``column`` over the last ``fraction`` of steps divided by its
    mean over the ``fraction`` before. Near 1: the loss has flattened; well below 1: still falling."""
    k = max(1, int(len(history) * fraction))
    if len(history) < 2 * k:
        raise ValueError(f"history too short ({len(history)} steps) for fraction={fraction}")
    values = history[column].to_numpy()
    return float(values[-k:].mean() / values[-2 * k:-k].mean())
