"""Perfect multimodal alignment by SVD ("Towards Achieving Perfect Multimodal Alignment", eq. 5-7).

This module follows the paper's notation, not the book's channel-last one: a modality is a
data matrix ``X_m`` of shape ``(d_m, n)``, one column per sample, and latents are ``(k, n)``.
Two modalities are stacked as ``X = [X1; -X2]`` (``d = d1 + d2`` rows, eq. 5) and the
alignment ``A = [A1 A2]`` (``k x d``) solves ``A X = 0`` (eq. 6): its rows are the ``k`` left
singular vectors of ``X`` with the smallest singular values (eq. 7). Then ``A1 X1 = A2 X2``
exactly when the left null space of ``X`` has dimension ``>= k`` (Theorem 2.2), and otherwise
``||A X||_F^2 = sum of the k smallest squared singular values`` is the least value over all
``A`` with orthonormal rows (Corollary 2.3). The orthonormal rows rule out ``A = 0``, but not
``A1 = 0`` alone: if ``X1`` on its own has a left null space, a solution may ignore ``X2``.

- :func:`perfect_alignment` / :class:`PerfectAligner`  the dense SVD solver (eq. 5-7)
- :func:`streaming_perfect_alignment`  the same from the ``d x d`` Gram matrix, chunk by chunk
- :func:`cmae`, :func:`ncmae`, :func:`mlre`  the metrics of the paper's section 2.1
- :class:`ContrastiveAligner`  linear encoders trained with symmetric InfoNCE (the baseline)
- :func:`gmm_latents`, :func:`uniform_latents`, :func:`make_modalities`  the synthetic data
- :func:`alignment_errors`  one synthetic run (data, solver, metrics) for the sweeps
- :func:`run_synthetic`, :func:`sweep_grid`, :func:`run_sweep`  the chapter's experiments
- :func:`plot_synthetic`, :func:`plot_sweeps`  the chapter's figures
- :data:`SIZES` / :func:`get_sizes`  the chapter's sizes per profile
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from lambdalib.core.checks import check_choice
from lambdalib.core.losses import info_nce

__all__ = ["Alignment", "perfect_alignment", "PerfectAligner", "streaming_perfect_alignment",
           "gram_matrix", "cmae", "ncmae", "mlre", "ContrastiveAligner", "gmm_latents",
           "uniform_latents", "make_modalities", "alignment_errors", "run_synthetic", "sweep_grid",
           "run_sweep", "chapter_claims", "plot_synthetic", "plot_sweeps", "SIZES", "SWEEP_BASE",
           "FLOOR", "get_sizes"]

# The chapter's sizes. The paper gives n = 2000 for the GMM study; the sweep grids and the
# contrastive training are ours (the paper gives neither Figure 4's grids nor the baseline's
# optimiser). "paper" uses denser grids and longer training; both run on a CPU.
SIZES = {
    "quick": dict(n=2000,                                   # samples of the GMM study (paper: 2000)
                  sweep_n=(4, 8, 16, 32, 128, 1000),        # n grid at d_m = 4, k = 2
                  sweep_d=(2, 3, 4, 8, 16, 32),             # d_m = d1 = d2 grid at k = 2, n = 1000
                  sweep_k=(1, 2, 3, 4, 6, 8),               # k grid at d_m = 4, n = 1000
                  contrastive_steps=400, contrastive_batch=256),
    "paper": dict(n=2000,
                  sweep_n=(2, 4, 6, 8, 10, 16, 32, 64, 128, 1000, 5000),
                  sweep_d=(2, 3, 4, 6, 8, 16, 32, 64),
                  sweep_k=(1, 2, 3, 4, 5, 6, 7, 8),
                  contrastive_steps=3000, contrastive_batch=512),
}


SWEEP_BASE = dict(n=1000, d_m=4, k=2)  # the sweeps vary one of these at a time (our choice)
FLOOR = 1e-17  # errors of exactly 0 are drawn (and taken logs of) at this value


def get_sizes(profile: str) -> dict:
    """The sizes of ``profile`` (``"quick"`` or ``"paper"``), see :data:`SIZES`."""
    return dict(SIZES[check_choice("profile", profile, tuple(SIZES))])


# --------------------------------------------------------------------------- inputs

def _as_matrix(x, name: str) -> np.ndarray:
    """``x`` as a finite 2-d float64 array, or a ValueError naming ``name``."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-d (features, samples) matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds non-finite values (NaN or inf)")
    return arr


def _check_pair(X1, X2) -> tuple[np.ndarray, np.ndarray]:
    X1, X2 = _as_matrix(X1, "X1"), _as_matrix(X2, "X2")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError(f"X1 and X2 must hold the same n paired samples (columns), "
                         f"got n = {X1.shape[1]} and {X2.shape[1]}")
    return X1, X2


def _check_k(k, d: int) -> int:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= d:
        raise ValueError(f"k must be an int with 1 <= k <= d = d1 + d2 = {d}, got {k!r}")
    return int(k)


# --------------------------------------------------------------------------- solvers

@dataclass(frozen=True)
class Alignment:
    """A solution of ``A X = 0``: ``A1 (k, d1)``, ``A2 (k, d2)``, and the singular values of
    ``X`` that its rows carry, ``singular_values (k,)``, smallest last, so that
    ``||A1 X1 - A2 X2||_F^2 = sum(singular_values ** 2)``. ``null_dim`` is the numerical
    dimension of the left null space of ``X`` (``exact``: ``null_dim >= k``)."""

    A1: np.ndarray
    A2: np.ndarray
    singular_values: np.ndarray
    null_dim: int

    @property
    def exact(self) -> bool:
        return self.null_dim >= self.A1.shape[0]


def _null_dim(s: np.ndarray, d: int, n: int) -> int:
    """How many of the ``d`` singular values (zeros included) are numerically zero
    (numpy's matrix_rank tolerance, ``max(d, n) * eps * s_max``)."""
    tol = max(d, n) * np.finfo(np.float64).eps * (s.max() if s.size else 0.0)
    return int(np.sum(s <= tol))


def perfect_alignment(X1, X2, k: int) -> Alignment:
    """Perfect alignment, paper eq. 5-7: ``A = [A1 A2]`` from the SVD of ``X = [X1; -X2]``.

    ``X1 (d1, n)``, ``X2 (d2, n)``, ``1 <= k <= d1 + d2``. The rows of ``A`` are the left
    singular vectors of the ``k`` smallest singular values (zeros counted when ``n < d``), so
    ``A1 X1 = A2 X2`` holds exactly when the left null space has dimension ``>= k``, and in
    least squares otherwise. Cost: one thin SVD, ``O(d^2 n)`` time and ``O(d n)`` memory.
    """
    X1, X2 = _check_pair(X1, X2)
    (d1, n), d2 = X1.shape, X2.shape[0]
    d = d1 + d2
    k = _check_k(k, d)
    X = np.vstack([X1, -X2])                                               # (d, n), eq. 5
    U, s, _ = np.linalg.svd(X, full_matrices=n < d)                         # U (d, d)
    s = np.concatenate([s, np.zeros(d - s.size)])                           # (d,), zeros for n < d
    return _alignment(U, s, d1, k, n)


def _alignment(U: np.ndarray, s: np.ndarray, d1: int, k: int, n: int) -> Alignment:
    d = U.shape[0]
    A = U[:, d - k:].T                                                      # (k, d), eq. 7
    return Alignment(A1=A[:, :d1].copy(), A2=A[:, d1:].copy(), singular_values=s[d - k:].copy(),
                     null_dim=_null_dim(s, d, n))


def gram_matrix(chunks: Iterable) -> tuple[np.ndarray, int, int]:
    """``G = X X^T`` for ``X = [X1; -X2]``, summed in float64 over ``(X1_c, X2_c)`` column chunks.

    Returns ``(G (d, d), d1, n)``. Memory is ``O(d^2)`` plus one chunk, whatever ``n``.
    """
    G, d1, n = None, None, 0
    for i, pair in enumerate(chunks):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"chunk {i} must be a pair (X1_chunk, X2_chunk), got {type(pair).__name__}")
        X1c, X2c = _check_pair(*pair)
        Xc = np.vstack([X1c, -X2c])                                         # (d, n_c)
        if G is None:
            G, d1 = np.zeros((Xc.shape[0],) * 2), X1c.shape[0]
        elif X1c.shape[0] != d1 or Xc.shape[0] != G.shape[0]:
            raise ValueError(f"chunk {i} has (d1, d2) = {(X1c.shape[0], X2c.shape[0])}, "
                             f"earlier chunks {(d1, G.shape[0] - d1)}")
        G += Xc @ Xc.T                                                      # (d, d)
        n += Xc.shape[1]
    if G is None:
        raise ValueError("no chunks were given")
    return G, d1, n


