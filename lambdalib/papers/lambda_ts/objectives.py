"""The comparison alignment objectives of LaMbDA-long Table 3 (appendix A.6.5), on the encoders' latents.

Each replaces LaMbDA's terms in the same trainer: it takes the two denoisers' encoder outputs
``Z_X, Z_Y`` of shape ``(b, n, d)`` at one diffusion step and returns a scalar loss.

- :func:`nt_xent`        SimCLR's NT-Xent with cross-modal positives, LaMbDA-long eq. 11-12
- :func:`barlow_twins`   Barlow Twins, LaMbDA-long eq. 13-14
- :func:`vicreg`         VICReg, LaMbDA-long eq. 15 (terms as in Bardes et al. 2021)
- :func:`mse_alignment`  plain mean squared error between the latents
- :data:`OBJECTIVES`, :func:`get_objective`  name -> ``fn(z_x, z_y, *, S) -> scalar``
- :func:`alignment_loss`  any alignment term by name (LaMbDA's two or a baseline), as the trainer
  and the shortcut test compute it

**What the losses compare.** These objectives act on a batch of vectors ("items"), not on
sequences. :func:`window_embeddings` cuts each sequence into the same P = n // S windows of S
time steps that LaMbDA's windowed InfoNCE uses (LaMbDA-long eq. 3,
:func:`lambdalib.papers.lambda_ts.losses.split_windows`; a remainder shorter than S is dropped),
so both methods see the same pairs: window p of sample i in X is the positive of window p of
sample i in Y, and all b * P windows of the batch are the items. ``S = n`` gives one item per
sample, the per-sample pairing LaMbDA-long A.6.5 describes.
Each window becomes one vector by

- ``pool="mean"`` (default for SimCLR, Barlow Twins, VICReg): its mean latent, ``d`` features.
  Barlow Twins and VICReg decorrelate *features* across items, so they need few features
  compared with the b * P items: flattened windows (S * d features, 3840 at the paper's S = 30,
  d = 128) against 640 items would leave the d x d matrices rank-deficient. The time mean is also
  what :func:`lambdalib.core.probes.pool_latents` hands the probes.
- ``pool="flatten"`` (default for MSE): its S * d values. For MSE this is the plain per-step
  latent MSE; for NT-Xent it compares windows exactly as LaMbDA-long eq. 4 does.
"""

from __future__ import annotations

import inspect
from functools import partial
from typing import Callable

import torch
import torch.nn.functional as F

from lambdalib.core.checks import check_choice
from lambdalib.papers.lambda_ts.losses import covariance_alignment_loss, split_windows, windowed_infonce

__all__ = ["POOLS", "window_embeddings", "nt_xent", "barlow_twins", "vicreg", "mse_alignment",
           "OBJECTIVES", "get_objective", "ALIGNMENT_OBJECTIVES", "alignment_loss"]

POOLS = ("mean", "flatten")


def window_embeddings(z: torch.Tensor, S: int, pool: str = "mean") -> torch.Tensor:
    """``(b, n, d) -> (b * P, d)`` window means, or ``(b * P, S * d)`` flattened windows (P = n // S).

    Rows are ordered sample-major (sample i's P windows, then sample i + 1's), so row r of
    ``window_embeddings(z_x, ...)`` and of ``window_embeddings(z_y, ...)`` is a matched pair.
    """
    check_choice("pool", pool, POOLS)
    w = split_windows(z, S)                                                 # (b, P, S, d)
    w = w.mean(dim=2) if pool == "mean" else w.flatten(2)                   # (b, P, d) | (b, P, S * d)
    return w.flatten(0, 1)                                                  # (b * P, f)


