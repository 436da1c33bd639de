"""Every figure of the LaMbDA chapters: the data, training curves, conditional samples, latents, probes.

Every function draws on a new figure and returns it; axes carry labels with units.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lambdalib.data.dynamics import PairedWindows
from lambdalib.data.gait import GaitData, continuous_windows, task_name
from lambdalib.data.gait.simulated import G
from lambdalib.papers.lambda_ts.experiment import PairResult
from lambdalib.papers.lambda_ts.synthetic import histories, variant_name

__all__ = ["plot_pair_data", "plot_gait_curves", "plot_grf", "plot_continuous_window", "plot_training_curves",
           "plot_loss_curves", "plot_samples", "plot_cycles", "plot_failures", "plot_umap_grid", "plot_step_curves",
           "plot_probe_bars", "variant_color", "VARIANT_COLORS"]

VARIANT_COLORS = {"w/o align": "tab:blue", "LaMbDA": "tab:red"}


def plot_pair_data(data: PairedWindows, names: tuple[str, str], units: tuple[str, str]) -> plt.Figure:
    """Left: the two modalities against each other (phase portrait). Right: both over time,
    the held-out test segment shaded. Values in physical units (denormalised)."""
    x = np.concatenate([data.denormalise(data.x_train[:, 0, 0], "x"), data.denormalise(data.x_test[:, 0, 0], "x")])
    y = np.concatenate([data.denormalise(data.y_train[:, 0, 0], "y"), data.denormalise(data.y_test[:, 0, 0], "y")])
    t = np.concatenate([data.train_starts, data.test_starts]) * data.dt
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(7.5, 3.4), gridspec_kw={"width_ratios": [1, 2]})
    ax0.plot(x, y, lw=0.4, color="k")
    ax0.set(xlabel=f"X = {names[0]} [{units[0]}]", ylabel=f"Y = {names[1]} [{units[1]}]")
    ax1.plot(t, x, lw=0.7, label=f"X = {names[0]}")
    ax1.plot(t, y, lw=0.7, label=f"Y = {names[1]}")
    ax1.axvspan(data.test_starts[0] * data.dt, t[-1], color="0.85", label="held-out test segment")
    ax1.set(xlabel="time [s]", ylabel="value [modality units]")
    ax1.legend(loc="lower right", bbox_to_anchor=(1, 1), ncol=3, frameon=False)             # above the panel
    fig.tight_layout()
    return fig


PHASE = np.arange(150) / 1.5  # % of the stride at each of the 150 phase samples, from heel strike


def plot_gait_curves(data: GaitData, *, speed: float = 1.0, inclines=(-10, -5, 0, 5, 10)) -> plt.Figure:
    """Right-leg sagittal joint angles (top) and joint moments (bottom) at ``speed``, mean over
    all subjects' strides, one line per incline, against the gait phase."""
    fig, axes = plt.subplots(2, 3, figsize=(7.5, 5.8), sharex=True, layout="constrained")
    for incline in inclines:
        for col, joint in enumerate(("hip", "knee", "ankle")):
            for row, (kind, scale) in enumerate((("kinematics/jointangles", 1.0), ("kinetics/jointmoment", 1e-3))):
                strides = data.windows([f"{kind}/right/{joint}/x"], tasks=[task_name(speed, incline)])[..., 0]
                axes[row, col].plot(PHASE, scale * strides.mean(axis=0), label=f"{incline:+g} deg")
    for col, joint in enumerate(("hip", "knee", "ankle")):
        axes[0, col].set_ylabel(f"{joint} angle, deg (simulated)")
        axes[1, col].set_ylabel(f"{joint} moment, N m/kg (simulated)")
        axes[1, col].set_xlabel("gait phase, % of stride")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), title="incline", loc="outside lower center", ncols=5)
    return fig


def _body_weights(data: GaitData, subject: str, force: np.ndarray) -> np.ndarray:
    """A force of ``subject`` in N, in body weights."""
    return force / (data.subjects.loc[subject, "mass_kg"] * G)


def plot_grf(data: GaitData, *, speeds=(0.8, 1.0, 1.2), incline: float = 0.0) -> plt.Figure:
    """Right-leg vertical (left) and horizontal (right) GRF in body weights, mean over all
    subjects' strides, one line per speed, against the gait phase."""
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.2))
    for speed in speeds:
        for ax, axis in zip(axes, ("z", "x")):
            channel = f"kinetics/forceplate/right/force/{axis}"
            bw = [_body_weights(data, s, data.get(s, task_name(speed, incline), channel)) for s in data.subject_names]
            ax.plot(PHASE, np.concatenate(bw).mean(axis=0), label=f"{speed:g} m/s")
    axes[0].set_ylabel("vertical GRF, body weights (simulated)")
    axes[1].set_ylabel("horizontal GRF, body weights (simulated)")
    for ax in axes:
        ax.set_xlabel("gait phase, % of stride")
    axes[0].legend()
    fig.tight_layout()
    return fig


def plot_continuous_window(data: GaitData, *, speed: float = 1.0, incline: float = 0.0) -> plt.Figure:
    """The first 100 Hz window (:func:`lambdalib.data.gait.continuous_windows`) of the first
    subject at (``speed``, ``incline``): knee angle (top) and vertical GRF in body weights
    (bottom) against time, heel strikes dashed."""
    channels = ["kinematics/jointangles/right/knee/x", "kinetics/forceplate/right/force/z"]
    windows, labels = continuous_windows(data, channels)                    # (b, 300, 2), 100 Hz
    subject, task = data.subject_names[0], task_name(speed, incline)
    first = windows[((labels.subject == subject) & (labels.task == task)).to_numpy()][0]
    t = np.arange(len(first)) / 100.0                                       # s
    strikes = np.cumsum(data.stride_seconds[subject][task])
    fig, axes = plt.subplots(2, 1, figsize=(7.5, 4.5), sharex=True)
    axes[0].plot(t, first[:, 0])
    axes[1].plot(t, _body_weights(data, subject, first[:, 1]))
    for ax in axes:
        for strike in strikes[strikes < t[-1]]:
            ax.axvline(strike, color="grey", ls="--", lw=0.8)
    axes[0].set_ylabel("knee angle, deg\n(simulated)")
    axes[1].set_ylabel("vertical GRF,\nbody weights (simulated)")
    axes[1].set_xlabel("time, s")
    fig.tight_layout()
    return fig


def plot_training_curves(results: list[PairResult], columns: dict[str, str], smooth: int = 25,
                         reference: dict[str, tuple[float, str]] | None = None) -> plt.Figure:
    """One panel per loss column (``{column: y-axis label}``): the running mean over ``smooth``
    steps, mean over seeds as a line and min-max over seeds as a band, per variant."""
    return plot_loss_curves(histories(results), columns, smooth, reference=reference)


def plot_loss_curves(histories: dict[str, list[pd.DataFrame]], columns: dict[str, str],
                     smooth: int = 25, run_label: str = "seeds",
                     reference: dict[str, tuple[float, str]] | None = None) -> plt.Figure:
    """One panel per loss column (``{column: y-axis label}``) of the per-step ``histories``
    (``{variant: [history, ...]}``): running mean over ``smooth`` steps, mean over runs as a
    line and min-max over runs as a band, one colour per variant (legend below the panels);
    ``reference`` draws a dashed line ``{column: (value, label)}`` on that column's panel."""
    fig, axes = plt.subplots(1, len(columns), figsize=(min(3.6 * len(columns), 7.5), 3.4), squeeze=False,
                             layout="constrained")
    for ax, (column, label) in zip(axes[0], columns.items()):
        for variant, runs in histories.items():
            runs = [h for h in runs if column in h]
            if not runs:
                continue
            curves = np.stack([h[column].rolling(smooth, min_periods=1).mean().to_numpy() for h in runs])
            step = runs[0]["step"].to_numpy()
            color = variant_color(variant)
            ax.plot(step, curves.mean(0), color=color, label=variant)
            ax.fill_between(step, curves.min(0), curves.max(0), color=color, alpha=0.2, lw=0)
        if reference and column in reference:
            value, text = reference[column]
            ax.legend(handles=[ax.axhline(value, color="black", ls="--", lw=1, label=text)])
        ax.set(xlabel="optimiser step", ylabel=label, yscale="log")
    lines = {label: line for ax in axes[0] for line, label in zip(*ax.get_legend_handles_labels())
             if label in histories}
    fig.legend(lines.values(), lines.keys(), title=f"band: min-max over {run_label}", loc="outside lower center",
               ncols=min(len(lines), 3))
    return fig