def streaming_perfect_alignment(data, k: int) -> Alignment:
    """:func:`perfect_alignment` from the Gram matrix ``G = X X^T``, for data too large to hold.

    ``data`` is an iterable of ``(X1_c, X2_c)`` column chunks (any split of the ``n`` samples),
    or a pair ``(X1, X2)`` of ``dask.array`` s chunked along samples. ``G`` is accumulated in
    float64 (memory ``O(d^2)``) and its eigenvectors with the ``k`` smallest eigenvalues form
    ``A``; the singular values are ``sqrt(max(eigenvalue, 0))``.

    Precision cost: ``G`` squares the condition number of ``X``. Its eigenvalues are known to
    about ``eps * s_max^2``, so singular values below about ``sqrt(eps) * s_max`` (1.5e-8 relative)
    are lost in rounding. In the exact case the null space is still found when the smallest
    non-zero singular value is well above that, but the residual ``A1 X1 - A2 X2`` is about
    ``1e-8 * s_max`` instead of the SVD's ``1e-16 * s_max``; use the dense solver when the
    smallest singular values themselves matter.
    """
    if isinstance(data, tuple) and len(data) == 2 and all(hasattr(x, "compute") for x in data):
        import dask.array as da

        X1, X2 = data
        if X1.ndim != 2 or X2.ndim != 2 or X1.shape[1] != X2.shape[1]:
            raise ValueError(f"X1 and X2 must be (d_m, n) with one n, got {X1.shape} and {X2.shape}")
        X = da.concatenate([X1.astype(np.float64), -X2.astype(np.float64)], axis=0)  # (d, n)
        G = (X @ X.T).compute()                                             # (d, d), summed per block
        if not np.all(np.isfinite(G)):
            raise ValueError("X1 or X2 holds non-finite values (NaN or inf)")
        d1, n = X1.shape[0], X1.shape[1]
    else:
        G, d1, n = gram_matrix(data)
    d = G.shape[0]
    k = _check_k(k, d)
    w, V = np.linalg.eigh(G)                                                # ascending
    s = np.sqrt(np.clip(w[::-1], 0.0, None))                                # (d,), decreasing
    # The eigenvalues' rounding is ~ eps * s_max^2, so zero singular values read as ~ sqrt(eps).
    tol = np.sqrt(d * np.finfo(np.float64).eps) * s.max()
    a = _alignment(V[:, ::-1], s, d1, k, n)
    return Alignment(a.A1, a.A2, a.singular_values, int(np.sum(s <= tol)))


class PerfectAligner:
    """Scikit-learn style wrapper of :func:`perfect_alignment`: ``PerfectAligner(k).fit(X1, X2)``
    learns ``A1_ (k, d1)``, ``A2_ (k, d2)``, ``singular_values_ (k,)`` and ``null_dim_``;
    ``transform(X1, X2)`` gives the latents ``(A1 X1, A2 X2)``, each ``(k, n)``."""

    def __init__(self, k: int, *, streaming: bool = False):
        self.k = k                  # latent dimension
        self.streaming = streaming  # solve from the Gram matrix (fit then takes one pair of arrays)

    def fit(self, X1, X2) -> "PerfectAligner":
        if self.streaming:
            a = streaming_perfect_alignment([(X1, X2)], self.k)
        else:
            a = perfect_alignment(X1, X2, self.k)
        self.A1_, self.A2_, self.singular_values_, self.null_dim_ = a.A1, a.A2, a.singular_values, a.null_dim
        return self

    def transform(self, X1, X2) -> tuple[np.ndarray, np.ndarray]:
        return _transform(self, X1, X2)


