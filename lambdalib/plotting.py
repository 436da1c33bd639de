"""Figures shared by the chapters: the data, training curves, conditional samples.

Every function draws on a new figure and returns it; axes carry labels with units.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .data.dynamics import PairedWindows
from .experiment import PairResult
from .synthetic import variant_name

__all__ = ["plot_pair_data", "plot_training_curves", "plot_samples", "VARIANT_COLORS"]

VARIANT_COLORS = {"w/o align": "tab:blue", "LaMbDA": "tab:red"}


def plot_pair_data(data: PairedWindows, names: tuple[str, str], units: tuple[str, str]) -> plt.Figure:
    """Left: the two modalities against each other (phase portrait). Right: both over time,
    the held-out test segment shaded. Values in physical units (denormalised)."""
    x = np.concatenate([data.denormalise(data.x_train[:, 0, 0], "x"), data.denormalise(data.x_test[:, 0, 0], "x")])
    y = np.concatenate([data.denormalise(data.y_train[:, 0, 0], "y"), data.denormalise(data.y_test[:, 0, 0], "y")])
    t = np.concatenate([data.train_starts, data.test_starts]) * data.dt
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.4]})
    ax0.plot(x, y, lw=0.4, color="k")
    ax0.set(xlabel=f"X = {names[0]} [{units[0]}]", ylabel=f"Y = {names[1]} [{units[1]}]")
    ax1.plot(t, x, lw=0.7, label=f"X = {names[0]}")
    ax1.plot(t, y, lw=0.7, label=f"Y = {names[1]}")
    ax1.axvspan(data.test_starts[0] * data.dt, t[-1], color="0.85", label="held-out test segment")
    ax1.set(xlabel="time [s]", ylabel="value [modality units]")
    ax1.legend(loc="upper right", fontsize=8, ncol=3)
    fig.tight_layout()
    return fig


def plot_training_curves(results: list[PairResult], columns: dict[str, str], smooth: int = 25) -> plt.Figure:
    """One panel per loss column (``{column: y-axis label}``): the running mean over ``smooth``
    steps, mean over seeds as a line and min-max over seeds as a band, per variant."""
    fig, axes = plt.subplots(1, len(columns), figsize=(3.6 * len(columns), 3.1), squeeze=False)
    for ax, (column, label) in zip(axes[0], columns.items()):
        for variant in dict.fromkeys(variant_name(r) for r in results):
            runs = [r.history for r in results if variant_name(r) == variant and column in r.history]
            if not runs:
                continue
            curves = np.stack([h[column].rolling(smooth, min_periods=1).mean().to_numpy() for h in runs])
            step = runs[0]["step"].to_numpy()
            color = VARIANT_COLORS[variant]
            ax.plot(step, curves.mean(0), color=color, label=variant)
            ax.fill_between(step, curves.min(0), curves.max(0), color=color, alpha=0.2, lw=0)
        ax.set(xlabel="optimiser step", ylabel=label, yscale="log")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_samples(results: list[PairResult], data: PairedWindows, idx: np.ndarray, seed: int,
                 names: tuple[str, str], n_show: int = 3) -> plt.Figure:
    """Ground truth (black) against one DDPM sample per variant for ``n_show`` test windows of
    the given seed; top row X|Y, bottom row Y|X. Values are z-scored (training statistics)."""
    picks = np.linspace(0, len(idx) - 1, n_show).round().astype(int)
    truth = {"X|Y": data.x_test[idx], "Y|X": data.y_test[idx]}
    t = np.arange(data.x_test.shape[1]) * data.dt
    fig, axes = plt.subplots(2, n_show, figsize=(3.6 * n_show, 4.6), sharex=True, squeeze=False)
    for row, direction in enumerate(("X|Y", "Y|X")):
        target = names[0] if direction == "X|Y" else names[1]
        for col, k in enumerate(picks):
            ax = axes[row, col]
            ax.plot(t, truth[direction][k, :, 0], color="k", lw=1.6, label="truth")
            for r in results:
                if r.seed == seed:
                    v = variant_name(r)
                    ax.plot(t, r.samples[direction][k, :, 0], color=VARIANT_COLORS[v], lw=1, label=v)
            ax.set(ylabel=f"{direction}: {target} [z-score]" if col == 0 else None)
            if row == 1:
                ax.set_xlabel("time within window [s]")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig
