"""Perfect multimodal alignment by SVD (PA eq. 5-7) and the metrics of PA section 2.1.

This package follows the paper's notation, not the book's channel-last one: a modality is a
data matrix ``X_m`` of shape ``(d_m, n)``, one column per sample, and latents are ``(k, n)``.
Two modalities are stacked as ``X = [X1; -X2]`` (``d = d1 + d2`` rows, PA eq. 5) and the
alignment ``A = [A1 A2]`` (``k x d``) solves ``A X = 0`` (PA eq. 6): its rows are the ``k`` left
singular vectors of ``X`` with the smallest singular values (PA eq. 7). Then ``A1 X1 = A2 X2``
exactly when the left null space of ``X`` has dimension ``>= k`` (PA Theorem 2.2), and otherwise
``||A X||_F^2 = sum of the k smallest squared singular values`` is the least value over all
``A`` with orthonormal rows (PA Corollary 2.3). The orthonormal rows rule out ``A = 0``, but not
``A1 = 0`` alone: if ``X1`` on its own has a left null space, a solution may ignore ``X2``.

- :func:`check_pair`, :func:`check_k`  the input checks every aligner of the package shares
- :func:`perfect_alignment` / :class:`PerfectAligner`  the dense SVD solver (PA eq. 5-7)
- :func:`streaming_perfect_alignment`  the same from the ``d x d`` Gram matrix, chunk by chunk
- :class:`LinearAligner`  the ``transform`` of every fitted pair of linear maps ``(A1_, A2_)``
- :func:`cmae`, :func:`ncmae`, :func:`mlre`  the metrics of PA section 2.1 (PA eq. 8-9)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["check_pair", "check_k", "Alignment", "perfect_alignment", "gram_matrix",
           "streaming_perfect_alignment", "LinearAligner", "PerfectAligner", "cmae", "ncmae", "mlre"]


# --------------------------------------------------------------------------- inputs

def _as_matrix(x, name: str) -> np.ndarray:
    """``x`` as a finite 2-d float64 array, or a ValueError naming ``name``."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-d (features, samples) matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds non-finite values (NaN or inf)")
    return arr


def check_pair(X1, X2) -> tuple[np.ndarray, np.ndarray]:
    """``(X1 (d1, n), X2 (d2, n))`` as finite float64 matrices with one ``n``, or a ValueError."""
    X1, X2 = _as_matrix(X1, "X1"), _as_matrix(X2, "X2")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError(f"X1 and X2 must hold the same n paired samples (columns), "
                         f"got n = {X1.shape[1]} and {X2.shape[1]}")
    return X1, X2


def check_k(k, d: int) -> int:
    """``k`` as an int with ``1 <= k <= d``, or a ValueError."""
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
    """Perfect alignment, PA eq. 5-7: ``A = [A1 A2]`` from the SVD of ``X = [X1; -X2]``.

    ``X1 (d1, n)``, ``X2 (d2, n)``, ``1 <= k <= d1 + d2``. The rows of ``A`` are the left
    singular vectors of the ``k`` smallest singular values (zeros counted when ``n < d``), so
    ``A1 X1 = A2 X2`` holds exactly when the left null space has dimension ``>= k``, and in
    least squares otherwise. Cost: one thin SVD, ``O(d^2 n)`` time and ``O(d n)`` memory.
    """
    X1, X2 = check_pair(X1, X2)
    (d1, n), d2 = X1.shape, X2.shape[0]
    d = d1 + d2
    k = check_k(k, d)
    X = np.vstack([X1, -X2])                                               # (d, n), PA eq. 5
    U, s, _ = np.linalg.svd(X, full_matrices=n < d)                         # U (d, d)
    s = np.concatenate([s, np.zeros(d - s.size)])                           # (d,), zeros for n < d
    return _alignment(U, s, d1, k, n)


