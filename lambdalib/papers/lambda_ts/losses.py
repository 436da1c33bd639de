"""LaMbDA's alignment losses (the paper's contribution), in one place.

Latents are the denoiser encoders' outputs ``Z_X, Z_Y`` of shape ``(b, n, d)`` at the same
diffusion step t. They are cut into P = n // S temporally matched windows of length S
(LaMbDA-long eq. 3); a trailing remainder shorter than S is dropped.

- :func:`windowed_infonce`  first-order term, LaMbDA-long eq. 4 = LaMbDA-short eq. 4
- :func:`covariance_alignment_loss`  second-order term, LaMbDA-short eq. 5 (LaMbDA-long eq. 5: a mean)
- :func:`energy_loss`  energy-conservation term on the reconstructions, LaMbDA-long eq. 7
- :class:`AlignmentWeight`  the weight alpha of LaMbDA-long eq. 8: learned (uncertainty weighting) or fixed
"""

from __future__ import annotations

import torch
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.losses import info_nce

__all__ = ["split_windows", "windowed_infonce", "covariance_alignment_loss",
           "window_variance", "energy", "energy_loss", "AlignmentWeight"]


def split_windows(z: torch.Tensor, S: int) -> torch.Tensor:
    """``(b, n, d) -> (b, P, S, d)`` with P = n // S consecutive windows (LaMbDA-long eq. 3)."""
    b, n, d = z.shape
    if not 1 <= S <= n:
        raise ValueError(f"window length S must be in [1, n={n}], got {S!r}")
    P = n // S
    return z[:, : P * S].reshape(b, P, S, d)


def windowed_infonce(z_x: torch.Tensor, z_y: torch.Tensor, S: int, tau: float) -> torch.Tensor:
    """First-order (sequence-contrastive) alignment, LaMbDA-long eq. 4 (LaMbDA-short eq. 4).

    Each flattened window Z_X^(p) (S * d values) is pulled to its time-matched Z_Y^(p) and
    pushed from the other P - 1 windows of the same sequence *and* the windows of the other
    b - 1 sequences of the batch (the extra N_B term of LaMbDA-short eq. 4): all b * P
    windows enter one InfoNCE. ``(b, n, d), (b, n, d) -> scalar``.
    """
    wx = split_windows(z_x, S).flatten(2).flatten(0, 1)                     # (b * P, S * d)
    wy = split_windows(z_y, S).flatten(2).flatten(0, 1)                     # (b * P, S * d)
    return info_nce(wx, wy, tau)


def covariance_alignment_loss(z_x: torch.Tensor, z_y: torch.Tensor, S: int, *,
                              reduction: str = "frobenius") -> torch.Tensor:
    """Second-order alignment, LaMbDA-short eq. 5: mean_p ||cov(Z_X^(p)) - cov(Z_Y^(p))||_F^2.

    cov(.) is the ``d x d`` sample covariance of a window's S latent vectors (denominator S - 1);
    the mean runs over the b * P windows. ``reduction="frobenius"`` is LaMbDA-short eq. 5's squared
    Frobenius norm (a sum over the d^2 entries); ``"mean"`` is LaMbDA-long eq. 5's "MSE"
    (a mean over the entries, i.e. the same loss divided by d^2). ``(b, n, d), (b, n, d) -> scalar``.
    """
    check_choice("reduction", reduction, ("frobenius", "mean"))
    if S < 2:
        raise ValueError(f"a covariance needs S >= 2 samples per window, got S={S!r}")

    def cov(z):
        w = split_windows(z, S)                                             # (b, P, S, d)
        w = w - w.mean(dim=2, keepdim=True)
        return w.transpose(-1, -2) @ w / (S - 1)                            # (b, P, d, d)

    sq = (cov(z_x) - cov(z_y)).pow(2)                                       # (b, P, d, d)
    return (sq.sum(dim=(-1, -2)) if reduction == "frobenius" else sq.mean(dim=(-1, -2))).mean()


def window_variance(z: torch.Tensor, S: int) -> torch.Tensor:
    """Mean per-dimension variance of the latents inside each window, tr(cov(Z^(p))) / d.

    A diagnostic for the trivial minimiser of LaMbDA-short eq. 5: latents that stop varying
    within a window (value -> 0) have matching covariances whatever the inputs.
    ``(b, n, d) -> scalar``.
    """
    w = split_windows(z, S)                                                 # (b, P, S, d)
    # Written out: torch's var over the strided S axis took ~1.5 ms of a ~35 ms quick CPU training
    # step (two calls), this ~0.2 ms; same value to float32 rounding.
    return (w - w.mean(dim=2, keepdim=True)).pow(2).sum(dim=2).div(S - 1).mean()


def energy(x: torch.Tensor) -> torch.Tensor:
    """E(X) = 1/2 (grad_l X)^2, LaMbDA-long eq. 7, with grad_l a forward difference along the sequence.

    ``(b, n, c) -> (b, n - 1, c)``.
    """
    return 0.5 * torch.diff(x, dim=1).pow(2)


def energy_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Energy-conservation loss, LaMbDA-long eq. 7 / Algorithm 1 step 4: mean (E(x_hat) - E(x))^2.

    Applied to the denoisers' reconstructions of X and Y (not to the latents), as in the paper.
    """
    return (energy(x_hat) - energy(x)).pow(2).mean()


class AlignmentWeight(nn.Module):
    """The weight alpha in front of L_LaMbDA (LaMbDA-long eq. 8; lambda in LaMbDA-short eq. 6).

    Both papers make it "a learnable parameter" and train it with the rest by gradient descent on
    ``alpha * L``; with L >= 0 that gradient is L >= 0, so alpha can only shrink (and, unbounded,
    turns negative: the optimiser then maximises L). Three modes:

    - ``"learned"`` (the book's default): homoscedastic uncertainty weighting (Kendall et al.
      2018), ``0.5 * exp(-s) * L + 0.5 * s`` with a learned log-variance ``s`` clamped to
      ``s_range``. Its minimum over s is at exp(s) = L, so the effective weight
      ``alpha = 0.5 exp(-s)`` settles where the term contributes O(1) to the loss.
    - ``"literal"``: the papers as written, ``alpha * L`` with alpha a free parameter starting at
      ``alpha`` (no bound, no transform).
    - ``"fixed"``: ``alpha * L`` with a constant alpha.
    """

    MODES = ("learned", "literal", "fixed")

    def __init__(self, mode: str = "learned", alpha: float = 1.0, s_range: tuple[float, float] = (-3.0, 5.0)):
        super().__init__()
        self.mode = check_choice("weighting", mode, self.MODES)
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha!r}")
        self.s_range = s_range
        self.log_var = nn.Parameter(torch.zeros(()), requires_grad=mode == "learned")
        self.register_buffer("fixed_alpha", torch.tensor(float(alpha)))
        self.free_alpha = nn.Parameter(torch.tensor(float(alpha)), requires_grad=mode == "literal")

    @property
    def alpha(self) -> float:
        """The effective weight on L_LaMbDA right now."""
        if self.mode == "fixed":
            return float(self.fixed_alpha)
        if self.mode == "literal":
            return float(self.free_alpha.detach())
        return float(0.5 * torch.exp(-self.log_var.detach().clamp(*self.s_range)))

    def forward(self, loss: torch.Tensor) -> torch.Tensor:
        if self.mode == "fixed":
            return self.fixed_alpha * loss
        if self.mode == "literal":
            return self.free_alpha * loss
        s = self.log_var.clamp(*self.s_range)
        return 0.5 * torch.exp(-s) * loss + 0.5 * s
