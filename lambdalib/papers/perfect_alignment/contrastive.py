"""The contrastive baseline of PA section 3 (CA): two linear encoders trained with symmetric InfoNCE.

The paper cites Nakada et al. (2023) for it and gives no training details; the choices here
(no bias, Adam, minibatches of pairs, temperature 0.1) are ours. Layouts as in
:mod:`lambdalib.papers.perfect_alignment.solver`: ``X_m (d_m, n)``, latents ``(k, n)``.

- :class:`ContrastiveAligner`  the baseline, fitted and applied like :class:`PerfectAligner`
"""

from __future__ import annotations

import torch

from lambdalib.core.fitting import minibatch_fit
from lambdalib.core.losses import info_nce
from lambdalib.papers.perfect_alignment.solver import LinearAligner, check_k, check_pair

__all__ = ["ContrastiveAligner"]


class ContrastiveAligner(LinearAligner):
    """The baseline: linear maps ``A1_ (k, d1)``, ``A2_ (k, d2)`` (no bias) trained with the
    symmetric InfoNCE of :func:`lambdalib.core.losses.info_nce` on minibatches of pairs (the other
    pairs of a batch are the negatives) by :func:`lambdalib.core.fitting.minibatch_fit`;
    ``losses_`` holds the loss of every step.

    InfoNCE uses cosine similarity, so the scale of each latent is free: CMAE and MLRE of the
    raw latents depend on where the optimiser leaves the norms, NCMAE does not.
    """

    def __init__(self, k: int, *, tau: float = 0.1, steps: int = 400, lr: float = 1e-2,
                 batch_size: int = 256, seed: int = 0):
        self.k = k                    # latent dimension
        self.tau = tau                # InfoNCE temperature
        self.steps = steps            # Adam steps
        self.lr = lr                  # Adam learning rate
        self.batch_size = batch_size  # pairs per step (the other pairs of a batch are negatives)
        self.seed = seed              # seeds the initial maps and the batches

    def fit(self, X1, X2) -> ContrastiveAligner:
        X1, X2 = check_pair(X1, X2)
        (d1, n), d2 = X1.shape, X2.shape[0]
        check_k(self.k, d1 + d2)
        if self.batch_size < 2:
            raise ValueError(f"batch_size must be >= 2 (InfoNCE needs negatives), got {self.batch_size!r}")
        g = torch.Generator().manual_seed(int(self.seed))
        x1 = torch.as_tensor(X1.T, dtype=torch.float32)                     # (n, d1)
        x2 = torch.as_tensor(X2.T, dtype=torch.float32)                     # (n, d2)
        A1 = torch.nn.Parameter(torch.randn(self.k, d1, generator=g) / d1 ** 0.5)
        A2 = torch.nn.Parameter(torch.randn(self.k, d2, generator=g) / d2 ** 0.5)

        def batch_loss() -> torch.Tensor:  # a fresh minibatch of pairs per step
            idx = torch.randperm(n, generator=g)[: self.batch_size]
            return info_nce(x1[idx] @ A1.T, x2[idx] @ A2.T, self.tau, symmetric=True)  # (b, k) each

        self.losses_ = minibatch_fit(torch.optim.Adam([A1, A2], lr=self.lr), batch_loss, self.steps,
                                     name="contrastive aligner")
        self.A1_, self.A2_ = A1.detach().double().numpy(), A2.detach().double().numpy()
        return self
