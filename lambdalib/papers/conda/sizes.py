"""ConDA's experiment sizes, registered with :mod:`lambdalib.book.profiles`.

- ``conda.flow``           the simulated Reynolds sweep (:class:`FlowSizes`)
- ``conda.basic_motions``  BasicMotions windows (:class:`MotionSizes`)

Read them with ``get_sizes(FLOW, profile)`` / ``get_sizes(MOTIONS, profile)``;
:func:`sizes_fingerprint` names them in the run cache. The ``quick``
profile runs on a laptop CPU in minutes; ``paper`` is meant for a GPU (the paper's T = 1000,
100 DDIM steps, a trained autoencoder stage, CEBRA trained 20 times longer).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from lambdalib.book.profiles import get_sizes, register
from lambdalib.data.flow import FlowConfig

__all__ = ["FLOW", "MOTIONS", "FlowSizes", "MotionSizes", "sizes_fingerprint"]

FLOW = "conda.flow"
MOTIONS = "conda.basic_motions"


@dataclass(frozen=True)
class FlowSizes:
    """Every size of the flow experiment at one profile."""

    flow: FlowConfig = field(default_factory=FlowConfig)  # LBM grid, steps, frames
    steady: tuple = (20, 25, 30, 35, 40)     # Reynolds numbers below Re_c (paper: 20-40)
    unsteady: tuple = (60, 80, 100, 110, 120)  # Reynolds numbers that shed (paper: 100-120)
    st_reynolds: float = 100                 # Schäfer-Turek 2D-2, where St is published
    n_components: int = 64                   # autoencoder latents c
    autoencoder: str = "pca"                 # autoencoder stage: "pca" (whitened) or "conv" (trained)
    ae_steps: int = 0                        # optimiser steps of the conv autoencoder (unused by PCA)
    width: int = 128                         # denoiser width
    depth: int = 3                           # denoiser residual blocks
    timesteps: int = 100                     # diffusion T
    ddim_steps: int = 20                     # DDIM steps for inversion and sampling
    diffusion_steps: int = 1500              # optimiser steps of the denoiser
    cebra_iterations: int = 250              # CEBRA iterations, main embedding
    fold_iterations: int = 120               # CEBRA iterations inside each SVM fold
    cebra_batch: int = 128                   # CEBRA batch size
    n_neighbors: int = 5                     # kNN lift
    lstm_steps: int = 2000                   # LSTM baseline optimiser steps (loss still falling here)
    vae_steps: int = 600                     # beta-VAE optimiser steps
    block: tuple = (0.45, 0.6)               # held-out contiguous block (fractions of a sequence)
    sparse_every: int = 6                    # held-out sparse frames: every k-th outside the block
    kde_points: int = 7                      # decoded frames on the line between the KDE peaks


@dataclass(frozen=True)
class MotionSizes:
    """Every size of the BasicMotions experiment at one profile. The autoencoder stage is
    whitened PCA at every profile (windows of 6 channels are too narrow for strided convolutions)."""

    window: int = 20                         # samples per window (2 s at 10 Hz)
    stride: int = 4                          # samples between window starts
    n_components: int = 16                   # whitened PCA latents c
    width: int = 128                         # denoiser width
    depth: int = 3                           # denoiser residual blocks
    timesteps: int = 100                     # diffusion T
    ddim_steps: int = 20                     # DDIM steps for inversion and sampling
    diffusion_steps: int = 1500              # optimiser steps of the denoiser
    cebra_iterations: int = 250              # CEBRA iterations
    cebra_batch: int = 128                   # CEBRA batch size
    n_neighbors: int = 5                     # kNN lift
    traversal_points: int = 6                # decoded windows between two activities' means


register(FLOW, {
    "quick": FlowSizes(),
    # Longer simulation (more shedding periods, finer frame spacing), a convolutional autoencoder
    # stage, the paper's T = 1000 and 100 DDIM steps, and CEBRA trained 20 times longer; for a GPU.
    "paper": FlowSizes(flow=FlowConfig(steps=16000, record_from=6000, frame_every=25), autoencoder="conv",
                       ae_steps=5000, timesteps=1000, ddim_steps=100, diffusion_steps=20000,
                       cebra_iterations=5000, fold_iterations=5000, cebra_batch=512, lstm_steps=5000,
                       vae_steps=10000, width=256),
})
register(MOTIONS, {
    "quick": MotionSizes(),
    "paper": MotionSizes(width=256, timesteps=1000, ddim_steps=100, diffusion_steps=20000, cebra_iterations=5000,
                         cebra_batch=512),
})


def sizes_fingerprint(experiment: str, profile: str) -> str:
    """The run cache's version of a run: every size of ``experiment`` at ``profile``, as JSON."""
    return json.dumps(asdict(get_sizes(experiment, profile)), sort_keys=True, default=str)
