"""The PA chapter's figures: the synthetic study's four panels (PA Figure 2's view, with the
data) and the sweeps in PA Figure 4's layout.

- :func:`plot_synthetic`  latents, both modalities and the recovered latents of one run
- :func:`plot_sweeps`  CMAE or MLRE against n, d_m and k, clean and noisy
"""

from __future__ import annotations

import numpy as np

from lambdalib.papers.perfect_alignment.synthetic import FLOOR

__all__ = ["plot_synthetic", "plot_sweeps"]


def plot_synthetic(run: dict, *, axes=None):
    """Four panels of one :func:`~lambdalib.papers.perfect_alignment.synthetic.run_synthetic` run:
    the true latents Z, modality 1, modality 2, and the recovered latents (modality 1 as dots,
    modality 2 as crosses), coloured by mixture component (or class)."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(7.5, 2.3), layout="constrained")
    c = np.where(run["labels"] == 0, "tab:blue", "tab:orange")
    panels = [(run["Z"], "$z_1$", "$z_2$"), (run["X1"], "$x^{(1)}_1$", "$x^{(1)}_2$"),
              (run["X2"], "$x^{(2)}_1$", "$x^{(2)}_2$"), (run["Z1"], r"$\hat z_1$", r"$\hat z_2$")]
    for ax, (M, xl, yl) in zip(axes, panels):
        ax.scatter(M[0], M[1], c=c, s=4, marker="o", alpha=0.5, linewidths=0)
        ax.set(xlabel=f"{xl} (a.u.)", ylabel=f"{yl} (a.u.)")
        ax.locator_params(nbins=4)
    axes[3].scatter(run["Z2"][0], run["Z2"][1], c=c, s=12, marker="x", alpha=0.3, linewidths=0.6)
    return axes


def plot_sweeps(frame, metric: str, *, axes=None):
    """PA Figure 4's layout for a :func:`~lambdalib.papers.perfect_alignment.synthetic.run_sweep`
    frame: rows clean / noisy, columns the swept axis (n, d_m, k); the median of ``metric`` over
    seeds with the min-max band, on a log axis (0 drawn at :data:`FLOOR`); one y scale per row."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    noises = sorted(frame["noise"].unique())
    if axes is None:
        _, axes = plt.subplots(len(noises), 3, figsize=(7.5, 2.6 * len(noises)), layout="constrained",
                               sharey="row", squeeze=False)
    labels = {"n": "samples n", "d_m": "modality dimension $d_1 = d_2$", "k": "latent dimension k"}
    for row, noise in zip(axes, noises):
        for ax, axis in zip(row, ("n", "d_m", "k")):
            g = frame[(frame["sweep"] == axis) & (frame["noise"] == noise)].groupby(axis)[metric]
            lo, med, hi = (np.maximum(g.agg(f), FLOOR) for f in ("min", "median", "max"))
            ax.fill_between(med.index, lo, hi, alpha=0.25)
            ax.plot(med.index, med, "o-")
            ax.set(xscale="log" if axis != "k" else "linear", yscale="log", xlabel=labels[axis],
                   ylabel=f"{metric.upper()} (a.u.)\nnoise sd {noise:g}" if ax is row[0] else None)
            ax.set_xticks(_spaced(med.index, 1.9 if axis != "k" else 1.0))  # grid values, spaced apart
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
    return axes


def _spaced(values, ratio: float) -> list:
    """The values (ascending) kept at least ``ratio`` times the last one kept, so that tick labels
    on a log axis do not run into each other (``ratio`` 1 keeps them all)."""
    kept = []
    for v in values:
        if not kept or v >= ratio * kept[-1]:
            kept.append(v)
    return kept
