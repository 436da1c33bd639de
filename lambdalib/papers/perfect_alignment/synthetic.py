"""The synthetic studies of PA section 3.1 and appendix 6.5, and the sweeps of PA Figure 4.

Latents ``Z (k, n)`` are seen through two random linear maps (PA eq. 11), ``X_m = S_m Z``
(+ noise), ``X_m (d_m, n)``, and aligned by :class:`~lambdalib.papers.perfect_alignment.solver.PerfectAligner`
and the contrastive baseline. Every run is seeded by its own ``seed`` (a numpy Generator for the
data, a torch Generator for the baseline), so runs do not depend on each other's order. A run
takes milliseconds (the chapter's whole quick profile about 7 s on one core), so the chapter
loops over seeds and configs in its own process rather than through :func:`lambdalib.book.sweep.sweep`.

- :func:`gmm_latents`, :func:`uniform_latents`, :func:`make_modalities`  the data (PA eq. 10-11, appendix 6.5)
- :func:`run_synthetic` / :func:`run_study`  the GMM or uniform study for one seed / for many
- :func:`alignment_errors`  one sweep run (data, solver, metrics)
- :func:`sweep_grid`, :func:`run_sweep`  the configs of PA Figure 4 and their runs
- :func:`gmm_readings`, :func:`noisy_n_table`, :func:`sweep_readings`  the numbers the chapter quotes
- :data:`FLOOR`  errors of exactly 0 are drawn (and taken logs of) at this value
"""

from __future__ import annotations

import itertools

import numpy as np

from lambdalib.core.checks import check_choice
from lambdalib.papers.perfect_alignment.contrastive import ContrastiveAligner
from lambdalib.papers.perfect_alignment.sizes import SyntheticSizes
from lambdalib.papers.perfect_alignment.solver import PerfectAligner, cmae, mlre, ncmae

__all__ = ["FLOOR", "gmm_latents", "uniform_latents", "make_modalities", "run_synthetic", "run_study",
           "alignment_errors", "sweep_grid", "run_sweep", "gmm_readings", "noisy_n_table", "sweep_readings"]

FLOOR = 1e-17  # errors of exactly 0 are drawn (and taken logs of) at this value


# --------------------------------------------------------------------------- data

