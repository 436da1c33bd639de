"""The sizes of the PA chapter's experiments, registered with :mod:`lambdalib.book.profiles`.

- ``perfect_alignment.synthetic``: the GMM and uniform-latent studies (PA section 3.1, appendix
  6.5) and the sweeps of PA Figure 4 (:class:`SyntheticSizes`)
- ``perfect_alignment.transfer``: cross-modal transfer on seglearn's watch data (PA section 3.2's
  protocol on another data set, :class:`TransferSizes`)

Every run takes milliseconds, so both profiles run on a CPU: ``quick`` keeps the paper's
``n = 2000`` and differs from ``paper`` only in the sweep grids and the length of the contrastive
training. Read them with ``get_sizes("perfect_alignment.synthetic", profile)``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from lambdalib.book.profiles import register

__all__ = ["SyntheticSizes", "TransferSizes"]


def _check_positive_ints(sizes) -> None:
    """ValueError unless every field of ``sizes`` is a positive int or a non-empty tuple of them."""
    for f in fields(sizes):
        v = getattr(sizes, f.name)
        values = v if isinstance(v, tuple) and v else (v,)
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in values):
            raise ValueError(f"{type(sizes).__name__}.{f.name} must be a positive int "
                             f"(or a non-empty tuple of them), got {v!r}")


@dataclass(frozen=True)
class SyntheticSizes:
    """Sizes of the synthetic studies and of the PA Figure 4 sweeps. The paper gives ``n`` of the
    GMM study; the sweep grids, the point they vary around and the contrastive training are ours
    (the paper gives neither Figure 4's grids nor the baseline's optimiser)."""

    n: int = 2000                                  # samples of the GMM and uniform studies (PA: 2000)
    sweep_n: tuple[int, ...] = (4, 8, 16, 32, 128, 1000)  # n grid at d_m = base_d_m, k = base_k
    sweep_d: tuple[int, ...] = (2, 3, 4, 8, 16, 32)       # d_m = d1 = d2 grid at n = base_n, k = base_k
    sweep_k: tuple[int, ...] = (1, 2, 3, 4, 6, 8)         # k grid at n = base_n, d_m = base_d_m
    base_n: int = 1000                             # the sweeps vary one of n, d_m, k at a time ...
    base_d_m: int = 4                              # ... around (base_n, base_d_m, base_k)
    base_k: int = 2
    contrastive_steps: int = 400                   # Adam steps of the contrastive baseline
    contrastive_batch: int = 256                   # pairs per contrastive step

    def __post_init__(self) -> None:
        _check_positive_ints(self)


@dataclass(frozen=True)
class TransferSizes:
    """Sizes of the cross-modal transfer runs. The paper's encoders are a ResNet18 + 3D CNN and a
    1D CNN on raw UTD-MHAD data; ours are linear maps of window statistics, so none of these comes
    from the paper."""

    width: int = 200       # window length, in samples of the watch's stream
    step: int = 100        # hop between windows
    k: int = 8             # CA embedding width (PA keeps it)
    steps: int = 400       # Adam steps of the contrastive encoders
    batch_size: int = 128  # pairs per contrastive step

    def __post_init__(self) -> None:
        _check_positive_ints(self)


register("perfect_alignment.synthetic", {
    "quick": SyntheticSizes(),
    # denser grids and longer contrastive training; still a CPU
    "paper": SyntheticSizes(sweep_n=(2, 4, 6, 8, 10, 16, 32, 64, 128, 1000, 5000),
                            sweep_d=(2, 3, 4, 6, 8, 16, 32, 64), sweep_k=(1, 2, 3, 4, 5, 6, 7, 8),
                            contrastive_steps=3000, contrastive_batch=512),
})
register("perfect_alignment.transfer", {
    "quick": TransferSizes(),
    "paper": TransferSizes(steps=2000, batch_size=256),  # longer contrastive training
})
