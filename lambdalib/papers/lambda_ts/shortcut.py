"""A shortcut test for alignment objectives: how low can the loss go on latents that carry no data?

Both LaMbDA encoders see two things besides the data: the position of each token (a sinusoidal
position code) and the diffusion step t (the same step embedding is added to both token
streams). An alignment loss that those two alone can drive down is no evidence that the latents
share information about the paired signals. :func:`data_free_floor` searches for the lowest loss
that latents built from (window index, t) alone can reach: each encoder gets a free table of
codes, one ``d``-vector per (window index p, step t), constant inside the window, fitted to the
objective by gradient descent on minibatches whose steps are drawn exactly as the trainer draws
them. :func:`chance_loss` is the loss of independent noise latents for X and Y (nothing shared).

For LaMbDA's windowed InfoNCE (LaMbDA-long eq. 4) with b sequences of P windows and a small
temperature, the floor is about ``log b`` when the whole minibatch shares one t (windows are
told apart by position only, and the b windows at one position look alike) and far lower when
every sample draws its own t (samples then differ by t). Latents are ``(b, n, d)``.
"""

from __future__ import annotations

import math

import pandas as pd
import torch

from lambdalib.core.diffusion import T_SAMPLING, GaussianDiffusion
from lambdalib.core.fitting import minibatch_fit
from lambdalib.papers.lambda_ts.objectives import ALIGNMENT_OBJECTIVES, alignment_loss

__all__ = ["data_free_floor",
           "chance_loss", "shortcut_table"]

def data_free_floor(objective: str, *, b: int, n: int, S: int, T: int, d: int, tau: float, t_sampling: str,
                    steps: int = 300, lr: float = 0.05, n_eval: int = 10, seed: int = 0) -> float:
    """The lowest mean loss of ``objective`` found for latents that are a function of (window
    index, t) only: two code tables ``(T * P, d)`` (one per encoder, both starting from one
    standard-normal draw) fitted for ``steps`` Adam
    steps, each on a fresh minibatch of ``b`` steps drawn by ``t_sampling`` (as the trainer
    draws them, :meth:`~lambdalib.core.diffusion.GaussianDiffusion.sample_timesteps`), then
    scored on ``n_eval`` fresh minibatches."""
    g, diffusion, P = torch.Generator().manual_seed(seed), GaussianDiffusion(T), n // S
    if P < 1:
        raise ValueError(f"need n >= S, got n={n}, S={S}")
    # Both encoders start from one standard-normal table: identical latents in X and Y, features
    # of unit variance, nearly orthogonal codes; the fit can only lower the loss from there.
    codes = torch.nn.Parameter(torch.randn(1, T * P, d, generator=g).repeat(2, 1, 1))  # (encoder, (t, p), d)
    window = torch.clamp(torch.arange(n) // S, max=P - 1)                     # (n,) window of each token

    def batch_loss() -> torch.Tensor:
        ids = diffusion.sample_timesteps(b, rule=t_sampling, generator=g)[:, None] * P + window  # (b, n)
        return alignment_loss(objective, codes[0][ids], codes[1][ids], S=S, tau=tau)

    minibatch_fit(torch.optim.Adam([codes], lr=lr), batch_loss, steps, name=f"data-free {objective}")
    with torch.no_grad():
        return float(sum(float(batch_loss()) for _ in range(n_eval)) / n_eval)


def chance_loss(objective: str, *, b: int, n: int, S: int, d: int, tau: float, n_draws: int = 20,
                seed: int = 0) -> float:
    """Mean of ``objective`` on independent standard-normal latents ``(b, n, d)`` for X and Y."""
    g = torch.Generator().manual_seed(seed)
    losses = [float(alignment_loss(objective, torch.randn(b, n, d, generator=g), torch.randn(b, n, d, generator=g),
                                   S=S, tau=tau)) for _ in range(n_draws)]
    return float(sum(losses) / len(losses))


def shortcut_table(*, b: int, n: int, S: int, T: int, d: int, tau: float, trained: dict | None = None,
                   objectives=ALIGNMENT_OBJECTIVES, seed: int = 0) -> pd.DataFrame:
    """One row per objective x t rule: the data-free floor, the chance loss, ``log b`` and
    ``log(b P)`` for reference, and ``trained[(objective, rule)]`` (the loss trained models
    reached, e.g. the mean of the last 10% of steps; missing entries stay NaN)."""
    trained = trained or {}
    rows = []
    for objective in objectives:
        chance = chance_loss(objective, b=b, n=n, S=S, d=d, tau=tau, seed=seed)
        for rule in T_SAMPLING:
            rows.append({"objective": objective, "t sampling": rule,
                         "data-free floor": data_free_floor(objective, b=b, n=n, S=S, T=T, d=d, tau=tau,
                                                            t_sampling=rule, seed=seed),
                         "chance (noise latents)": chance, "trained": trained.get((objective, rule), math.nan)})
    table = pd.DataFrame(rows)
    table.attrs.update(log_b=math.log(b), log_bP=math.log(b * (n // S)))
    return table