def variant_color(variant: str) -> str:
    """A fixed colour per model variant (LaMbDA red, no alignment blue, others by name)."""
    others = ("tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")
    return VARIANT_COLORS.get(variant) or others[sum(map(ord, variant)) % len(others)]


def plot_cycles(real: dict[str, np.ndarray], generated: dict[str, dict[str, np.ndarray]],
                units: dict[str, str], *, windows: list[int] | None = None, percent_per_window: float = 200.0,
                truth_label: str = "real") -> plt.Figure:
    """Real against generated trajectories over the gait cycle: one row per signal
    (``real[name]`` is ``(b, L)``), one column per variant (``generated[variant][name]``).

    With ``windows=None``, mean over the ``b`` windows as a line and +- 1 sd as a band; with a
    list of indices, those single windows (failure cases). The x-axis is % of one gait cycle.
    """
    names, variants = list(real), list(generated)
    fig, axes = plt.subplots(len(names), len(variants), figsize=(7.5, 2.4 * len(names) + 0.4), sharex=True,
                             sharey="row", squeeze=False, layout="constrained")
    for i, name in enumerate(names):
        phase = np.linspace(0, percent_per_window, real[name].shape[1], endpoint=False)
        for j, variant in enumerate(variants):
            ax = axes[i, j]
            for values, color, label in ((real[name], "k", truth_label),
                                         (generated[variant][name], variant_color(variant), variant)):
                if windows is None:
                    mean, sd = values.mean(0), values.std(0)
                    ax.plot(phase, mean, color=color, lw=1.4, label=label)
                    ax.fill_between(phase, mean - sd, mean + sd, color=color, alpha=0.2, lw=0)
                else:
                    for k, w in enumerate(windows):
                        ax.plot(phase, values[w], color=color, lw=1.1, ls=("-", "--", ":")[k % 3],
                                label=label if k == 0 else None)
            ax.set(ylabel=f"{name} [{units[name]}]" if j == 0 else None)
            if i == len(names) - 1:
                ax.set_xlabel("gait cycle [%]")
    lines = {label: line for ax in axes[0] for line, label in zip(*ax.get_legend_handles_labels())}
    fig.legend(lines.values(), lines.keys(), loc="outside upper center", ncols=len(lines))
    return fig


def plot_failures(real: dict[str, np.ndarray], generated: dict[str, dict[str, np.ndarray]], units: dict[str, str],
                  errors: dict[str, dict[str, np.ndarray]], *, variant: str = "LaMbDA", n: int = 3) -> plt.Figure:
    """:func:`plot_cycles` of ``variant``'s ``n`` worst windows per signal (largest ``errors``,
    worst first; solid, dashed, dotted), every variant's samples of those windows beside the real ones."""
    worst = {name: np.argsort(errors[variant][name])[-n:][::-1] for name in real}
    return plot_cycles({name: real[name][worst[name]] for name in real},
                       {v: {name: gen[name][worst[name]] for name in real} for v, gen in generated.items()},
                       units, windows=list(range(n)))


def plot_samples(results: list[PairResult], data: PairedWindows, idx: np.ndarray, seed: int,
                 names: tuple[str, str], n_show: int = 3) -> plt.Figure:
    """Ground truth (black) against one DDPM sample per variant for ``n_show`` test windows of
    the given seed; top row X|Y, bottom row Y|X. Values are z-scored (training statistics)."""
    picks = np.linspace(0, len(idx) - 1, n_show).round().astype(int)
    truth = {"X|Y": data.x_test[idx], "Y|X": data.y_test[idx]}
    t = np.arange(data.x_test.shape[1]) * data.dt
    fig, axes = plt.subplots(2, n_show, figsize=(7.5, 5.0), sharex=True, sharey="row", squeeze=False,
                             layout="constrained")
    for row, direction in enumerate(("X|Y", "Y|X")):
        target = names[0] if direction == "X|Y" else names[1]
        for col, k in enumerate(picks):
            ax = axes[row, col]
            ax.plot(t, truth[direction][k, :, 0], color="k", lw=1.6, label="truth")
            for r in results:
                if r.seed == seed:
                    v = variant_name(r)
                    ax.plot(t, r.samples[direction][k, :, 0], color=variant_color(v), lw=1, label=v)
            ax.set(ylabel=f"{direction}: {target} [z-score]" if col == 0 else None)
            if row == 1:
                ax.set_xlabel("time within window [s]")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(labels))
    return fig