def _transform(est, X1, X2) -> tuple[np.ndarray, np.ndarray]:
    """The latents ``(A1 X1, A2 X2)``, each ``(k, n)``, of a fitted aligner ``est``."""
    if not hasattr(est, "A1_"):
        raise ValueError(f"this {type(est).__name__} is not fitted yet: call fit(X1, X2) first")
    X1, X2 = _check_pair(X1, X2)
    if X1.shape[0] != est.A1_.shape[1] or X2.shape[0] != est.A2_.shape[1]:
        raise ValueError(f"fitted on (d1, d2) = {(est.A1_.shape[1], est.A2_.shape[1])}, "
                         f"got {(X1.shape[0], X2.shape[0])}")
    return est.A1_ @ X1, est.A2_ @ X2                                       # (k, n) each


# --------------------------------------------------------------------------- metrics

def _check_latents(Z1, Z2, names=("Z1", "Z2")) -> tuple[np.ndarray, np.ndarray]:
    Z1, Z2 = _as_matrix(Z1, names[0]), _as_matrix(Z2, names[1])
    if Z1.shape != Z2.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have one shape (k, n), got {Z1.shape} and {Z2.shape}")
    return Z1, Z2


def cmae(Z1, Z2) -> float:
    """Cross-modal alignment error, paper eq. 8: ``1/n sum_i ||z1_i - z2_i||_2`` over columns."""
    Z1, Z2 = _check_latents(Z1, Z2)
    return float(np.mean(np.linalg.norm(Z1 - Z2, axis=0)))


def ncmae(Z1, Z2, eps: float = 1e-12) -> float:
    """Normalised CMAE (paper Figure 3): :func:`cmae` after scaling every column to unit L2 norm
    (norms below ``eps`` are taken as ``eps``, as in ``torch.nn.functional.normalize``)."""
    Z1, Z2 = _check_latents(Z1, Z2)
    unit = lambda Z: Z / np.maximum(np.linalg.norm(Z, axis=0, keepdims=True), eps)  # noqa: E731
    return cmae(unit(Z1), unit(Z2))


def mlre(Z, Z_hat) -> float:
    """Modality latent reconstruction error, paper eq. 9: ``1/n sum_i ||z_i - z_hat_i||_2``.
    The paper's MLRE is the mean of this over the modalities."""
    Z, Z_hat = _check_latents(Z, Z_hat, ("Z", "Z_hat"))
    return float(np.mean(np.linalg.norm(Z - Z_hat, axis=0)))


# --------------------------------------------------------------------------- contrastive baseline

class ContrastiveAligner:
    """The baseline: linear maps ``A1 (k, d1)``, ``A2 (k, d2)`` (no bias) trained with the
    symmetric InfoNCE of :func:`lambdalib.papers.lambda_ts.losses.info_nce` on minibatches of pairs.

    InfoNCE uses cosine similarity, so the scale of each latent is free: CMAE and MLRE of the
    raw latents depend on where the optimiser leaves the norms, NCMAE does not.
    """

    def __init__(self, k: int, *, tau: float = 0.1, steps: int = 400, lr: float = 1e-2,
                 batch_size: int = 256, seed: int = 0):
        self.k = k                    # latent dimension
        self.tau = tau                # InfoNCE temperature
        self.steps = steps            # Adam steps
        self.lr = lr                  # Adam learning rate
        self.batch_size = batch_size  # pairs per step (the other pairs of a batch are negatives)
        self.seed = seed              # seeds the initial maps and the batches

    def fit(self, X1, X2) -> "ContrastiveAligner":
        X1, X2 = _check_pair(X1, X2)
        (d1, n), d2 = X1.shape, X2.shape[0]
        _check_k(self.k, d1 + d2)
        if self.batch_size < 2:
            raise ValueError(f"batch_size must be >= 2 (InfoNCE needs negatives), got {self.batch_size!r}")
        g = torch.Generator().manual_seed(int(self.seed))
        x1 = torch.as_tensor(X1.T, dtype=torch.float32)                     # (n, d1)
        x2 = torch.as_tensor(X2.T, dtype=torch.float32)                     # (n, d2)
        A1 = torch.nn.Parameter(torch.randn(self.k, d1, generator=g) / d1 ** 0.5)
        A2 = torch.nn.Parameter(torch.randn(self.k, d2, generator=g) / d2 ** 0.5)
        opt = torch.optim.Adam([A1, A2], lr=self.lr)
        self.losses_ = []
        for _ in range(self.steps):
            idx = torch.randperm(n, generator=g)[: self.batch_size]
            loss = info_nce(x1[idx] @ A1.T, x2[idx] @ A2.T, self.tau, symmetric=True)  # (b, k) each
            opt.zero_grad()
            loss.backward()
            opt.step()
            self.losses_.append(loss.item())
        self.A1_, self.A2_ = A1.detach().double().numpy(), A2.detach().double().numpy()
        return self

    def transform(self, X1, X2) -> tuple[np.ndarray, np.ndarray]:
        return _transform(self, X1, X2)


