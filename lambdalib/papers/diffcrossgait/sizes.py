"""DiffCrossGait's experiment sizes, registered with :mod:`lambdalib.book.profiles`.

- ``diffcrossgait.main``: the DiffCrossGait chapter: Base, the full schedule and the phase
  ablation (DiffCrossGait Tab. 6), the trajectory diagnostic (DiffCrossGait section 4.5)
- ``diffcrossgait.ablations``: the ablation chapter: shared against independent noise and
  denoisers (DiffCrossGait Tab. 5 / 7) over seeds, and the sensitivity runs (DiffCrossGait Tab. 8)

Each entry holds the data, model and training sizes and which runs the chapter trains (names
of :data:`~lambdalib.papers.diffcrossgait.branch.VARIANTS` and
:data:`~lambdalib.papers.diffcrossgait.branch.SENSITIVITY`). ``quick`` fits two CPU cores in
minutes; ``paper`` is meant for one GPU (more and bigger walkers, the paper's batch).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lambdalib.book.profiles import register
from lambdalib.data.gait.render import RenderConfig
from lambdalib.papers.diffcrossgait.branch import SENSITIVITY, VARIANTS

__all__ = ["Sizes", "DIAGNOSED"]


@dataclass(frozen=True)
class Sizes:
    """Data, model and training sizes of one experiment at one profile, and its runs."""

    render: RenderConfig                  # the rendered data set
    n_train: int                          # training identities (the rest are test identities)
    channels: tuple[int, ...]             # backbone widths
    d: int                                # embedding width per part
    steps: int                            # optimiser steps
    P: int                                # identities per batch
    K: int                                # sequences per identity
    frames: int                           # frames per training sequence
    lr: float                             # Adam learning rate
    weight_decay: float                   # Adam weight decay
    milestones: tuple[float, ...] = (0.6, 0.85)  # lr x 0.1 at these fractions of the steps
    diag_every: int = 5                   # trajectory diagnostic every k-th timestep
    # --- the runs ---
    every_seed: tuple[str, ...] = ()      # variants trained on every seed
    first_seed: tuple[str, ...] = ()      # variants trained on the first seed only
    sensitivity: tuple[str, ...] = ()     # SENSITIVITY settings, first seed only
    diagnosed: tuple[str, ...] = ()       # variants that also get the trajectory diagnostic

    def __post_init__(self):
        if not 0 < self.n_train < self.render.n_identities:
            raise ValueError(f"n_train must be in [1, {self.render.n_identities - 1}], got {self.n_train!r}")
        for field, allowed in (("every_seed", VARIANTS), ("first_seed", VARIANTS), ("diagnosed", VARIANTS),
                               ("sensitivity", SENSITIVITY)):
            if unknown := sorted(set(getattr(self, field)) - set(allowed)):
                raise ValueError(f"{field} names unknown runs {unknown}; allowed: {sorted(allowed)}")


DIAGNOSED = ("p1", "full", "independent_denoiser")  # the variants of the trajectory diagnostic

# 2 CPU cores, minutes: 150 walkers (100 train / 50 test), 32 x 24 frames, tiny CNN; Base, Full and
# phase 1 on every seed, independent denoisers on the first (for the diagnostic).
QUICK = Sizes(render=RenderConfig(n_identities=150), n_train=100, channels=(8, 16, 32), d=64,
              steps=600, P=8, K=2, frames=6, lr=1e-3, weight_decay=5e-4,
              every_seed=("base", "full", "p1"), first_seed=("independent_denoiser",), diagnosed=DIAGNOSED)
# One GPU: more walkers at 64 x 44 and longer sequences, the paper's batch (8 x 8 x 10 frames);
# every variant on every seed, the sensitivity settings on the first.
PAPER = Sizes(render=RenderConfig(n_identities=400, n_frames=30, height=64, width=44), n_train=200,
              channels=(32, 64, 128), d=128, steps=10000, P=8, K=8, frames=10, lr=1e-3, weight_decay=5e-4,
              milestones=(0.375, 0.75), every_seed=tuple(VARIANTS), sensitivity=tuple(SENSITIVITY),
              diagnosed=DIAGNOSED)
register("diffcrossgait.main", {"quick": QUICK, "paper": PAPER})

# The ablation chapter: Full and its two ablations on every seed, the seven sensitivity settings on
# the first. At quick, the main chapter's data and model with 60% of the steps, so that its 16 runs
# of ~50 CPU-seconds fit 8 minutes on 2 cores; at paper, the main chapter's paper sizes.
ABLATION_RUNS = dict(every_seed=("full", "independent_noise", "independent_denoiser"), first_seed=(),
                     sensitivity=tuple(SENSITIVITY), diagnosed=())
register("diffcrossgait.ablations", {"quick": replace(QUICK, steps=360, **ABLATION_RUNS),
                                     "paper": replace(PAPER, **ABLATION_RUNS)})
