"""The ConDA chapter's figures; each function draws one figure and returns it.

- :func:`flow_frames`       the last simulated frame of every Reynolds number
- :func:`training_curves`   denoiser and CEBRA losses, every seed
- :func:`embedding`         the CEBRA embedding coloured by Re and by time
- :func:`traversal_bars`    mean PSNR of every operator and control per protocol
- :func:`class_traversal`   decoded frames between the steady and unsteady KDE peaks
- :func:`motion_embedding`  BasicMotions: the embedding by activity and an activity traversal
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lambdalib.data.flow import FlowData

__all__ = ["flow_frames", "training_curves", "embedding", "traversal_bars", "class_traversal", "motion_embedding"]

VORTICITY = dict(cmap="RdBu_r", vmin=-3, vmax=3, origin="lower")  # omega D / U, symmetric about 0
SPACE_COLORS = {"raw x_T": "tab:blue", "embedding": "tab:orange", "control": "tab:gray"}


def flow_frames(flow: FlowData) -> plt.Figure:
    """Vorticity at the last recorded step of every sequence, two rows (steady, shedding)."""
    fig, axes = plt.subplots(2, 5, figsize=(7.5, 2.6), sharex=True, sharey=True, layout="compressed")
    for ax, frame, re in zip(axes.ravel(), flow.frames[:, -1], flow.reynolds):
        im = ax.imshow(frame, extent=(0.6, 8.8, 0, 4.1), **VORTICITY)
        ax.set_title(f"Re = {re:g}")
        ax.set(xticks=[2, 5, 8], yticks=[0, 2, 4])
    fig.supxlabel("x / D behind the cylinder's centre")
    fig.supylabel("y / D")
    fig.colorbar(im, ax=axes, shrink=0.9, label=r"$\omega D / \bar U$")
    return fig


def training_curves(results: list[dict]) -> plt.Figure:
    """Left, the denoiser's MSE (moving average over 50 steps); right, CEBRA's InfoNCE loss."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 3), layout="constrained")
    for r in results:
        a.plot(r["denoiser_loss"].loss.rolling(50).mean(), label=f"seed {r['seed']}")
        b.plot(r["cebra_loss"], label=f"seed {r['seed']}")
    a.set(xlabel="optimiser step", ylabel="MSE (whitened latents)", yscale="log")
    b.set(xlabel="CEBRA iteration", ylabel="InfoNCE loss (nats)")
    a.legend()
    return fig


def embedding(result: dict, flow: FlowData) -> plt.Figure:
    """The known frames' embedding of one seed on the unit sphere, coloured by Re and by time."""
    known = result["known"]
    e = result["e_known"][:, known]                                            # (re, frames, 3)
    fig = plt.figure(figsize=(7.5, 4.2), layout="constrained")
    for k, (values, label) in enumerate([(np.repeat(flow.reynolds, e.shape[1]), "Re"),
                                         (np.tile(flow.time[known], len(flow.reynolds)), r"time ($D / \bar U$)")]):
        ax = fig.add_subplot(1, 2, k + 1, projection="3d")
        sc = ax.scatter(*e.reshape(-1, 3).T, c=values, s=3, cmap="viridis")
        _sphere_axes(ax)
        fig.colorbar(sc, ax=ax, orientation="horizontal", shrink=0.7, label=label)   # below: clear of e3
    return fig


def _sphere_axes(ax) -> None:
    """Label a 3-D embedding axes ``e1``-``e3`` (coordinates on the unit sphere) with ticks at -1, 0, 1."""
    for i, name in enumerate("xyz", start=1):
        ax.set(**{f"{name}label": f"e{i} (a.u.)", f"{name}ticks": [-1, 0, 1]})


def traversal_bars(table: pd.DataFrame) -> plt.Figure:
    """Mean PSNR per (space, method) for the block and sparse protocols; the dashed line is the
    oracle lift. ``table``: :func:`lambdalib.papers.conda.tables.traversal_table`."""
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 5.2), sharey=True, layout="constrained")
    for ax, protocol in zip(axes, ["block", "sparse"]):
        sub = table.loc[protocol, "psnr"]
        ax.barh([f"{s}: {m}" for s, m in sub.index], sub.to_numpy(), color=[SPACE_COLORS[s] for s, _ in sub.index])
        ax.axvline(sub.loc[("control", "oracle lift")], ls="--", color="k")
        ax.set(xlabel="PSNR (dB)", xlim=(max(0, sub.min() - 5), sub.max() + 3), title=f"{protocol} protocol")
    ax.invert_yaxis()
    return fig


def class_traversal(frames: np.ndarray, asymmetry: np.ndarray) -> plt.Figure:
    """Decoded frames ``(n, h, w)`` from the steady to the unsteady peak, titled with their
    position s and wake asymmetry A."""
    fig, axes = plt.subplots(1, len(frames), figsize=(7.5, 1.7), layout="compressed")
    for ax, frame, a, s in zip(axes, frames, asymmetry, np.linspace(0, 1, len(frames))):
        ax.imshow(frame, **VORTICITY)
        ax.set_title(f"s = {s:.2f}\nA = {a:.2f}")
        ax.set_xticks([]), ax.set_yticks([])
    fig.supxlabel("position s on the line, steady peak (0) → unsteady peak (1)")
    return fig


def motion_embedding(result: dict, train: np.ndarray, hz: float = 10.0) -> plt.Figure:
    """Left, the test trials' embedding by activity; right, the accelerometer magnitude of each
    decoded window of ``result["traversal"]`` (labelled with its standard deviation)."""
    fig = plt.figure(figsize=(7.5, 4.4), layout="constrained")
    fig.get_layout_engine().set(wspace=0.12)                                   # room for e3's label
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    for k, name in enumerate(result["classes"]):
        ax.scatter(*result["e"][~train & (result["y"] == k)].T, s=3, label=name)
    _sphere_axes(ax)
    ax.legend(markerscale=3, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 0.9), frameon=False)
    ax2 = fig.add_subplot(1, 2, 2)
    walk = result["traversal"]                                                 # (n, len, 6)
    intensity = np.linalg.norm(walk[:, :, :3], axis=2).std(1)                  # sd of |acceleration| per window
    for i, (window, sd) in enumerate(zip(walk, intensity)):
        ax2.plot(np.arange(len(window)) / hz, np.linalg.norm(window[:, :3], axis=1), label=f"step {i}: sd {sd:.2f}")
    ax2.set(xlabel="time in window (s)", ylabel="|acceleration| (dataset units)")
    ax2.legend(ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    return fig
