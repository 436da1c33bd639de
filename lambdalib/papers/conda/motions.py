"""ConDA on BasicMotions, real behaviour-labelled data (standing in for the paper's reaching data).

:func:`run_motion_seed` runs, for one seed, on the windows of :mod:`lambdalib.data.basic_motions`:
the latent diffusion model conditioned on the window's position in its trial (not on the
activity, so ``x_T`` keeps it), DDIM inversion, CEBRA with the activity as a discrete label (the
supervised form of ConDA eq. 3) on the training trials only, SVMs trained on the training
trials' windows and scored on the test trials' (raw windows, ``x_T``, embedding), and the
decoded windows along the line between two activities (:func:`activity_traversal`).
:func:`motion_seed` is the sweep task, :func:`run_motions` the sweep over seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.profiles import get_sizes
from lambdalib.book.sweep import sweep
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.basic_motions import MotionWindows, load_basic_motions_windows
from lambdalib.papers.conda.embedding import KNNLift, fit_cebra
from lambdalib.papers.conda.latent_diffusion import LatentDiffusion
from lambdalib.papers.conda.readouts import svm_accuracy
from lambdalib.papers.conda.sizes import MOTIONS, MotionSizes, sizes_fingerprint
from lambdalib.papers.conda.traversal import lerp

__all__ = ["TRAVERSAL", "run_motion_seed", "activity_traversal", "motion_seed", "run_motions"]

TRAVERSAL = ("Standing", "Running")  # the activities whose class means the traversal joins


def run_motion_seed(windows: MotionWindows, sizes: MotionSizes, seed: int, *, device="cpu") -> dict:
    """ConDA on BasicMotions ``windows`` for one seed: ``svm`` (accuracy per kernel and input),
    the embedding ``e (b, 3)`` with labels ``y (b,)`` and ``classes``, and ``traversal``, the
    decoded windows from the first to the second activity of :data:`TRAVERSAL`."""
    gen = set_seed(seed)
    classes, y = np.unique(windows.label, return_inverse=True)
    cond = windows.start[:, None].astype(float)                                # (b, 1)
    tr, te = windows.train, ~windows.train
    ld = LatentDiffusion(n_components=sizes.n_components, width=sizes.width, depth=sizes.depth,
                         timesteps=sizes.timesteps, ddim_steps=sizes.ddim_steps, steps=sizes.diffusion_steps,
                         device=device).fit(windows.x[tr], cond[tr], generator=gen, progress=False)
    x_T = ld.invert(windows.x, cond)                                            # (b, c)
    model = fit_cebra(x_T[tr], y[tr], iterations=sizes.cebra_iterations, batch_size=sizes.cebra_batch, seed=seed)
    e = np.concatenate([model.transform(x_T[windows.trial == k].astype(np.float32))
                        for k in np.unique(windows.trial)])                     # trials in order
    flat = windows.x.reshape(len(windows.x), -1)
    rows = [{"kernel": kernel, "space": space, "accuracy": svm_accuracy(f[tr], y[tr], f[te], y[te], kernel)}
            for kernel in ("linear", "rbf")
            for space, f in (("raw windows", flat), ("raw x_T", x_T), ("embedding", e))]
    lift = KNNLift(sizes.n_neighbors).fit(e[tr], x_T[tr], cond[tr])
    means = [e[y == list(classes).index(name)].mean(0) for name in TRAVERSAL]
    return {"svm": pd.DataFrame(rows), "e": e, "y": y, "classes": classes,
            "traversal": activity_traversal(ld, lift, *means, n=sizes.traversal_points)}


def activity_traversal(ld: LatentDiffusion, lift: KNNLift, a: np.ndarray, b: np.ndarray, n: int = 6) -> np.ndarray:
    """Decoded windows ``(n, len, 6)`` along the line between two activities' mean embeddings
    ``a, b (3,)`` (projected back to the unit sphere), lifted by kNN and decoded with DDIM."""
    path = lerp(np.repeat(a[None], n, 0), np.repeat(b[None], n, 0), np.linspace(0, 1, n))
    path /= np.linalg.norm(path, axis=1, keepdims=True)
    x_T, cond = lift.predict(path)
    return ld.generate(x_T, cond)


def motion_seed(seed: int, profile: str, device: str = "auto") -> dict:
    """One seed of the BasicMotions experiment as a sweep task."""
    sizes = get_sizes(MOTIONS, profile)
    windows = load_basic_motions_windows(sizes.window, sizes.stride)
    return run_motion_seed(windows, sizes, seed, device=resolve_device(device))


def run_motions(profile: str, seeds: list[int], *, device: str = "auto", scheduler=None, cache_dir=None) -> list[dict]:
    """:func:`motion_seed` for every seed through :func:`lambdalib.book.sweep.sweep`, one dict
    per seed in seed order (see :func:`lambdalib.papers.conda.pipeline.run_flow`)."""
    configs = [{"seed": s, "profile": profile, "device": device} for s in seeds]
    table = sweep(motion_seed, configs, client=scheduler, cache_dir=cache_dir,
                  fingerprint=sizes_fingerprint(MOTIONS, profile), gpu=resolve_device(device).type == "cuda",
                  progress=False)
    return table.to_dict("records")