def plot_umap_grid(embeddings: dict, labels, *, pairs: list[str], variants: list[str]) -> plt.Figure:
    """UMAPs of two models' latents: ``embeddings[(pair, variant)]`` is ``(2b, 2)``, the X model's
    ``b`` windows first (circles), then the Y model's (crosses), coloured by ``labels`` ``(b,)``
    (categories in order of first appearance). One row per pair, one column per variant."""
    codes, names = pd.factorize(pd.Series(labels))
    fig, axes = plt.subplots(len(pairs), len(variants), figsize=(7.2, 2.7 * len(pairs) + 0.5), squeeze=False,
                             layout="constrained")
    for i, pair in enumerate(pairs):
        for j, variant in enumerate(variants):
            ax, e = axes[i, j], embeddings[(pair, variant)]
            b = len(e) // 2
            kw = dict(c=codes, cmap="turbo", vmin=0, vmax=len(names) - 1, s=9)
            ax.scatter(e[:b, 0], e[:b, 1], marker="o", alpha=0.7, label="X model", **kw)
            points = ax.scatter(e[b:, 0], e[b:, 1], marker="x", alpha=0.7, linewidths=0.8, label="Y model", **kw)
            ax.set(xlabel="UMAP 1 [a.u.]", ylabel=f"{pair}\nUMAP 2 [a.u.]" if j == 0 else "UMAP 2 [a.u.]")
            if i == 0:
                ax.set_title(variant)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside upper center", ncols=2)
    bar = fig.colorbar(points, ax=axes.ravel().tolist(), shrink=0.6)
    bar.set_label(f"task ({names[0]} ... {names[-1]})")
    return fig


def plot_step_curves(frame: pd.DataFrame, columns: list[str], labels: dict[str, str], *, x: str = "t",
                     x_label: str = "diffusion step t") -> plt.Figure:
    """One panel per column of ``frame`` against ``x``: per variant, the mean over all other
    rows as a line and +- 1 sd as a band."""
    fig, axes = plt.subplots(1, len(columns), figsize=(min(3.75 * len(columns), 7.5), 3.2), squeeze=False)
    for ax, column in zip(axes[0], columns):
        for variant, part in frame.groupby("variant", sort=False):
            stats = part.groupby(x)[column].agg(["mean", "std"])
            color = variant_color(variant)
            ax.plot(stats.index, stats["mean"], color=color, marker="o", ms=3, label=variant)
            ax.fill_between(stats.index, stats["mean"] - stats["std"], stats["mean"] + stats["std"],
                            color=color, alpha=0.2, lw=0)
        ax.set(xlabel=x_label, ylabel=labels[column])
    axes[0, 0].legend()
    fig.tight_layout()
    return fig


def plot_probe_bars(probes: pd.DataFrame, objectives, *, floors: dict[str, dict[str, float]],
                    chance: float) -> plt.Figure:
    """Mean probe accuracy per objective (bars, one panel per probe kind; error bars = sd over
    the per-fold averages), with horizontal reference lines: ``floors[probe]`` = {label: value}
    and the chance level."""
    kinds = list(dict.fromkeys(probes["probe"]))
    fig, axes = plt.subplots(1, len(kinds), figsize=(min(3.75 * len(kinds), 7.5), 3.8), squeeze=False, sharey=True,
                             layout="constrained")
    for ax, kind in zip(axes[0], kinds):
        per_fold = probes[probes.probe == kind].groupby(["variant", "held_out", "seed"])["accuracy"].mean()
        stats = per_fold.groupby("variant").agg(["mean", "std"]).loc[list(objectives)]
        ax.bar(range(len(stats)), stats["mean"], yerr=stats["std"], capsize=3,
               color=[variant_color(v) for v in stats.index])
        ax.set_xticks(range(len(stats)), stats.index, rotation=30, ha="right", rotation_mode="anchor")
        for (label, value), ls in zip(floors.get(kind, {}).items(), ("--", "-.", ":")):
            ax.axhline(value, color="0.3", ls=ls, lw=1, label=label)
        ax.axhline(chance, color="k", ls=":", lw=1, label=f"chance ({chance:.3f})")
        ax.set(ylabel=f"{kind} probe accuracy [fraction]", ylim=(0, 1))
    lines = {label: line for ax in axes[0] for line, label in zip(*ax.get_legend_handles_labels())}
    fig.legend(lines.values(), lines.keys(), loc="outside lower center", ncols=len(lines))
    return fig
