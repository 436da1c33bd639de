"""Seeding and device choice: the one place that makes runs repeatable."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["set_seed", "resolve_device", "DEVICES"]

DEVICES = ("auto", "cpu", "cuda")


def set_seed(seed: int, *, threads: int = 1) -> torch.Generator:
    """Seed python, numpy and torch, make torch deterministic, and fix torch's thread count.

    The thread count is fixed (default 1) so that numbers do not depend on how many cores the
    machine has: reductions split over a different number of threads round differently, and two
    multi-threaded processes on two cores slow each other down 10-70x.

    Returns a ``torch.Generator`` seeded with ``seed`` for code that wants its own stream.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads!r}")
    # Needed by cuBLAS for deterministic matmuls; harmless on CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    torch.manual_seed(int(seed))
    # On CUDA a few kernels (some attention backward passes) have no deterministic version:
    # there torch warns instead of stopping the run. The CPU path is fully deterministic.
    torch.use_deterministic_algorithms(True, warn_only=torch.cuda.is_available())
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return torch.Generator().manual_seed(int(seed))


def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"`` -> CUDA when present, else CPU; ``"cpu"`` / ``"cuda"`` as asked."""
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but torch sees no CUDA device; use 'auto' or 'cpu'")
    return torch.device(device)
