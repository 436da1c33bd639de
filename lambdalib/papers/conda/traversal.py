"""Trajectory operators for ConDA's traversals (ConDA section 3.3 and Table 1 baselines).

Every operator fills in the latents of a sequence at query times from the latents at known
times: ``impute(z_known (k, d), t_known (k,), t_query (q,), method) -> (q, d)``. Times are frame
indices (unit spacing). The same operators run in the raw DDIM space x_T (d = 64) and in the
contrastive embedding (d = 3).

- ``lerp`` / ``slerp``: between the nearest known frames before and after each query
  (Slerp after Shoemake 1985: great-circle direction, linearly interpolated norm).
- ``spline``: a C^2 cubic spline through all known frames (ConDA eq. 6; not-a-knot ends, so it is
  exact on cubics).
- ``tex1`` / ``tex2``: Taylor extrapolation from the last three known frames before the query
  (ConDA eq. 7), z(t0 + h) = z0 + h z' + h^2 z'' / 2 with backward differences (second-order
  accurate z' for TEX-2, so TEX-2 is exact on quadratics and TEX-1 on lines).
- ``lstm``: an LSTM trained to predict the next latent from the previous ``context`` ones, rolled
  forward from the frames before the query (the paper's LSTM baseline).
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.interpolate import CubicSpline
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.fitting import minibatch_fit

__all__ = ["METHODS", "lerp", "slerp", "taylor_step", "impute", "LSTMForecaster"]

METHODS = ("lerp", "slerp", "spline", "tex1", "tex2", "lstm")


def lerp(za: np.ndarray, zb: np.ndarray, s: np.ndarray) -> np.ndarray:
    """(1 - s) za + s zb for ``za, zb (q, d)`` and ``s (q,)``."""
    return (1 - s)[:, None] * za + s[:, None] * zb


def slerp(za: np.ndarray, zb: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Spherical interpolation of direction with linear interpolation of norm, row-wise."""
    na, nb = np.linalg.norm(za, axis=1), np.linalg.norm(zb, axis=1)           # (q,)
    ua, ub = za / na[:, None], zb / nb[:, None]
    theta = np.arccos(np.clip((ua * ub).sum(1), -1.0, 1.0))[:, None]           # (q, 1)
    small = theta < 1e-6                                                       # parallel: plain lerp
    sin = np.where(small, 1.0, np.sin(theta))
    wa = np.where(small, 1 - s[:, None], np.sin((1 - s[:, None]) * theta) / sin)
    wb = np.where(small, s[:, None], np.sin(s[:, None] * theta) / sin)
    return (wa * ua + wb * ub) * ((1 - s) * na + s * nb)[:, None]


def taylor_step(history: np.ndarray, h: np.ndarray, order: int) -> np.ndarray:
    """ConDA eq. 7 from ``history (3, d)`` at t0 - 2, t0 - 1, t0 to ``t0 + h`` for ``h (q,)``."""
    z2, z1, z0 = history
    if order == 1:
        return z0 + h[:, None] * (z0 - z1)
    d1 = (3 * z0 - 4 * z1 + z2) / 2                                            # second-order backward z'
    d2 = z0 - 2 * z1 + z2                                                      # z''
    return z0 + h[:, None] * d1 + 0.5 * (h ** 2)[:, None] * d2


class LSTMForecaster(nn.Module):
    """Next-latent predictor ``(b, context, d) -> (b, d)`` (the paper's LSTM baseline)."""

    def __init__(self, d: int, hidden: int = 64, context: int = 4):
        super().__init__()
        self.context = context
        self.lstm = nn.LSTM(d, hidden, batch_first=True)
        self.head = nn.Linear(hidden, d)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(z)                                                  # (b, context, hidden)
        return z[:, -1] + self.head(out[:, -1])                               # residual next step

    def fit(self, sequences: list[np.ndarray], *, steps: int = 400, lr: float = 3e-3, batch_size: int = 64,
            generator: torch.Generator | None = None) -> "LSTMForecaster":
        """Train on every window of ``context + 1`` consecutive frames of ``sequences`` (each (n, d))."""
        c = self.context
        windows = np.concatenate([np.stack([s[i:i + c + 1] for i in range(len(s) - c)])
                                  for s in sequences if len(s) > c])           # (m, c + 1, d)
        data = torch.as_tensor(windows, dtype=torch.float32)
        self.scale_ = data.reshape(-1, data.shape[-1]).std(0) + 1e-8           # (d,)
        data = data / self.scale_

        def batch_loss():
            idx = torch.randint(len(data), (batch_size,), generator=generator)
            return ((self(data[idx, :c]) - data[idx, c]) ** 2).mean()
        self.history_ = minibatch_fit(torch.optim.Adam(self.parameters(), lr=lr), batch_loss, steps, name="LSTM")
        return self

    @torch.no_grad()
    def rollout(self, context: np.ndarray, n: int) -> np.ndarray:
        """Predict ``n`` frames after ``context (context, d)`` autoregressively: ``(n, d)``."""
        z = torch.as_tensor(context[-self.context:], dtype=torch.float32)[None] / self.scale_
        out = []
        for _ in range(n):
            nxt = self(z)                                                      # (1, d)
            out.append(nxt[0])
            z = torch.cat([z[:, 1:], nxt[:, None]], dim=1)
        return (torch.stack(out) * self.scale_).numpy()


def impute(z_known: np.ndarray, t_known: np.ndarray, t_query: np.ndarray, method: str, *,
           lstm: LSTMForecaster | None = None) -> np.ndarray:
    """Latents at ``t_query`` from ``z_known (k, d)`` at sorted ``t_known`` with one operator.

    Interpolators (lerp, slerp, spline) use known frames on both sides of each query;
    extrapolators (tex1, tex2, lstm) only frames before it: each query is reached by stepping
    forward from the last run of known frames that precedes it.
    """
    check_choice("method", method, METHODS)
    z_known, t_known, t_query = np.asarray(z_known, float), np.asarray(t_known, float), np.asarray(t_query, float)
    if method == "spline":
        return CubicSpline(t_known, z_known, axis=0)(t_query)
    if method in ("lerp", "slerp"):
        j = np.clip(np.searchsorted(t_known, t_query), 1, len(t_known) - 1)     # right neighbour
        ta, tb = t_known[j - 1], t_known[j]
        s = (t_query - ta) / (tb - ta)
        return (lerp if method == "lerp" else slerp)(z_known[j - 1], z_known[j], s)
    out = np.empty((len(t_query), z_known.shape[1]))
    lasts = np.searchsorted(t_known, t_query) - 1                              # last known frame before each
    rollouts = {}                                                              # one LSTM rollout per context
    for i, t in enumerate(t_query):
        before = np.flatnonzero(t_known < t)
        need = 3 if method != "lstm" else lstm.context
        if before.size < need:
            raise ValueError(f"method {method!r} needs {need} known frames before t={t}, got {before.size}")
        last = before[-1]
        h = t - t_known[last]
        if np.any(np.diff(t_known[before[-need:]]) != 1):
            raise ValueError(f"method {method!r} needs {need} consecutive known frames before t={t}")
        if method == "lstm":
            horizon = int(t_query[lasts == last].max() - t_known[last])
            if last not in rollouts:
                rollouts[last] = lstm.rollout(z_known[before[-need:]], horizon)
            out[i] = rollouts[last][int(h) - 1]
        else:
            out[i] = taylor_step(z_known[before[-3:]], np.array([h]), 1 if method == "tex1" else 2)[0]
    return out
