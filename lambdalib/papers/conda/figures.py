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
    fig, axes = plt.subplots(2, 5, figsize=(12, 3.2), sharex=True, sharey=True)
    for ax, frame, re in zip(axes.ravel(), flow.frames[:, -1], flow.reynolds):
        im = ax.imshow(frame, extent=(0.6, 8.8, 0, 4.1), **VORTICITY)
        ax.set_title(f"Re = {re:g}", fontsize=9)
    for ax in axes[:, 0]:
        ax.set_ylabel("y / D")
    for ax in axes[1]:
        ax.set_xlabel("x / D behind centre")
    fig.colorbar(im, ax=axes, shrink=0.8, label=r"$\omega D / \bar U$")
    return fig


def training_curves(results: list[dict]) -> plt.Figure:
    """Left, the denoiser's MSE (moving average over 50 steps); right, CEBRA's InfoNCE loss."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3))
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
    fig = plt.figure(figsize=(10, 4))
    for k, (values, label) in enumerate([(np.repeat(flow.reynolds, e.shape[1]), "Re"),
                                         (np.tile(flow.time[known], len(flow.reynolds)), r"time ($D / \bar U$)")]):
        ax = fig.add_subplot(1, 2, k + 1, projection="3d")
        sc = ax.scatter(*e.reshape(-1, 3).T, c=values, s=3, cmap="viridis")
        ax.set(xlabel="e1", ylabel="e2", zlabel="e3")
        fig.colorbar(sc, ax=ax, shrink=0.6, label=label)
    return fig


def traversal_bars(table: pd.DataFrame) -> plt.Figure:
    """Mean PSNR per (space, method) for the block and sparse protocols; the dashed line is the
    oracle lift. ``table``: :func:`lambdalib.papers.conda.tables.traversal_table`."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, protocol in zip(axes, ["block", "sparse"]):
        sub = table.loc[protocol, "psnr"]
        ax.barh([f"{s}: {m}" for s, m in sub.index], sub.to_numpy(), color=[SPACE_COLORS[s] for s, _ in sub.index])
        ax.axvline(sub.loc[("control", "oracle lift")], ls="--", color="k")
        ax.set(xlabel="PSNR (dB)", xlim=(max(0, sub.min() - 5), sub.max() + 3))
        ax.text(0.02, 1.01, f"{protocol} protocol", transform=ax.transAxes)
    ax.invert_yaxis()
    return fig


def class_traversal(frames: np.ndarray, asymmetry: np.ndarray) -> plt.Figure:
    """Decoded frames ``(n, h, w)`` from the steady to the unsteady peak, titled with their
    position s and wake asymmetry A."""
    fig, axes = plt.subplots(1, len(frames), figsize=(14, 1.8))
    for ax, frame, a, s in zip(axes, frames, asymmetry, np.linspace(0, 1, len(frames))):
        ax.imshow(frame, **VORTICITY)
        ax.set_title(f"s = {s:.2f}, A = {a:.2f}", fontsize=8)
        ax.set_xticks([]), ax.set_yticks([])
    axes[0].set_ylabel("steady → unsteady", fontsize=8)
    return fig


def motion_embedding(result: dict, train: np.ndarray, hz: float = 10.0) -> plt.Figure:
    """Left, the test trials' embedding by activity; right, the accelerometer magnitude of each
    decoded window of ``result["traversal"]`` (labelled with its standard deviation)."""
    fig = plt.figure(figsize=(11, 3.8))
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    for k, name in enumerate(result["classes"]):
        ax.scatter(*result["e"][~train & (result["y"] == k)].T, s=3, label=name)
    ax.legend(fontsize=7, markerscale=3)
    ax2 = fig.add_subplot(1, 2, 2)
    walk = result["traversal"]                                                 # (n, len, 6)
    intensity = np.linalg.norm(walk[:, :, :3], axis=2).std(1)                  # sd of |acceleration| per window
    for i, (window, sd) in enumerate(zip(walk, intensity)):
        ax2.plot(np.arange(len(window)) / hz, np.linalg.norm(window[:, :3], axis=1), label=f"step {i}: sd {sd:.2f}")
    ax2.set(xlabel="time in window (s)", ylabel="|acceleration| (dataset units)")
    ax2.legend(fontsize=7)
    return fig