def _items(z_x: torch.Tensor, z_y: torch.Tensor, S: int, pool: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Matched item batches ``(m, f), (m, f)`` with m = b * P >= 2 (all four losses need negatives or statistics)."""
    if z_x.shape != z_y.shape or z_x.dim() != 3:
        raise ValueError(f"z_x and z_y must be (b, n, d) tensors of one shape, got {tuple(z_x.shape)} and {tuple(z_y.shape)}")
    u_x, u_y = window_embeddings(z_x, S, pool), window_embeddings(z_y, S, pool)
    if u_x.shape[0] < 2:
        raise ValueError(f"these objectives need at least 2 items (b * (n // S)), got {u_x.shape[0]}")
    return u_x, u_y


def _off_diagonal(c: torch.Tensor) -> torch.Tensor:
    """The f * (f - 1) off-diagonal entries of a square ``(f, f)`` matrix, flattened."""
    return c[~torch.eye(c.shape[0], dtype=torch.bool, device=c.device)]


def nt_xent(z_x: torch.Tensor, z_y: torch.Tensor, *, S: int, tau: float = 0.1, pool: str = "mean") -> torch.Tensor:
    """SimCLR's NT-Xent with cross-modal positives, LaMbDA-long eq. 11-12 (Chen et al. 2020).

    The 2m items {u_x^(r)} and {u_y^(r)} form one batch; the positive of u_x^(r) is u_y^(r) and
    vice versa, and the other 2m - 2 items of *both* modalities are negatives (the 1[k != i]
    sum of LaMbDA-long eq. 11 runs over all 2N views). Its eq. 12 averages l(i, j) over all 2m anchors.
    ``sim`` is cosine similarity; ``tau`` defaults to the profiles' InfoNCE temperature 0.1.
    :func:`lambdalib.core.losses.info_nce` is not reused: its denominators hold cross-modal
    candidates only, LaMbDA-long eq. 11's also hold the same-modality ones.
    ``(b, n, d), (b, n, d) -> scalar``.
    """
    if tau <= 0:
        raise ValueError(f"tau must be > 0, got {tau!r}")
    u_x, u_y = _items(z_x, z_y, S, pool)
    m = u_x.shape[0]
    u = F.normalize(torch.cat([u_x, u_y]), dim=-1)                          # (2m, f)
    logits = u @ u.T / tau                                                  # (2m, 2m)
    self_mask = torch.eye(2 * m, dtype=torch.bool, device=u.device)
    logits = logits.masked_fill(self_mask, float("-inf"))                   # k != i in LaMbDA-long eq. 11
    positive = torch.cat([torch.arange(m, 2 * m), torch.arange(m)]).to(u.device)
    return F.cross_entropy(logits, positive)                                # mean over 2m anchors, LaMbDA-long eq. 12


def barlow_twins(z_x: torch.Tensor, z_y: torch.Tensor, *, S: int, lambd: float | None = None,
                 pool: str = "mean", eps: float = 1e-5) -> torch.Tensor:
    """Barlow Twins, LaMbDA-long eq. 13-14 (Zbontar et al. 2021).

    Each feature is standardised along the batch of m items (mean 0, biased variance 1 plus
    ``eps``, i.e. BatchNorm without affine parameters, as in Zbontar et al.), then
    C_ij = 1/m sum_r u_x^(r)_i u_y^(r)_j (LaMbDA-long eq. 13) and
    L = sum_i (1 - C_ii)^2 + lambda sum_{i != j} C_ij^2 (LaMbDA-long eq. 14).

    ``lambd=None`` uses lambda = 1 / f for f features (f = d with ``pool="mean"``), the width
    scaling of Tsai et al. 2021 ("A Note on Connecting Barlow Twins with Negative-Sample-Free
    Contrastive Learning", arXiv:2104.13712): it keeps the f(f - 1) off-diagonal terms on the
    scale of the f diagonal ones. (Zbontar et al.'s 5e-3 was tuned at f = 8192.)
    ``(b, n, d), (b, n, d) -> scalar``.
    """
    u_x, u_y = _items(z_x, z_y, S, pool)
    m, f = u_x.shape
    lambd = 1.0 / f if lambd is None else lambd
    if lambd < 0:
        raise ValueError(f"lambd must be >= 0, got {lambd!r}")

    def standardise(u):
        return (u - u.mean(dim=0)) / torch.sqrt(u.var(dim=0, unbiased=False) + eps)

    c = standardise(u_x).T @ standardise(u_y) / m                           # (f, f), LaMbDA-long eq. 13
    on_diag = (1 - torch.diagonal(c)).pow(2).sum()
    return on_diag + lambd * _off_diagonal(c).pow(2).sum()                  # LaMbDA-long eq. 14


def vicreg(z_x: torch.Tensor, z_y: torch.Tensor, *, S: int, inv_weight: float = 25.0, var_weight: float = 25.0,
           cov_weight: float = 1.0, gamma: float = 1.0, eps: float = 1e-4, pool: str = "mean") -> torch.Tensor:
    """VICReg, LaMbDA-long eq. 15 with the terms and 25 / 25 / 1 weights of Bardes et al. 2021.

    On the m items of f features (Var and Cov with denominator m - 1):

    - invariance  s = 1/(m f) sum_r ||u_x^(r) - u_y^(r)||^2  (a mean squared error)
    - variance    v(U) = 1/f sum_j max(0, gamma - sqrt(Var(U_j) + eps)), averaged over U_x, U_y
    - covariance  c(U) = 1/f sum_{i != j} Cov(U)_ij^2, summed over U_x and U_y

    L = inv_weight * s + var_weight * (v(U_x) + v(U_y)) / 2 + cov_weight * (c(U_x) + c(U_y)).
    This is the normalisation of Bardes et al.'s released code (facebookresearch/vicreg), the one
    the 25 / 25 / 1 weights were tuned for; LaMbDA-long A.6.5 writes the terms as plain sums over
    features (and a squared hinge), which would change their balance. ``(b, n, d), (b, n, d) -> scalar``.
    """
    u_x, u_y = _items(z_x, z_y, S, pool)
    f = u_x.shape[1]

    def variance(u):
        return F.relu(gamma - torch.sqrt(u.var(dim=0) + eps)).mean()

    def covariance(u):
        u = u - u.mean(dim=0)
        cov = u.T @ u / (u.shape[0] - 1)                                    # (f, f)
        return _off_diagonal(cov).pow(2).sum() / f

    inv = F.mse_loss(u_x, u_y)
    var = 0.5 * (variance(u_x) + variance(u_y))
    cov = covariance(u_x) + covariance(u_y)
    return inv_weight * inv + var_weight * var + cov_weight * cov


def mse_alignment(z_x: torch.Tensor, z_y: torch.Tensor, *, S: int, pool: str = "flatten") -> torch.Tensor:
    """Plain MSE between the latents (LaMbDA-long section 4.2's simple baseline): mean (u_x - u_y)^2.

    With the default ``pool="flatten"`` this is the mean over the first P * S time steps and all
    d channels of (Z_X - Z_Y)^2. It has no term against collapse: Z_X = Z_Y = constant gives 0.
    ``(b, n, d), (b, n, d) -> scalar``.
    """
    u_x, u_y = _items(z_x, z_y, S, pool)
    return F.mse_loss(u_x, u_y)


OBJECTIVES: dict[str, Callable[..., torch.Tensor]] = {
    "simclr": nt_xent,
    "barlow": barlow_twins,
    "vicreg": vicreg,
    "mse": mse_alignment,
}


def get_objective(name: str, **options) -> Callable[..., torch.Tensor]:
    """The objective called ``name`` (a key of :data:`OBJECTIVES`) as ``fn(z_x, z_y, *, S) -> scalar``.

    ``options`` fix its other keywords, e.g. ``get_objective("simclr", tau=0.2)``.
    """
    fn = OBJECTIVES[check_choice("objective", name, tuple(OBJECTIVES))]
    allowed = tuple(p for p in inspect.signature(fn).parameters if p not in ("z_x", "z_y", "S"))
    for key in options:
        check_choice(f"option of {name!r}", key, allowed)
    return partial(fn, **options) if options else fn


# LaMbDA's two terms (LaMbDA-long eq. 4, LaMbDA-short eq. 5), then Table 3's baselines (LaMbDA-long A.6.5)
ALIGNMENT_OBJECTIVES = ("L_con", "L_cov") + tuple(OBJECTIVES)


def alignment_loss(objective: str, z_x: torch.Tensor, z_y: torch.Tensor, *, S: int, tau: float) -> torch.Tensor:
    """One alignment term as the trainer computes it: LaMbDA's windowed InfoNCE ``"L_con"``
    (LaMbDA-long eq. 4) or covariance term ``"L_cov"`` (LaMbDA-short eq. 5), or a Table 3 objective."""
    check_choice("objective", objective, ALIGNMENT_OBJECTIVES)
    if objective == "L_con":
        return windowed_infonce(z_x, z_y, S, tau)
    if objective == "L_cov":
        return covariance_alignment_loss(z_x, z_y, S)
    return get_objective(objective, **({"tau": tau} if objective == "simclr" else {}))(z_x, z_y, S=S)
