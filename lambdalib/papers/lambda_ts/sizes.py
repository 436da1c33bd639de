"""LaMbDA's experiment sizes (LaMbDA-long appendix A.6), registered with :mod:`lambdalib.book.profiles`.

Read them with ``get_sizes("<experiment>", profile)``; ``profile`` is "quick" (a laptop CPU,
minutes) or "paper" (the paper's sizes, meant for a GPU).

- ``lambda_ts.synthetic``  :class:`Profile`: Lorenz and double pendulum (LaMbDA-long A.2, Table 2)
- ``lambda_ts.gait``       :class:`GaitSizes`: the gait chapters (LaMbDA-long Tables 1, 3-5,
  Figure 3): a :class:`Profile` plus the folds and the simulated strides
- ``lambda_ts.gait_data``  :class:`CohortSizes`: the simulated cohort the gait-data chapter checks
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from lambdalib.book.profiles import register
from lambdalib.core.checks import check_choice

__all__ = ["Profile", "GaitSizes", "CohortSizes", "run_sizes"]


@dataclass(frozen=True)
class Profile:
    """All sizes of one cross-modal diffusion experiment (LaMbDA-long appendix A.6)."""

    name: str
    # --- data (LaMbDA-long A.2 / A.6.3) ---
    subsample: int = 1          # keep every k-th RK4 step (dt = 0.01 * subsample)
    window: int = 300           # L: samples per window (paper: 300)
    stride: int = 10            # step between training windows (paper: 96.67% overlap -> 10)
    test_fraction: float = 0.2  # held-out contiguous tail of the trajectory
    # --- denoiser (LaMbDA-long A.6.2) ---
    d_model: int = 128          # model width d (paper: 128)
    n_heads: int = 8            # attention heads
    n_enc_layers: int = 4       # encoder layers: the encoder output is the aligned latent Z
    n_dec_layers: int = 4       # decoder layers, cross-attending to the condition
    dim_feedforward: int = 512  # MLP width inside each transformer layer
    # --- diffusion ---
    timesteps: int = 1000       # T (the paper does not state it; 1000 is the DDPM default)
    schedule: str = "linear"    # beta schedule: "linear" (DDPM) or "cosine" (Nichol & Dhariwal)
    # --- alignment (LaMbDA-long eq. 3-6) ---
    align_window: int = 30      # S: window length in samples, P = L // S windows
    tau: float = 0.1            # InfoNCE temperature
    # --- training ---
    steps: int = 20000          # optimiser steps
    batch_size: int = 64
    lr: float = 2e-4            # AdamW peak learning rate
    warmup: int = 500           # linear warm-up steps before the cosine decay
    weight_decay: float = 1e-4
    ema_decay: float = 0.999    # EMA of the weights, used for sampling
    # --- evaluation ---
    n_eval: int = 256           # held-out windows sampled for the metrics

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type == "int" and (not isinstance(v, int) or v < 1):
                raise ValueError(f"profile field {f.name} must be a positive int, got {v!r}")
        check_choice("schedule", self.schedule, ("linear", "cosine"))
        if not 0.0 < self.test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in (0, 1), got {self.test_fraction!r}")
        if self.align_window > self.window:
            raise ValueError(f"align_window (S={self.align_window}) must be <= window (L={self.window})")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1), got {self.ema_decay!r}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GaitSizes(Profile):
    """The gait chapters' sizes: a :class:`Profile` (``window`` = L after averaging every
    ``subsample`` samples of the 300-sample windows) plus the leave-one-subject-out folds."""

    n_folds: int = 10           # held-out subjects (folds) of the generation, ablation and geometry chapters
    n_probe_folds: int = 10     # held-out subjects of the probing chapter: the first n_probe_folds of those
    n_strides: int = 50         # simulated strides per (subject, task); the real file has about 50

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.n_probe_folds > self.n_folds:
            raise ValueError(f"n_probe_folds ({self.n_probe_folds}) must be <= n_folds ({self.n_folds})")


@dataclass(frozen=True)
class CohortSizes:
    """The simulated cohort of the gait-data chapter."""

    name: str
    n_strides: int = 50         # simulated strides per (subject, task, leg); the real file has about 50


def run_sizes(sizes: Profile) -> dict:
    """The fields of ``sizes`` that one training run depends on (:class:`Profile`'s): what a run
    cache fingerprints. A :class:`GaitSizes`' fold counts choose runs, they do not change one."""
    return {f.name: getattr(sizes, f.name) for f in fields(Profile)}


def _gait(base: Profile, **changes) -> GaitSizes:
    """``base``'s sizes as :class:`GaitSizes`, with ``changes``."""
    return GaitSizes(**{**base.to_dict(), **changes})


PROFILES = {  # registered as "lambda_ts.synthetic"
    # The paper's sizes (LaMbDA-long A.2, A.6.2-3); meant for a GPU.
    "paper": Profile(name="paper"),
    # A laptop CPU in minutes: about the paper's window span (320 RK4 steps = 3.2 s) decimated 8x
    # to L = 40; a model 4x narrower with 1 + 1 layers instead of 4 + 4 and 2 heads (CPU
    # attention cost grows fast with the head count at this size); T = 100; 6% of the steps.
    "quick": Profile(
        name="quick", subsample=8, window=40, stride=1,
        d_model=32, n_heads=2, n_enc_layers=1, n_dec_layers=1, dim_feedforward=64,
        timesteps=100, align_window=8, steps=1200, batch_size=32, lr=2e-3, warmup=50,
        ema_decay=0.99, n_eval=96,
    ),
}
register("lambda_ts.synthetic", PROFILES)

register("lambda_ts.gait", {
    # The paper: windows of L = 300 samples (two strides, LaMbDA-long 4), S = 30, 10 folds.
    "paper": _gait(PROFILES["paper"], subsample=1, window=300, align_window=30,
                   n_folds=10, n_probe_folds=10, n_strides=50),
    # The quick synthetic sizes, with every 10 samples averaged (L = 30, S = 10), 600 steps, and
    # 3 folds, the fewest that give a t-interval over held-out subjects. Probing holds out the
    # same 3: 5 objectives x 3 pairs x 3 folds, about 11.5 minutes from a cold run cache, less in
    # the book's order (its LaMbDA runs are the generation chapter's).
    "quick": _gait(PROFILES["quick"], subsample=10, window=30, align_window=10, steps=600, n_eval=96,
                   n_folds=3, n_probe_folds=3, n_strides=12),
})

register("lambda_ts.gait_data", {
    "paper": CohortSizes(name="paper", n_strides=50),   # about the real file's count
    "quick": CohortSizes(name="quick", n_strides=20),
})
