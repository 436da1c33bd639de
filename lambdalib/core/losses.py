"""Contrastive losses any paper may use."""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["info_nce"]


def info_nce(a: torch.Tensor, b: torch.Tensor, tau: float, *, symmetric: bool = False) -> torch.Tensor:
    """InfoNCE with cosine similarity (Oord et al. 2018): row i of ``a (m, f)`` matches row i of ``b``.

    loss = -1/m sum_i log( exp(s(a_i, b_i)/tau) / sum_j exp(s(a_i, b_j)/tau) ),
    s = cosine similarity; every other row of ``b`` is a negative. ``symmetric=True`` averages
    the a->b and b->a directions (the CLIP form).
    """
    if a.shape != b.shape or a.dim() != 2:
        raise ValueError(f"info_nce needs two (m, f) tensors of one shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    if tau <= 0:
        raise ValueError(f"tau must be > 0, got {tau!r}")
    logits = F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).T / tau        # (m, m)
    target = torch.arange(a.shape[0], device=a.device)
    loss = F.cross_entropy(logits, target)
    return 0.5 * (loss + F.cross_entropy(logits.T, target)) if symmetric else loss
