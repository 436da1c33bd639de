"""Scale-free measures of what the aligned latent still carries, in place of "collapse" read off a raw variance.

An absolute variance of the latent says little after a LayerNorm, whose scale the model may set
freely. Two measures that do not depend on the scale, computed on held-out windows at a few
fixed diffusion steps t:

- :func:`within_window_share`: the share of the latent's variance that lies inside the alignment
  windows of length S (within-window variance / total variance). Near 0: the latent is constant
  within each window (the trivial minimiser of LaMbDA-short eq. 5); near 1: it varies as much
  inside a window as across windows and sequences.
- :func:`probe_r2`: a linear (ridge) probe, fitted on training windows, that predicts the clean
  target x0 at each time step from the latent z at that step; its R^2 on held-out windows says
  how much of the signal the latent still encodes (1: all of it linearly; 0: none).

:func:`encoder_latents` reads the latent off a trained model; :func:`collapse_table` computes both
measures for one encoder at several t. Latents ``z`` are ``(b, n, d)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser

__all__ = ["encoder_latents", "within_window_share", "probe_r2", "collapse_table", "pair_collapse"]


@torch.no_grad()
def encoder_latents(model: ConditionalDenoiser, diffusion: GaussianDiffusion, x0: np.ndarray, t: int, *,
                    seed: int = 0, batch: int = 512) -> np.ndarray:
    """The aligned latent Z_t = h(x_t, t) (LaMbDA-long Algorithm 1, step 5) of clean windows ``x0 (b, L, c)``
    noised to step ``t`` (LaMbDA-short eq. 1) with noise drawn from ``seed``: ``(b, L, d)``."""
    device = next(model.parameters()).device
    x0 = torch.from_numpy(np.ascontiguousarray(x0, dtype=np.float32))
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
    out = []
    for start in range(0, len(x0), batch):
        tt = torch.full((len(x0[start:start + batch]),), t, device=device)
        x_t = diffusion.q_sample(x0[start:start + batch].to(device), tt, eps[start:start + batch].to(device))
        out.append(model.encode(x_t, tt)[0].cpu())                      # (batch, L, d)
    return torch.cat(out).numpy()


def within_window_share(z: np.ndarray, S: int) -> float:
    """Mean within-window variance over total variance of latents ``z (b, n, d)`` cut into
    P = n // S windows of S steps (a remainder is dropped): both summed over the d features."""
    z = np.asarray(z, dtype=np.float64)
    b, n, d = z.shape
    if not 2 <= S <= n:
        raise ValueError(f"window length S must be in [2, n={n}], got {S!r}")
    w = z[:, : (n // S) * S].reshape(b, n // S, S, d)                       # (b, P, S, d)
    within = w.var(axis=2, ddof=1).sum(axis=-1).mean()                      # per window, then mean
    total = w.reshape(-1, d).var(axis=0, ddof=1).sum()
    return float(within / total) if total > 0 else float("nan")


def probe_r2(z_train: np.ndarray, x_train: np.ndarray, z_test: np.ndarray, x_test: np.ndarray, *,
             alpha: float = 1.0) -> float:
    """R^2 on held-out windows of a ridge probe ``z_t -> x0_t`` per time step: latents
    ``(b, n, d)`` to targets ``(b, n, c)``, each step of each window one sample; R^2 is averaged
    over the c channels (``r2_score``'s ``uniform_average``)."""
    d, c = z_train.shape[-1], x_train.shape[-1]
    probe = Ridge(alpha=alpha).fit(z_train.reshape(-1, d), x_train.reshape(-1, c))
    return float(r2_score(x_test.reshape(-1, c), probe.predict(z_test.reshape(-1, d))))


def collapse_table(model, diffusion: GaussianDiffusion, x_train: np.ndarray, x_test: np.ndarray, *, S: int,
                   steps: tuple[int, ...], seed: int = 0) -> pd.DataFrame:
    """One row per diffusion step t of ``steps``: the within-window share of the held-out
    latents and the probe's held-out R^2, for ``model``'s encoder on clean windows ``x (b, n, c)``
    noised to t (the same noise draw for every t, from ``seed``)."""
    rows = []
    for t in steps:
        z_train = encoder_latents(model, diffusion, x_train, t, seed=seed)
        z_test = encoder_latents(model, diffusion, x_test, t, seed=seed + 1)
        rows.append({"t": int(t), "within-window share": within_window_share(z_test, S),
                     "probe R2": probe_r2(z_train, x_train, z_test, x_test)})
    return pd.DataFrame(rows)


def pair_collapse(model_x, model_y, diffusion: GaussianDiffusion, train: tuple, test: tuple, *, S: int,
                  seed: int = 0) -> pd.DataFrame:
    """:func:`collapse_table` of both encoders of a pair (``model`` "X" and "Y") at t = 0, T/4, T/2:
    ``train`` = (x, y) windows the probes are fitted on, ``test`` = (x, y) held-out windows."""
    steps = (0, diffusion.timesteps // 4, diffusion.timesteps // 2)
    return pd.concat([collapse_table(model, diffusion, tr, te, S=S, steps=steps, seed=seed).assign(model=name)
                      for name, model, tr, te in zip("XY", (model_x, model_y), train, test)], ignore_index=True)