# --------------------------------------------------------------------------- synthetic data

def gmm_latents(n: int, rng: np.random.Generator, *, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``n`` latents ``Z (k, n)`` and labels ``(n,)`` from the paper's eq. 10: 0.5 N(mu1, I) +
    0.5 N(mu2, I), mu1 = [0, 1], mu2 = [4, 5]. For ``k > 2`` (the sweeps; the paper does not say)
    the means are padded with zeros; for ``k = 1`` they keep their first entry."""
    means = np.zeros((2, max(k, 2)))
    means[:, :2] = [[0.0, 1.0], [4.0, 5.0]]
    labels = rng.integers(0, 2, size=n)
    Z = means[labels, :k].T + rng.standard_normal((k, n))                   # (k, n)
    return Z, labels


def uniform_latents(n: int, rng: np.random.Generator, *, margin: float = 10.0,
                    width: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """Appendix 6.5: ``Z (2, n)`` uniform on both sides of the line y = x - 10, n/2 each, at most
    ``margin`` from it. Our reading: x uniform on [0, width], the offset from the line uniform
    on (0, margin] (the paper gives only the line, the margin and n)."""
    labels = np.arange(n) % 2
    x = rng.uniform(0.0, width, size=n)
    offset = margin * (1.0 - rng.uniform(0.0, 1.0, size=n))                # (0, margin]
    y = x - 10.0 + np.where(labels == 1, offset, -offset)
    return np.stack([x, y]), labels                                         # (2, n)


def make_modalities(Z: np.ndarray, d_m: int, rng: np.random.Generator, *,
                    noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Paper eq. 11: ``X_m = S_m Z + noise * N(0, 1)`` with ``S_m (d_m, k)`` entries uniform on
    [-5, 5]. Returns ``X1 (d_m, n)``, ``X2 (d_m, n)`` and ``[S1, S2]``."""
    k, n = Z.shape
    S = [rng.uniform(-5.0, 5.0, size=(d_m, k)) for _ in range(2)]
    X = [s @ Z + noise * rng.standard_normal((d_m, n)) for s in S]
    return X[0], X[1], S


def alignment_errors(*, n: int, d_m: int, k: int, noise: float, seed: int) -> dict:
    """One synthetic run: GMM latents ``(k, n)``, two modalities of ``d_m`` rows, perfect
    alignment with latent dimension ``k``; returns CMAE, NCMAE, MLRE (mean of modalities),
    the left null space dimension and whether the alignment is exact."""
    rng = np.random.default_rng(seed)
    Z, _ = gmm_latents(n, rng, k=k)
    X1, X2, _ = make_modalities(Z, d_m, rng, noise=noise)
    pa = PerfectAligner(k).fit(X1, X2)
    Z1, Z2 = pa.transform(X1, X2)
    return dict(n=n, d_m=d_m, k=k, noise=noise, seed=seed, cmae=cmae(Z1, Z2), ncmae=ncmae(Z1, Z2),
                mlre=0.5 * (mlre(Z, Z1) + mlre(Z, Z2)), null_dim=pa.null_dim_, exact=pa.null_dim_ >= k)


# --------------------------------------------------------------------------- the chapter's runs

def run_synthetic(seed: int, *, n: int, latents: str = "gmm", contrastive_steps: int = 400,
                  contrastive_batch: int = 256) -> dict:
    """The paper's synthetic study (section 3.1; appendix 6.5 with ``latents="uniform"``) for one
    seed: 2-d latents, two 2-d modalities (eq. 11), perfect alignment (k = 2), the contrastive
    baseline, and the pseudo-inverse sanity check. Returns the metrics (``metrics``, a dict)
    and the arrays for the figure (``Z``, ``labels``, ``X1``, ``X2``, ``Z1``, ``Z2``)."""
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


def sweep_grid(sizes: dict, seeds, *, noises=(0.0, 1.0), base: dict | None = None) -> list[dict]:
    """The configs of Figure 4: one axis (``n``, ``d_m`` or ``k``) varied at a time around
    ``base``, with and without unit-variance noise, for every seed. Each config has a ``sweep``
    key naming its axis. ``base`` defaults to :data:`SWEEP_BASE`."""
    base = SWEEP_BASE if base is None else base
    grid = []
    for axis, values in (("n", sizes["sweep_n"]), ("d_m", sizes["sweep_d"]), ("k", sizes["sweep_k"])):
        for value, noise, seed in itertools.product(values, noises, seeds):
            grid.append(dict(base, **{axis: value}, noise=noise, seed=seed, sweep=axis))
    return grid


def run_sweep(grid: list[dict]):
    """:func:`alignment_errors` for every config of ``grid``, as a DataFrame (one row a run)."""
    import pandas as pd

    return pd.DataFrame([dict(alignment_errors(**{k: v for k, v in c.items() if k != "sweep"}),
                              sweep=c["sweep"]) for c in grid])


def _per_seed(frame, column: str, reduce: str = "mean"):
    """``column`` reduced per seed (rows in seed order), as a numpy array."""
    return frame.groupby("seed")[column].agg(reduce).sort_index().to_numpy()


def chapter_claims(chapter: str, gmm, uniform, sweeps) -> list:
    """The chapter's claims from the per-seed frames of the GMM study, the uniform-latent study
    (:func:`run_synthetic` metrics) and the sweeps (:func:`run_sweep`). Paper values: section
    3.1 and Figure 3 (GMM), Table 2 (pseudo-inverse), appendix 6.5 (uniform); the sweep trends
    are read from the text of section 3.1 (the paper prints no numbers for them)."""
    from lambdalib.book.claims import compare, threshold

    gmm, uniform = gmm.sort_values("seed"), uniform.sort_values("seed")
    pa_mlre = 0.5 * (gmm["pa_mlre1"] + gmm["pa_mlre2"])
    clean, noisy = sweeps[sweeps["noise"] == 0.0], sweeps[sweeps["noise"] > 0.0]
    exact_clean = clean[clean["k"] <= clean["d_m"]]
    k_clean, ns, ds = clean[clean["sweep"] == "k"], noisy[noisy["sweep"] == "n"], noisy[noisy["sweep"] == "d_m"]
    ks = k_clean["k"]
    d_small, d_big = ds[ds["d_m"] == ds["d_m"].min()], ds[ds["d_m"] == ds["d_m"].max()]
    n_exact = ns[ns["n"] <= 2 * ns["d_m"] - ns["k"]]                        # tall enough: null space >= k
    n_big = ns[ns["n"] == ns["n"].max()]
    return [
        threshold(chapter, "GMM: perfect alignment CMAE < 1e-10", gmm["pa_cmae"], reference=1e-10,
                  direction="lower", paper=3.66e-15),
        threshold(chapter, "GMM: perfect alignment NCMAE < 1e-10", gmm["pa_ncmae"], reference=1e-10,
                  direction="lower", paper=3.14e-16),
        threshold(chapter, "GMM: MLRE stays large (> 1), latents not identified", pa_mlre, reference=1.0,
                  direction="higher", paper=10.9),
        compare(chapter, "GMM: CMAE, contrastive -> perfect", gmm["ca_cmae"], gmm["pa_cmae"],
                direction="lower", paper_baseline=5.44, paper_treatment=3.66e-15),
        compare(chapter, "GMM: NCMAE, contrastive -> perfect", gmm["ca_ncmae"], gmm["pa_ncmae"],
                direction="lower", paper_baseline=0.0298, paper_treatment=3.14e-16),
        threshold(chapter, "GMM: pseudo-inverse S^+ MLRE < 1e-10 (worse modality)",
                  np.maximum(gmm["pinv_mlre1"], gmm["pinv_mlre2"]), reference=1e-10, direction="lower",
                  paper=6.47e-16),
        threshold(chapter, "uniform latents: CMAE < 1e-10", uniform["pa_cmae"], reference=1e-10,
                  direction="lower", paper=1.36e-14),
        threshold(chapter, "uniform latents: MLRE stays large (> 1)",
                  0.5 * (uniform["pa_mlre1"] + uniform["pa_mlre2"]), reference=1.0, direction="higher",
                  paper=15.6),
        threshold(chapter, "sweeps, clean, k <= d_m: worst CMAE < 1e-10", _per_seed(exact_clean, "cmae", "max"),
                  reference=1e-10, direction="lower"),
        compare(chapter, f"sweeps, clean: CMAE, k <= d_m -> k = {ks.max()}",
                _per_seed(k_clean[k_clean["k"] <= k_clean["d_m"]], "cmae", "max"),
                _per_seed(k_clean[ks == ks.max()], "cmae"), direction="higher"),
        compare(chapter, f"sweeps, clean: MLRE, k = {ks.min()} -> k = {ks.max()}",
                _per_seed(k_clean[ks == ks.min()], "mlre"), _per_seed(k_clean[ks == ks.max()], "mlre"),
                direction="higher"),
        compare(chapter, f"sweeps, noise: log10 CMAE, n <= d - k -> n = {ns['n'].max()}",
                np.log10(np.maximum(_per_seed(n_exact, "cmae", "max"), FLOOR)),
                np.log10(_per_seed(n_big, "cmae")), direction="higher"),
        compare(chapter, "sweeps, noise: CMAE, smallest -> largest d_m", _per_seed(d_small, "cmae"),
                _per_seed(d_big, "cmae"), direction="lower"),
    ]


# --------------------------------------------------------------------------- figures

def plot_synthetic(run: dict, *, axes=None):
    """Four panels: the true latents Z, modality 1, modality 2, and the recovered latents
    (modality 1 as dots, modality 2 as crosses), coloured by mixture component."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(14, 3.4), constrained_layout=True)
    c = np.where(run["labels"] == 0, "tab:blue", "tab:orange")
    panels = [(run["Z"], "$z_1$", "$z_2$"), (run["X1"], "$x^{(1)}_1$", "$x^{(1)}_2$"),
              (run["X2"], "$x^{(2)}_1$", "$x^{(2)}_2$"), (run["Z1"], r"$\hat z_1$", r"$\hat z_2$")]
    for ax, (M, xl, yl) in zip(axes, panels):
        ax.scatter(M[0], M[1], c=c, s=4, marker="o", alpha=0.5, linewidths=0)
        ax.set(xlabel=f"{xl} (a.u.)", ylabel=f"{yl} (a.u.)")
    axes[3].scatter(run["Z2"][0], run["Z2"][1], c=c, s=12, marker="x", alpha=0.3, linewidths=0.6)
    return axes


def plot_sweeps(frame, metric: str, *, axes=None):
    """Figure 4's layout: rows clean / noisy, columns the swept axis (n, d_m, k); the median of
    ``metric`` over seeds with the min-max band, on a log axis (0 drawn at :data:`FLOOR`)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    noises = sorted(frame["noise"].unique())
    if axes is None:
        _, axes = plt.subplots(len(noises), 3, figsize=(12, 3.2 * len(noises)), constrained_layout=True,
                               squeeze=False)
    labels = {"n": "samples n", "d_m": "modality dimension $d_1 = d_2$", "k": "latent dimension k"}
    for row, noise in zip(axes, noises):
        for ax, axis in zip(row, ("n", "d_m", "k")):
            g = frame[(frame["sweep"] == axis) & (frame["noise"] == noise)].groupby(axis)[metric]
            lo, med, hi = (np.maximum(g.agg(f), FLOOR) for f in ("min", "median", "max"))
            ax.fill_between(med.index, lo, hi, alpha=0.25)
            ax.plot(med.index, med, "o-")
            ax.set(xscale="log" if axis != "k" else "linear", yscale="log", xlabel=labels[axis],
                   ylabel=f"{metric.upper()} (a.u.), noise sd {noise:g}")
            ax.set_xticks(med.index)                                        # the grid's values, plainly
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
    return axes