def _alignment(U: np.ndarray, s: np.ndarray, d1: int, k: int, n: int) -> Alignment:
    d = U.shape[0]
    A = U[:, d - k:].T                                                      # (k, d), PA eq. 7
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
        X1c, X2c = check_pair(*pair)
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
    k = check_k(k, d)
    w, V = np.linalg.eigh(G)                                                # ascending
    s = np.sqrt(np.clip(w[::-1], 0.0, None))                                # (d,), decreasing
    # The eigenvalues' rounding is ~ eps * s_max^2, so zero singular values read as ~ sqrt(eps).
    tol = np.sqrt(d * np.finfo(np.float64).eps) * s.max()
    a = _alignment(V[:, ::-1], s, d1, k, n)
    return Alignment(a.A1, a.A2, a.singular_values, int(np.sum(s <= tol)))


class LinearAligner:
    """Base of the package's fitted aligners: a pair of linear maps ``A1_ (k, d1)``,
    ``A2_ (k, d2)`` learned by ``fit(X1, X2)``; ``transform(X1, X2)`` gives the latents
    ``(A1_ X1, A2_ X2)``, each ``(k, n)``."""

    def transform(self, X1, X2) -> tuple[np.ndarray, np.ndarray]:
        if not hasattr(self, "A1_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X1, X2) first")
        X1, X2 = check_pair(X1, X2)
        if X1.shape[0] != self.A1_.shape[1] or X2.shape[0] != self.A2_.shape[1]:
            raise ValueError(f"fitted on (d1, d2) = {(self.A1_.shape[1], self.A2_.shape[1])}, "
                             f"got {(X1.shape[0], X2.shape[0])}")
        return self.A1_ @ X1, self.A2_ @ X2                                 # (k, n) each


class PerfectAligner(LinearAligner):
    """Scikit-learn style wrapper of :func:`perfect_alignment` (PA eq. 5-7):
    ``PerfectAligner(k).fit(X1, X2)`` learns ``A1_ (k, d1)``, ``A2_ (k, d2)``,
    ``singular_values_ (k,)`` and ``null_dim_``; ``transform`` as :class:`LinearAligner`."""

    def __init__(self, k: int):
        self.k = k  # latent dimension

    def fit(self, X1, X2) -> PerfectAligner:
        a = perfect_alignment(X1, X2, self.k)
        self.A1_, self.A2_, self.singular_values_, self.null_dim_ = a.A1, a.A2, a.singular_values, a.null_dim
        return self


# --------------------------------------------------------------------------- metrics

def _check_latents(Z1, Z2, names=("Z1", "Z2")) -> tuple[np.ndarray, np.ndarray]:
    Z1, Z2 = _as_matrix(Z1, names[0]), _as_matrix(Z2, names[1])
    if Z1.shape != Z2.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have one shape (k, n), got {Z1.shape} and {Z2.shape}")
    return Z1, Z2


def cmae(Z1, Z2) -> float:
    """Cross-modal alignment error, PA eq. 8: ``1/n sum_i ||z1_i - z2_i||_2`` over columns."""
    Z1, Z2 = _check_latents(Z1, Z2)
    return float(np.mean(np.linalg.norm(Z1 - Z2, axis=0)))


def ncmae(Z1, Z2, eps: float = 1e-12) -> float:
    """Normalised CMAE (PA Figure 3): :func:`cmae` after scaling every column to unit L2 norm
    (norms below ``eps`` are taken as ``eps``, as in ``torch.nn.functional.normalize``)."""
    Z1, Z2 = _check_latents(Z1, Z2)
    unit = lambda Z: Z / np.maximum(np.linalg.norm(Z, axis=0, keepdims=True), eps)
    return cmae(unit(Z1), unit(Z2))


def mlre(Z, Z_hat) -> float:
    """Modality latent reconstruction error, PA eq. 9: ``1/n sum_i ||z_i - z_hat_i||_2``.
    The paper's MLRE is the mean of this over the modalities."""
    Z, Z_hat = _check_latents(Z, Z_hat, ("Z", "Z_hat"))
    return float(np.mean(np.linalg.norm(Z - Z_hat, axis=0)))
