"""The DiffCrossGait chapters' figures: the rendered walkers, training curves, the trajectory
diagnostic (DiffCrossGait section 4.5) and the ablation / sensitivity comparison (DiffCrossGait
Tab. 5, 7, 8). Each function returns its matplotlib figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lambdalib.data.gait.render import RenderedGait
from lambdalib.papers.diffcrossgait.ablations import cross_modal

__all__ = ["plot_frames", "plot_curves", "plot_trajectory", "plot_ablations"]


def plot_frames(data: RenderedGait, identity: int = 0, frames: tuple[int, ...] = (0, 3, 6)):
    """Both sensors of one walker: a column per (condition, frame), silhouettes above range views."""
    import matplotlib.pyplot as plt

    seqs = [list(data.conditions).index(c) for c in dict.fromkeys(data.conditions)]
    fig, axes = plt.subplots(2, len(seqs) * len(frames), figsize=(7.5, 3.0), layout="compressed")
    fig.get_layout_engine().set(hspace=0.12)                                  # the rows' labels apart
    for j, (k, f) in enumerate((k, f) for k in seqs for f in frames):
        axes[0, j].imshow(data.sil[identity, k, f], cmap="gray", vmin=0, vmax=1)
        axes[1, j].imshow(data.rng[identity, k, f], cmap="viridis", vmin=0, vmax=1)
        axes[0, j].set_title(f"{data.conditions[k]}\nframe {f}" if f == frames[0] else f"\n{f}", fontsize=10)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("silhouette")
    axes[1, 0].set_ylabel("range\nview")
    return fig


def plot_curves(results: list[dict], window: int = 25):
    """Training losses (running mean over ``window`` steps, mean over seeds) per variant."""
    import matplotlib.pyplot as plt

    panels = ["triplet", "ce", "id1", "rec2", "rec3", "bridge2"]
    fig, axes = plt.subplots(2, len(panels) // 2, figsize=(7.5, 5.2), sharex=True, layout="constrained")
    for i, v in enumerate(dict.fromkeys(r["variant"] for r in results)):
        hist = pd.concat([r["history"] for r in results if r["variant"] == v]).groupby("step").mean()
        for ax, col in zip(axes.flat, panels):
            if col in hist:
                ax.plot(hist.index, hist[col].rolling(window, min_periods=1).mean(), label=v, lw=1, color=f"C{i}")
    for ax, col in zip(axes.flat, panels):
        ax.set_ylabel(f"{col} loss")
    for ax in axes[-1]:
        ax.set_xlabel("optimiser step")
    lines = {label: line for ax in axes.flat for line, label in zip(*ax.get_legend_handles_labels())}
    fig.legend(lines.values(), lines.keys(), loc="outside upper center", ncols=min(len(lines), 4))
    return fig


def plot_trajectory(results: list[dict]):
    """The trajectory diagnostic: x0-hat gap and rank-1 on x0-hat against t (mean over seeds)."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 3))
    for i, v in enumerate(dict.fromkeys(r["variant"] for r in results)):
        runs = [r["trajectory"] for r in results if r["variant"] == v and "trajectory" in r]
        if runs:
            tr = pd.concat(runs).groupby("t").mean()
            a.plot(tr.index, tr.gap, label=v, color=f"C{i}")
            b.plot(tr.index, tr.rank1_x0, label=v, color=f"C{i}")
    a.set_xlabel("diffusion step t")
    a.set_ylabel("RMS gap of x0-hat, 2D vs 3D")
    a.set_yscale("log")
    b.set_xlabel("diffusion step t")
    b.set_ylabel("2D->3D rank-1 on x0-hat (%)")
    a.legend()
    fig.tight_layout()
    return fig


def plot_ablations(results: list[dict], reference: str = "full"):
    """Left, cross-modal rank-1 per setting (dots: seeds; bar: mean ± sd over seeds); right, the
    difference from ``reference`` on the same seed, with the band ± 2 sqrt(2) sd of
    ``reference``'s seed-to-seed spread (roughly where a difference of two runs falls by chance)."""
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r["variant"] for r in results))
    ref = cross_modal(results, reference)
    band = 2 * math.sqrt(2) * ref.std()
    fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 4.2), layout="constrained")
    for i, v in enumerate(names):
        x = cross_modal(results, v)
        a.errorbar(i, x.mean(), yerr=x.std() if len(x) > 1 else None, fmt="_", ms=14, color="k", capsize=3)
        a.scatter(np.full(len(x), i), x, s=14, color=f"C{i % 10}", zorder=3)
        if v != reference:
            d = (x - ref).dropna()
            b.errorbar(i, d.mean(), yerr=d.std() if len(d) > 1 else None, fmt="_", ms=14, color="k", capsize=3)
            b.scatter(np.full(len(d), i), d, s=14, color=f"C{i % 10}", zorder=3)
    a.axhspan(ref.mean() - ref.std(), ref.mean() + ref.std(), color="0.85", zorder=0)
    b.axhspan(-band, band, color="0.85", zorder=0)
    b.axhline(0, color="0.4", lw=0.8)
    for ax in (a, b):
        ax.set_xticks(range(len(names)), names, rotation=60, ha="right", rotation_mode="anchor")
    a.set_ylabel("cross-modal rank-1 (%)")
    b.set_ylabel(f"rank-1 − {reference}, same seed (points)")
    return fig
