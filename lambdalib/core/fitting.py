"""One minibatch training loop for every small model the book fits.

ConDA's latent denoiser, autoencoders and LSTM baseline, DiffCrossGait's recognition model and
generative branch, PA's contrastive aligner, and the GRU of the predictive score
(:func:`lambdalib.core.metrics.predictive_score`), all train the same way: draw a batch,
compute a loss, take one optimiser step. :func:`minibatch_fit` is that loop; the batch and the
loss stay with the model (``batch_loss`` draws its own batch, so the random draws happen in the
model's order). LaMbDA's pair trainer (:mod:`lambdalib.papers.lambda_ts.trainer`) is the one
other loop: it trains two models, an alignment weight and an EMA per step.
"""

from __future__ import annotations

from typing import Callable

import torch

from lambdalib.core.progress import progress_bar

__all__ = ["minibatch_fit"]


def minibatch_fit(opt: torch.optim.Optimizer, batch_loss: Callable[[], torch.Tensor], steps: int, *, name: str,
                  scheduler=None, progress: bool = False) -> list[float]:
    """Minimise ``batch_loss()`` (a fresh minibatch per call) for ``steps`` steps of ``opt``.

    ``scheduler`` (optional) is stepped after every optimiser step. A non-finite loss stops
    training with a ``FloatingPointError`` naming ``name`` and the step. Returns the loss of
    every step.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps!r}")
    losses = []
    for step in progress_bar(range(steps), desc=name, disable=not progress, mininterval=2.0):
        loss = batch_loss()
        if not torch.isfinite(loss):
            raise FloatingPointError(f"{name} loss is not finite at step {step}")
        opt.zero_grad()
        loss.backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    return losses
