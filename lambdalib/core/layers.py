"""Layers any paper's model may use."""

from __future__ import annotations

import math

import torch

__all__ = ["sinusoidal_embedding"]


def sinusoidal_embedding(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer sinusoidal embedding (Vaswani et al. 2017): ``(m,) -> (m, dim)``."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=positions.device) / half)
    angles = positions.float()[:, None] * freqs[None]                     # (m, half)
    return torch.cat([angles.sin(), angles.cos()], dim=-1)               # (m, dim)