def gmm_latents(n: int, rng: np.random.Generator, *, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``n`` latents ``Z (k, n)`` and labels ``(n,)`` from PA eq. 10: 0.5 N(mu1, I) +
    0.5 N(mu2, I), mu1 = [0, 1], mu2 = [4, 5]. For ``k > 2`` (the sweeps; the paper does not say)
    the means are padded with zeros; for ``k = 1`` they keep their first entry."""
    means = np.zeros((2, max(k, 2)))
    means[:, :2] = [[0.0, 1.0], [4.0, 5.0]]
    labels = rng.integers(0, 2, size=n)
    Z = means[labels, :k].T + rng.standard_normal((k, n))                   # (k, n)
    return Z, labels


def uniform_latents(n: int, rng: np.random.Generator, *, margin: float = 10.0,
                    width: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """PA appendix 6.5: ``Z (2, n)`` uniform on both sides of the line y = x - 10, n/2 each, at
    most ``margin`` from it. Our reading: x uniform on [0, width], the offset from the line
    uniform on (0, margin] (the paper gives only the line, the margin and n)."""
    labels = np.arange(n) % 2
    x = rng.uniform(0.0, width, size=n)
    offset = margin * (1.0 - rng.uniform(0.0, 1.0, size=n))                # (0, margin]
    y = x - 10.0 + np.where(labels == 1, offset, -offset)
    return np.stack([x, y]), labels                                         # (2, n)


def make_modalities(Z: np.ndarray, d_m: int, rng: np.random.Generator, *,
                    noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """PA eq. 11: ``X_m = S_m Z + noise * N(0, 1)`` with ``S_m (d_m, k)`` entries uniform on
    [-5, 5]. Returns ``X1 (d_m, n)``, ``X2 (d_m, n)`` and ``[S1, S2]``."""
    k, n = Z.shape
    S = [rng.uniform(-5.0, 5.0, size=(d_m, k)) for _ in range(2)]
    X = [s @ Z + noise * rng.standard_normal((d_m, n)) for s in S]
    return X[0], X[1], S


# --------------------------------------------------------------------------- the studies

def run_synthetic(seed: int, *, n: int, latents: str = "gmm", contrastive_steps: int = 400,
                  contrastive_batch: int = 256) -> dict:
    """The synthetic study (PA section 3.1; appendix 6.5 with ``latents="uniform"``) for one
    seed: 2-d latents, two 2-d modalities (PA eq. 11), perfect alignment (k = 2), the contrastive
    baseline, and the pseudo-inverse sanity check (PA Table 2). Returns the metrics (``metrics``,
    a dict) and the arrays for the figure (``Z``, ``labels``, ``X1``, ``X2``, ``Z1``, ``Z2``)."""
    check_choice("latents", latents, ("gmm", "uniform"))
    rng = np.random.default_rng(seed)
    Z, labels = gmm_latents(n, rng) if latents == "gmm" else uniform_latents(n, rng)
    X1, X2, S = make_modalities(Z, 2, rng)
    Z1, Z2 = PerfectAligner(2).fit(X1, X2).transform(X1, X2)
    C1, C2 = ContrastiveAligner(2, steps=contrastive_steps, batch_size=contrastive_batch,
                                seed=seed).fit(X1, X2).transform(X1, X2)
    W = np.linalg.lstsq(Z1.T, Z.T, rcond=None)[0].T                         # (2, 2): Z ~ W Z1
    metrics = dict(
        seed=seed,
        pa_mlre1=mlre(Z, Z1), pa_mlre2=mlre(Z, Z2), pa_cmae=cmae(Z1, Z2), pa_ncmae=ncmae(Z1, Z2),
        ca_mlre1=mlre(Z, C1), ca_mlre2=mlre(Z, C2), ca_cmae=cmae(C1, C2), ca_ncmae=ncmae(C1, C2),
        pinv_mlre1=mlre(Z, np.linalg.pinv(S[0]) @ X1), pinv_mlre2=mlre(Z, np.linalg.pinv(S[1]) @ X2),
        pa_mlre_after_linear_map=mlre(Z, W @ Z1),   # MLRE once the best 2 x 2 map is allowed
    )
    return dict(metrics=metrics, Z=Z, labels=labels, X1=X1, X2=X2, Z1=Z1, Z2=Z2)


def run_study(sizes: SyntheticSizes, seeds, *, latents: str = "gmm"):
    """:func:`run_synthetic` for every seed at ``sizes``: ``(frame, runs)``, a DataFrame of the
    metrics (one row a seed) and the list of runs (for the figures)."""
    import pandas as pd

    runs = [run_synthetic(s, n=sizes.n, latents=latents, contrastive_steps=sizes.contrastive_steps,
                          contrastive_batch=sizes.contrastive_batch) for s in seeds]
    return pd.DataFrame([r["metrics"] for r in runs]), runs


# --------------------------------------------------------------------------- the sweeps (PA Figure 4)

def alignment_errors(*, n: int, d_m: int, k: int, noise: float, seed: int) -> dict:
    """One sweep run: GMM latents ``(k, n)``, two modalities of ``d_m`` rows, perfect
    alignment with latent dimension ``k``; returns CMAE, NCMAE, MLRE (mean of modalities),
    the left null space dimension and whether the alignment is exact."""
    rng = np.random.default_rng(seed)
    Z, _ = gmm_latents(n, rng, k=k)
    X1, X2, _ = make_modalities(Z, d_m, rng, noise=noise)
    pa = PerfectAligner(k).fit(X1, X2)
    Z1, Z2 = pa.transform(X1, X2)
    return dict(n=n, d_m=d_m, k=k, noise=noise, seed=seed, cmae=cmae(Z1, Z2), ncmae=ncmae(Z1, Z2),
                mlre=0.5 * (mlre(Z, Z1) + mlre(Z, Z2)), null_dim=pa.null_dim_, exact=pa.null_dim_ >= k)


def sweep_grid(sizes: SyntheticSizes, seeds, *, noises=(0.0, 1.0)) -> list[dict]:
    """The configs of PA Figure 4: one axis (``n``, ``d_m`` or ``k``) varied at a time over its
    grid of ``sizes`` around ``(base_n, base_d_m, base_k)``, with and without unit-variance
    noise, for every seed. Each config has a ``sweep`` key naming its axis."""
    base = dict(n=sizes.base_n, d_m=sizes.base_d_m, k=sizes.base_k)
    grid = []
    for axis, values in (("n", sizes.sweep_n), ("d_m", sizes.sweep_d), ("k", sizes.sweep_k)):
        for value, noise, seed in itertools.product(values, noises, seeds):
            grid.append(dict(base, **{axis: value}, noise=noise, seed=seed, sweep=axis))
    return grid


def run_sweep(grid: list[dict]):
    """:func:`alignment_errors` for every config of ``grid``, in this process, as a DataFrame
    (one row a run)."""
    import pandas as pd

    return pd.DataFrame([dict(alignment_errors(**{k: v for k, v in c.items() if k != "sweep"}),
                              sweep=c["sweep"]) for c in grid])


# --------------------------------------------------------------------------- what the chapter quotes

def gmm_readings(gmm) -> dict:
    """The GMM study's numbers quoted in the chapter's text, from the :func:`run_study` frame."""
    mlres = gmm[["pa_mlre1", "pa_mlre2"]].to_numpy()
    return dict(pinv_worst=float(gmm[["pinv_mlre1", "pinv_mlre2"]].to_numpy().max()),
                pa_cmae_mean=float(gmm["pa_cmae"].mean()), pa_mlre_mean=float(mlres.mean()),
                pa_mlre_linear=float(gmm["pa_mlre_after_linear_map"].max()),
                ca_ncmae_min=float(gmm["ca_ncmae"].min()), ca_ncmae_max=float(gmm["ca_ncmae"].max()))


def noisy_n_table(sweeps):
    """Median CMAE and left-null-space dimension per ``n`` in the noisy ``n`` sweep."""
    noisy_n = sweeps[(sweeps["sweep"] == "n") & (sweeps["noise"] > 0)]
    return noisy_n.groupby("n")[["cmae", "null_dim"]].median()


def sweep_readings(sweeps, sizes: SyntheticSizes) -> dict:
    """The sweeps' numbers quoted in the chapter's text: the largest noisy ``n`` that is still
    exact, and the orders of magnitude CMAE rises over the noisy ``n`` sweep and past
    ``k = base_d_m`` in the clean ``k`` sweep (medians over seeds)."""
    noisy_n = noisy_n_table(sweeps)
    clean_k = sweeps[(sweeps["sweep"] == "k") & (sweeps["noise"] == 0)].groupby("k")["cmae"].median()
    return dict(
        exact_n_max=int(noisy_n[noisy_n["cmae"] < 1e-10].index.max()),
        noisy_n_orders=float(np.log10(noisy_n["cmae"].iloc[-1] / max(noisy_n["cmae"].iloc[0], FLOOR))),
        clean_k_orders=float(np.log10(clean_k.iloc[-1] / clean_k[clean_k.index <= sizes.base_d_m].max())),
    )
