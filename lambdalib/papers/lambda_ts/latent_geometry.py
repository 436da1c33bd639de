"""The geometry of the two encoders' latents (LaMbDA-long Figure 3 and Figure 8).

Given a trained pair, the latents Z_X = h_X(X_t, t) and Z_Y = h_Y(Y_t, t) of the same held-out
windows can be compared in three ways:

- :func:`matched_correlation`: the Pearson correlation of latent coordinate k of Z_X with
  coordinate k of Z_Y, averaged over k (tokens centred per position, see :func:`_tokens`). This
  is what LaMbDA's alignment asks for (the same coordinates, LaMbDA-long eq. 4-5) and what its
  Figure 3 (right, top) plots.
- :func:`canonical_correlations`: the correlations of the best-matched linear combinations
  (CCA). They do not care which coordinate is which, so they say whether the two latents share
  information at all; an unaligned pair can share a lot while its matched coordinates do not.
- :func:`umap_embedding`: one 2-d UMAP of both models' time-pooled latents (Figure 3, left).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.papers.lambda_ts.collapse import encoder_latents
from lambdalib.papers.lambda_ts.gait_runs import load_pair

__all__ = ["matched_correlation", "canonical_correlations", "correlation_over_steps", "umap_embedding", "run_latents",
           "correlation_table", "run_correlations"]


def _tokens(z: np.ndarray) -> np.ndarray:
    """``(b, n, d)`` latents -> ``(b * n, d)`` tokens, each position centred over the ``b`` windows
    (2-d input passes through). Both encoders add the same sinusoidal position code, so raw
    tokens correlate through their position alone; centring per position removes that and leaves
    what varies between windows."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 3:
        return z
    return (z - z.mean(axis=0, keepdims=True)).reshape(-1, z.shape[-1])


def matched_correlation(z_x: np.ndarray, z_y: np.ndarray) -> float:
    """Mean over coordinates k of corr(Z_X[:, k], Z_Y[:, k]) across tokens; ``(b, n, d)`` or ``(m, d)``.

    A coordinate that is constant in either latent counts as correlation 0."""
    a, b = _tokens(z_x), _tokens(z_y)
    if a.shape != b.shape:
        raise ValueError(f"z_x and z_y must have the same shape, got {a.shape} and {b.shape}")
    a, b = a - a.mean(0), b - b.mean(0)
    denom = np.sqrt((a ** 2).sum(0) * (b ** 2).sum(0))
    r = np.divide((a * b).sum(0), denom, out=np.zeros(a.shape[1]), where=denom > 0)
    return float(r.mean())


def canonical_correlations(z_x: np.ndarray, z_y: np.ndarray, *, ridge: float = 1e-6) -> np.ndarray:
    """Canonical correlations of Z_X and Z_Y, largest first: the singular values of
    C_xx^{-1/2} C_xy C_yy^{-1/2} (Hotelling 1936), with ``ridge`` times the mean variance added to
    each diagonal so that a collapsed latent stays invertible. ``(b, n, d)`` or ``(m, d)`` -> ``(d,)``."""
    a, b = _tokens(z_x), _tokens(z_y)
    if len(a) != len(b):
        raise ValueError(f"z_x and z_y must have the same number of tokens, got {len(a)} and {len(b)}")
    a, b = a - a.mean(0), b - b.mean(0)

    def inv_sqrt(c):
        c = c + ridge * max(np.trace(c) / len(c), 1e-12) * np.eye(len(c))
        lam, u = np.linalg.eigh(c)
        return (u / np.sqrt(lam)) @ u.T

    m = len(a) - 1
    k = inv_sqrt(a.T @ a / m) @ (a.T @ b / m) @ inv_sqrt(b.T @ b / m)
    return np.clip(np.linalg.svd(k, compute_uv=False), 0.0, 1.0)


def correlation_over_steps(model_x, model_y, diffusion: GaussianDiffusion, x0: np.ndarray, y0: np.ndarray,
                           steps, *, seed: int = 0, top: int = 8) -> pd.DataFrame:
    """Per diffusion step t in ``steps``: the matched-coordinate correlation and the mean of the
    ``top`` canonical correlations of Z_X = h_X(x_t, t) and Z_Y = h_Y(y_t, t) on windows
    ``x0 (b, n, c_X)``, ``y0 (b, n, c_Y)``. Columns: t, matched, canonical."""
    rows = []
    for t in steps:
        z_x = encoder_latents(model_x, diffusion, x0, int(t), seed=seed)
        z_y = encoder_latents(model_y, diffusion, y0, int(t), seed=seed + 1)
        rows.append({"t": int(t), "matched": matched_correlation(z_x, z_y),
                     "canonical": float(canonical_correlations(z_x, z_y)[:top].mean())})
    return pd.DataFrame(rows)


def umap_embedding(z_x: np.ndarray, z_y: np.ndarray, *, seed: int = 0, n_neighbors: int = 15) -> np.ndarray:
    """One UMAP (McInnes et al. 2018) of both models' time-pooled latents: ``(b, n, d)`` twice ->
    ``(2b, 2)``, Z_X's windows first. Single-threaded and seeded, so deterministic."""
    import umap  # imported here: its first import compiles with numba (~20 s)

    pooled = np.concatenate([np.asarray(z_x).mean(axis=1), np.asarray(z_y).mean(axis=1)])   # (2b, d)
    reducer = umap.UMAP(n_neighbors=n_neighbors, random_state=seed, n_jobs=1)
    return reducer.fit_transform(pooled)


# ----- over the runs of lambdalib.papers.lambda_ts.gait_runs.run_gait ---------------------------------------
def run_latents(run: pd.Series, fold, diffusion: GaussianDiffusion, *, t: int = 0, split: str = "test"):
    """``(Z_X, Z_Y)`` of a cached gait run (a row of :func:`~lambdalib.papers.lambda_ts.gait_runs.run_gait`) on
    its fold's ``"test"`` or ``"train"`` windows at diffusion step ``t``: two ``(b, n, d)``."""
    check_choice("split", split, ("train", "test"))
    model_x, model_y = load_pair(run)
    x, y = (fold.x_test, fold.y_test) if split == "test" else (fold.x_train, fold.y_train)
    seed = int(run["seed"])
    return (encoder_latents(model_x, diffusion, x, t, seed=seed),
            encoder_latents(model_y, diffusion, y, t, seed=seed + 1))


def correlation_table(runs: pd.DataFrame, folds: dict, diffusion: GaussianDiffusion, steps) -> pd.DataFrame:
    """:func:`correlation_over_steps` on the held-out windows for every run; ``folds`` maps
    ``(pair, held_out)`` to its :class:`~lambdalib.papers.lambda_ts.gait.GaitFold`. One row per (run, t)."""
    rows = []
    for _, run in runs.iterrows():
        fold = folds[(run["pair"], run["held_out"])]
        model_x, model_y = load_pair(run)
        curve = correlation_over_steps(model_x, model_y, diffusion, fold.x_test, fold.y_test, steps,
                                       seed=int(run["seed"]))
        rows.append(curve.assign(pair=run["pair"], variant=run["variant"], held_out=run["held_out"], seed=run["seed"]))
    return pd.concat(rows, ignore_index=True)


def run_correlations(corr: pd.DataFrame) -> pd.DataFrame:
    """Each run's matched correlation averaged over the steps of a :func:`correlation_table`:
    one row per (pair, variant, held_out, seed)."""
    return corr.groupby(["pair", "variant", "held_out", "seed"])["matched"].mean().reset_index()
