"""The simulated Reynolds sweep that stands in for ConDA's flow data set (ConDA appendix A.1).

- :func:`simulate`       the sweep (steady and shedding Reynolds numbers) and St replicates
- :func:`holdout`        the held-out frames of every sequence: a block and sparse single frames
- :func:`flow_conditions` the condition of every frame, (time, Re)
- :func:`physics_table`  the physics checks: wake decay below the onset, St above it
- :func:`wake_asymmetry` the mirror asymmetry of a vorticity frame (0 for a steady wake)

Frames come from :func:`lambdalib.data.flow.simulate_flow`, ``(r, f, h, w)``: one sequence of
``f`` vorticity frames per Reynolds number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.data.flow import FlowData, simulate_flow
from lambdalib.papers.conda.sizes import FlowSizes

__all__ = ["simulate", "holdout", "flow_conditions", "physics_table", "wake_asymmetry"]


def simulate(sizes: FlowSizes, seeds: list[int], *, device="cpu", progress: bool = True):
    """The Reynolds sweep (initial perturbation seeded by ``seeds[0]``) and, in the same batch,
    the St Reynolds number again for every further seed. Returns (sweep FlowData, St per seed).
    The sweep's frames do not depend on the batch (the wake probe does, in its last bits)."""
    re = list(sizes.steady) + list(sizes.unsteady)
    extra = [sizes.st_reynolds] * (len(seeds) - 1)
    data = simulate_flow(re + extra, sizes.flow, seeds=[seeds[0]] * len(re) + list(seeds[1:]), device=device,
                         progress=progress)
    st = np.concatenate([data.strouhal[[re.index(sizes.st_reynolds)]], data.strouhal[len(re):]])
    n = len(re)
    sweep = FlowData(reynolds=data.reynolds[:n], frames=data.frames[:n], time=data.time, probe=data.probe[:n],
                     amplitude=data.amplitude[:n], strouhal=data.strouhal[:n], config=data.config)
    return sweep, st


def holdout(n_frames: int, sizes: FlowSizes) -> dict[str, np.ndarray]:
    """Held-out frame indices of every sequence: a contiguous ``block`` and ``sparse`` single
    frames (every ``sparse_every``-th, at least 4 frames from the ends and the block)."""
    b0, b1 = (int(round(f * n_frames)) for f in sizes.block)
    k = sizes.sparse_every
    sparse = np.array([i for i in range(k, n_frames - 4, k) if i < b0 - 4 or i >= b1 + 4])
    return {"block": np.arange(b0, b1), "sparse": sparse}


def flow_conditions(data: FlowData) -> np.ndarray:
    """Condition of every frame, ``(r, f, 2)``: (time in U D^-1 units, Re)."""
    r, f = data.frames.shape[:2]
    return np.stack([np.broadcast_to(data.time, (r, f)), np.broadcast_to(data.reynolds[:, None], (r, f))], -1)


def physics_table(data: FlowData, sizes: FlowSizes) -> pd.DataFrame:
    """Per Reynolds number: peak-to-peak wake velocity (units of U_mean) in the first and last
    sixth of the recording, their log ratio (< 0: the oscillation decays), and St."""
    k = data.probe.shape[1] // 6
    early, late = np.ptp(data.probe[:, :k], 1), np.ptp(data.probe[:, -k:], 1)
    return pd.DataFrame({"Re": data.reynolds, "regime": np.where(np.isin(data.reynolds, sizes.unsteady),
                                                                  "unsteady", "steady"),
                         "early_ptp": early, "late_ptp": late, "log_decay": np.log(late / early),
                         "St": data.strouhal})


def wake_asymmetry(frames: np.ndarray) -> np.ndarray:
    """||omega + omega flipped about the channel axis|| / ||omega|| per frame, ``(N, h, w) -> (N,)``:
    0 for the mirror-antisymmetric steady wake, of order 1 when vortices shed."""
    f = np.asarray(frames, float)
    return np.linalg.norm((f + f[:, ::-1]).reshape(len(f), -1), axis=1) / np.linalg.norm(f.reshape(len(f), -1), axis=1)
