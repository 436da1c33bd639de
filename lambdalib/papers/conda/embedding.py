"""ConDA's compact structured embedding (ConDA section 3.3, Algorithm B.3) and the lift back.

- :func:`fit_cebra`        CEBRA (ConDA eq. 3) on DDIM-inverted latents ``x_T (N, c) -> (N, 3)``,
  with continuous auxiliary variables or class labels, seeded so that a fit repeats.
- :func:`segments`, :func:`embed_segments`  embed a sequence one contiguous run of known frames
  at a time, so no held-out frame enters a known frame's embedding.
- :class:`KNNLift`         the kNN decoder from the embedding back to ``x_T`` (ConDA eq. 1,
  Algorithm B.3 stage B).
- :func:`kde_peaks`        the class peaks of the embedding that a class traversal joins
  (ConDA section 3.3 (3), eq. 8).
"""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

from lambdalib.core.checks import check_choice

__all__ = ["fit_cebra", "segments", "embed_segments", "KNNLift", "kde_peaks"]


@contextlib.contextmanager
def _seeded_cebra_samplers(seed: int):
    """Seed every CEBRA sampler from ``seed`` while the context is open.

    CEBRA 0.6.1's ``cebra.distributions.base.HasGenerator.__init__`` seeds each sampler's
    ``torch.Generator`` with ``generator.seed()`` (fresh OS entropy, marked "TODO temporary"
    there), so two fits with the same torch seed give different embeddings. Here each sampler
    created in the context gets ``manual_seed(seed, 1, 2, ...)`` in creation order instead.
    """
    from cebra.distributions import base

    original = base.HasGenerator.__init__
    count = itertools.count()

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._seed = 1_000_003 * seed + next(count)
        self.generator.manual_seed(self._seed)

    base.HasGenerator.__init__ = init
    try:
        yield
    finally:
        base.HasGenerator.__init__ = original


def fit_cebra(x: np.ndarray, aux: np.ndarray, *, iterations: int, batch_size: int, output_dimension: int = 3,
              seed: int, device: str = "cpu", architecture: str = "offset10-model", temperature: float = 0.1):
    """CEBRA (ConDA eq. 3) on ``x (N, c)`` with auxiliary variables ``aux``: continuous ``(N, k)``
    or integer class labels ``(N,)`` (positives then share the label, the paper's supervised form).

    Samples are taken as one time series in their order, as CEBRA's offset models expect. The
    paper names ``offset10-model-mse`` (Euclidean InfoNCE, unnormalised output); that loss is
    unbounded below (scaling the embedding up lowers it), and on our latents it ran away within a
    few hundred iterations, so the default is ``offset10-model``: the same network with its output
    on the unit sphere and cosine similarity, CEBRA's standard choice.
    """
    check_choice("architecture", architecture, ("offset10-model", "offset10-model-mse"))
    import cebra

    torch.manual_seed(seed)
    np.random.seed(seed)
    model = cebra.CEBRA(model_architecture=architecture, output_dimension=output_dimension,
                        max_iterations=iterations, batch_size=batch_size, conditional="time_delta",
                        distance="cosine" if architecture == "offset10-model" else "euclidean",
                        temperature=temperature, learning_rate=1e-3, device=str(device), verbose=False)
    aux = np.asarray(aux)
    if aux.dtype.kind not in "iu":              # continuous: standardised; integer labels stay discrete
        aux = ((aux - aux.mean(0)) / (aux.std(0) + 1e-8)).astype(np.float32)
    with _seeded_cebra_samplers(seed):
        return model.fit(np.asarray(x, dtype=np.float32), aux)


def segments(mask: np.ndarray) -> list[np.ndarray]:
    """Index arrays of the contiguous runs of True in ``mask (n,)``."""
    idx = np.flatnonzero(mask)
    return np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1) if idx.size else []


def embed_segments(model, x: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Embed ``x (n, c)`` one contiguous run of ``known`` frames at a time (the offset-10 model
    sees 10 neighbouring frames: a held-out frame must not enter a known frame's embedding).
    Unknown rows are NaN; runs shorter than the receptive field are edge-padded, as CEBRA pads
    sequence ends. ``(n, c) -> (n, d)``."""
    out = np.full((len(x), model.output_dimension), np.nan)
    width = len(model.offset_)
    for seg in segments(known):
        before = max(width - len(seg), 0) // 2
        after = max(width - len(seg), 0) - before
        padded = np.pad(np.asarray(x[seg], dtype=np.float32), ((before, after), (0, 0)), mode="edge")
        out[seg] = model.transform(padded)[before:before + len(seg)]
    return out


class KNNLift:
    """kNN decoder from the embedding back to x_T (ConDA eq. 1 with a constant kernel, Algorithm
    B.3 stage B): the mean of the ``n_neighbors`` nearest training embeddings' x_T (and their
    conditions)."""

    def __init__(self, n_neighbors: int = 5):
        self.n_neighbors = n_neighbors

    def fit(self, e: np.ndarray, x_T: np.ndarray, cond: np.ndarray) -> "KNNLift":
        """Store the training pairs: embeddings ``e (N, d)``, latents ``x_T (N, c)``, ``cond (N, k)``."""
        self.nn_ = NearestNeighbors(n_neighbors=self.n_neighbors).fit(e)
        self.x_T_, self.cond_ = np.asarray(x_T), np.asarray(cond)
        return self

    def predict(self, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``e (q, d) -> (x_T (q, c), cond (q, k))`` neighbour means."""
        if not hasattr(self, "nn_"):
            raise ValueError("KNNLift is not fitted; call fit first")
        idx = self.nn_.kneighbors(e, return_distance=False)                    # (q, k)
        return self.x_T_[idx].mean(1), self.cond_[idx].mean(1)


def kde_peaks(e: np.ndarray, labels: np.ndarray) -> dict:
    """Per class c, the sample of ``e (N, d)`` maximising p_c - p_other (Gaussian KDEs; ConDA
    section 3.3 (3)): the end points of the class traversal of ConDA eq. 8."""
    from scipy.stats import gaussian_kde

    classes = np.unique(labels)
    if classes.size != 2:
        raise ValueError(f"labels must have exactly two classes, got {classes.tolist()}")
    dens = {c: gaussian_kde(e[labels == c].T)(e.T) for c in classes}
    out = {}
    for c, other in (classes, classes[::-1]):
        diff = np.where(labels == c, dens[c] - dens[other], -np.inf)
        out[c] = e[np.argmax(diff)]
    return out
