"""ConDA (contrastive diffusion alignment) on a latent diffusion model of flow frames.

The pipeline of ConDA section 3 and Algorithm B.3, at a size a CPU runs in minutes:

1. **Autoencoder stage** (:class:`LatentDiffusion`, :mod:`lambdalib.papers.conda.autoencoders`): frames
   ``(N, h, w)`` -> unit-scale latents ``z0 (N, c)``, c = 64: whitened PCA at the quick profile,
   a small convolutional autoencoder at the paper profile (the paper uses the pretrained LDM VAE).
2. **Conditional latent diffusion**: an eps-predicting MLP ``(z_t, t, cond) -> eps_hat`` trained
   on the latents (ConDA eq. 2), wrapped as the x0-predictor lambdalib's DDIM code takes;
   ``cond`` is the frame's time and Reynolds number.
3. **DDIM inversion** of every frame to ``x_T`` (``GaussianDiffusion.ddim_invert``).
4. **Contrastive embedding**: CEBRA (``offset10-model``, 3-d output on the unit sphere,
   auxiliary variables time and Re; ConDA eq. 3) on the inverted latents (:func:`fit_cebra`).
5. **Lifting** from the embedding back to x_T by k nearest neighbours (:class:`KNNLift`), then
   DDIM sampling and decoding.

Alongside: the class peaks of the embedding (:func:`kde_peaks`) and the wake asymmetry read-out
(:func:`wake_asymmetry`). :func:`run_flow_seed` runs all of it on the simulated flow of
:mod:`lambdalib.data.flow` for one seed, scored with :mod:`lambdalib.core.frame_metrics`,
:mod:`lambdalib.papers.conda.embedding` (SVM folds, direction cosines) and the ablations of
:mod:`lambdalib.papers.conda.autoencoders`; :func:`run_motion_seed` does the same on BasicMotions.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.fitting import minibatch_fit
from lambdalib.core.layers import sinusoidal_embedding
from lambdalib.core.metrics import psnr, ssim
from lambdalib.core.seed import set_seed
from lambdalib.data.flow import FlowConfig, FlowData, simulate_flow
from lambdalib.papers.conda.autoencoders import AUTOENCODERS, BetaVAE, make_autoencoder
from lambdalib.papers.conda.embedding import (
    direction_cosine,
    pair_folds,
    random_cosine,
    svm_accuracy,
)
from lambdalib.papers.conda.traversal import METHODS, LSTMForecaster, impute, lerp

__all__ = ["LatentDenoiser", "LatentDiffusion", "fit_cebra", "embed_segments", "KNNLift", "wake_asymmetry",
           "kde_peaks", "segments", "ConDASizes", "SIZES", "get_sizes", "simulate", "holdout", "run_flow_seed",
           "svm_folds", "class_traversal", "run_seeds", "physics_table", "run_motion_seed",
           "activity_traversal"]


# ----- latent diffusion --------------------------------------------------------------------------
class LatentDenoiser(nn.Module):
    """Noise-predicting residual MLP ``(z_t (b, 1, c), t (b,), cond (b, k)) -> eps_hat (b, 1, c)``.

    It predicts eps, not x0: DDIM inversion reads eps off the model at every step, and eps
    recovered from an x0-predictor, (z_t - sqrt(abar_t) z0_hat) / sqrt(1 - abar_t), multiplies the
    model's error by up to 1 / sqrt(1 - abar_0) (about 30 at T = 100), which turns x_T into noise
    that only the exact reverse pass undoes. :meth:`LatentDiffusion._model_fn` converts eps_hat to
    the x0_hat that lambdalib's samplers take.
    """

    def __init__(self, c: int, k: int, width: int = 256, depth: int = 3):
        super().__init__()
        self.width = width
        self.inp = nn.Linear(c, width)
        self.t_mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))
        self.cond_mlp = nn.Sequential(nn.Linear(k, width), nn.SiLU(), nn.Linear(width, width))
        self.blocks = nn.ModuleList(nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.SiLU(),
                                                  nn.Linear(width, width)) for _ in range(depth))
        self.out = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, c))

    def forward(self, z_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.inp(z_t[:, 0]) + self.t_mlp(sinusoidal_embedding(t, self.width)) + self.cond_mlp(cond)  # (b, w)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)[:, None]                                             # (b, 1, c)


class LatentDiffusion:
    """Autoencoder stage + conditional latent diffusion + DDIM sampling and inversion.

    ``fit(frames (N, h, w), cond (N, k))``; ``invert(frames, cond) -> x_T (N, c)``;
    ``generate(x_T, cond) -> frames (N, h, w)`` (DDIM, eta = 0, ``ddim_steps`` steps).
    ``autoencoder`` is ``"pca"`` (whitened PCA) or ``"conv"`` (a convolutional autoencoder
    trained for ``ae_steps`` steps before the denoiser; its draws come first from ``generator``).
    """

    def __init__(self, *, n_components: int = 64, autoencoder: str = "pca", ae_steps: int = 2000, width: int = 256,
                 depth: int = 3, timesteps: int = 100, ddim_steps: int = 50, steps: int = 3000, batch_size: int = 128,
                 lr: float = 1e-3, device: str | torch.device = "cpu"):
        self.autoencoder = check_choice("autoencoder", autoencoder, AUTOENCODERS)
        self.n_components, self.ae_steps, self.width, self.depth = n_components, ae_steps, width, depth
        self.timesteps, self.ddim_steps = timesteps, ddim_steps
        self.steps, self.batch_size, self.lr = steps, batch_size, lr
        self.device = torch.device(device)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, c)`` unit-scale codes of the autoencoder stage."""
        return self.autoencoder_.encode(frames)

    def decode(self, z: np.ndarray) -> np.ndarray:
        """``(N, c) -> (N, h, w)``."""
        return self.autoencoder_.decode(z)

    def _cond(self, cond: np.ndarray) -> torch.Tensor:
        return torch.as_tensor((np.asarray(cond) - self.cond_mean_) / self.cond_std_, dtype=torch.float32,
                               device=self.device)

    def fit(self, frames: np.ndarray, cond: np.ndarray, *, generator: torch.Generator,
            progress: bool = True) -> "LatentDiffusion":
        frames = np.asarray(frames, dtype=np.float32)
        self.autoencoder_ = make_autoencoder(self.autoencoder, self.n_components, steps=self.ae_steps,
                                             device=self.device).fit(frames, generator=generator, progress=progress)
        z0 = torch.as_tensor(self.encode(frames), dtype=torch.float32, device=self.device)[:, None]  # (N, 1, c)
        self.cond_mean_, self.cond_std_ = np.mean(cond, 0), np.std(cond, 0) + 1e-8
        c = self._cond(cond)                                                    # (N, k)
        self.diffusion_ = GaussianDiffusion(self.timesteps, "linear", device=self.device)
        self.model_ = LatentDenoiser(z0.shape[-1], c.shape[1], self.width, self.depth).to(self.device)
        opt = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, self.steps)

        def batch_loss():                                                       # ConDA eq. 2
            idx = torch.randint(len(z0), (self.batch_size,), generator=generator).to(self.device)
            t = torch.randint(self.timesteps, (self.batch_size,), generator=generator).to(self.device)
            noise = torch.randn(z0[idx].shape, generator=generator).to(self.device)
            return F.mse_loss(self.model_(self.diffusion_.q_sample(z0[idx], t, noise), t, c[idx]), noise)
        losses = minibatch_fit(opt, batch_loss, self.steps, name="latent diffusion", scheduler=sched,
                               progress=progress)
        self.history_ = pd.DataFrame({"step": np.arange(self.steps), "loss": losses})
        self.model_.eval()
        return self

    def _model_fn(self, cond: np.ndarray):
        """``(z_t, t) -> z0_hat = (z_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t)`` under ``cond``."""
        c, d = self._cond(cond), self.diffusion_

        def model_fn(x_t, t):
            return d.predict_start_from_noise(x_t, t, self.model_(x_t, t, c))
        return model_fn

    @torch.no_grad()
    def invert(self, frames: np.ndarray, cond: np.ndarray) -> np.ndarray:
        """DDIM inversion of ``frames (N, h, w)`` to ``x_T (N, c)`` (ConDA eq. 11)."""
        z0 = torch.as_tensor(self.encode(frames), dtype=torch.float32, device=self.device)[:, None]
        return self.diffusion_.ddim_invert(self._model_fn(cond), z0, steps=self.ddim_steps)[:, 0].cpu().numpy()

    @torch.no_grad()
    def generate(self, x_T: np.ndarray, cond: np.ndarray) -> np.ndarray:
        """DDIM sampling from ``x_T (N, c)`` under ``cond (N, k)``, decoded to frames ``(N, h, w)``."""
        x = torch.as_tensor(np.asarray(x_T), dtype=torch.float32, device=self.device)[:, None]
        z0 = self.diffusion_.ddim_sample(self._model_fn(cond), x.shape, steps=self.ddim_steps, x_T=x)
        return self.decode(z0[:, 0].cpu().numpy())


# ----- contrastive embedding and lifting ---------------------------------------------------------
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
    """kNN decoder from the embedding back to x_T (ConDA Algorithm B.3, stage B): the mean of
    the ``n_neighbors`` nearest training embeddings' x_T (and their conditions)."""

    def __init__(self, n_neighbors: int = 5):
        self.n_neighbors = n_neighbors

    def fit(self, e: np.ndarray, x_T: np.ndarray, cond: np.ndarray) -> "KNNLift":
        self.nn_ = NearestNeighbors(n_neighbors=self.n_neighbors).fit(e)
        self.x_T_, self.cond_ = np.asarray(x_T), np.asarray(cond)
        return self

    def predict(self, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``e (q, d) -> (x_T (q, c), cond (q, k))`` neighbour means."""
        if not hasattr(self, "nn_"):
            raise ValueError("KNNLift is not fitted; call fit first")
        idx = self.nn_.kneighbors(e, return_distance=False)                    # (q, k)
        return self.x_T_[idx].mean(1), self.cond_[idx].mean(1)


# ----- class peaks and the wake read-out ---------------------------------------------------------
def kde_peaks(e: np.ndarray, labels: np.ndarray) -> dict:
    """Per class c, the sample maximising p_c - p_other (Gaussian KDEs; ConDA section 3.3 (3))."""
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


def wake_asymmetry(frames: np.ndarray) -> np.ndarray:
    """||omega + omega flipped about the channel axis|| / ||omega|| per frame, ``(N, h, w) -> (N,)``:
    0 for the mirror-antisymmetric steady wake, of order 1 when vortices shed."""
    f = np.asarray(frames, float)
    return np.linalg.norm((f + f[:, ::-1]).reshape(len(f), -1), axis=1) / np.linalg.norm(f.reshape(len(f), -1), axis=1)


# ----- the flow experiment -------------------------------------------------------------------------
@dataclass(frozen=True)
class ConDASizes:
    """Every size of the flow experiment at one profile."""

    flow: FlowConfig = field(default_factory=FlowConfig)  # LBM grid, steps, frames
    steady: tuple = (20, 25, 30, 35, 40)     # Reynolds numbers below Re_c (paper: 20-40)
    unsteady: tuple = (60, 80, 100, 110, 120)  # Reynolds numbers that shed (paper: 100-120)
    st_reynolds: float = 100                 # Schäfer-Turek 2D-2, where St is published
    n_components: int = 64                   # autoencoder latents c
    autoencoder: str = "pca"                 # autoencoder stage: "pca" (whitened) or "conv" (trained)
    ae_steps: int = 0                        # optimiser steps of the conv autoencoder (unused by PCA)
    width: int = 128                         # denoiser width
    depth: int = 3                           # denoiser residual blocks
    timesteps: int = 100                     # diffusion T
    ddim_steps: int = 20                     # DDIM steps for inversion and sampling
    diffusion_steps: int = 1500              # optimiser steps of the denoiser
    cebra_iterations: int = 250              # CEBRA iterations, main embedding
    fold_iterations: int = 120               # CEBRA iterations inside each SVM fold
    cebra_batch: int = 128                   # CEBRA batch size
    n_neighbors: int = 5                     # kNN lift
    lstm_steps: int = 2000                   # LSTM baseline optimiser steps (loss still falling here)
    vae_steps: int = 600                     # beta-VAE optimiser steps
    block: tuple = (0.45, 0.6)               # held-out contiguous block (fractions of a sequence)
    sparse_every: int = 6                    # held-out sparse frames: every k-th outside the block


SIZES = {
    "quick": ConDASizes(),
    # Longer simulation (more shedding periods, finer frame spacing), a convolutional autoencoder
    # stage, the paper's T = 1000 and 100 DDIM steps, and CEBRA trained ten times longer; for a GPU.
    "paper": ConDASizes(flow=FlowConfig(steps=16000, record_from=6000, frame_every=25), autoencoder="conv",
                        ae_steps=5000, timesteps=1000,
                        ddim_steps=100, diffusion_steps=20000, cebra_iterations=5000, fold_iterations=5000,
                        cebra_batch=512, lstm_steps=5000, vae_steps=10000, width=256),
}


def get_sizes(profile: str) -> ConDASizes:
    return SIZES[check_choice("profile", profile, tuple(SIZES))]


def simulate(sizes: ConDASizes, seeds: list[int], *, device="cpu", progress: bool = True):
    """The Reynolds sweep (initial perturbation seeded by ``seeds[0]``) and, in the same batch,
    the St Reynolds number again for every further seed. Returns (sweep FlowData, St per seed)."""
    re = list(sizes.steady) + list(sizes.unsteady)
    extra = [sizes.st_reynolds] * (len(seeds) - 1)
    data = simulate_flow(re + extra, sizes.flow, seeds=[seeds[0]] * len(re) + list(seeds[1:]), device=device,
                         progress=progress)
    st = np.concatenate([data.strouhal[[re.index(sizes.st_reynolds)]], data.strouhal[len(re):]])
    n = len(re)
    sweep = FlowData(reynolds=data.reynolds[:n], frames=data.frames[:n], time=data.time, probe=data.probe[:n],
                     amplitude=data.amplitude[:n], strouhal=data.strouhal[:n], config=data.config)
    return sweep, st


def holdout(n_frames: int, sizes: ConDASizes) -> dict[str, np.ndarray]:
    """Held-out frame indices of every sequence: a contiguous ``block`` and ``sparse`` single
    frames (every ``sparse_every``-th, at least 4 frames from the ends and the block)."""
    b0, b1 = (int(round(f * n_frames)) for f in sizes.block)
    k = sizes.sparse_every
    sparse = np.array([i for i in range(k, n_frames - 4, k) if i < b0 - 4 or i >= b1 + 4])
    return {"block": np.arange(b0, b1), "sparse": sparse}


def _cond(data: FlowData) -> np.ndarray:
    """Condition of every frame, ``(r, f, 2)``: (time in U D^-1 units, Re)."""
    r, f = data.frames.shape[:2]
    return np.stack([np.broadcast_to(data.time, (r, f)), np.broadcast_to(data.reynolds[:, None], (r, f))], -1)


def _lstm(sequences, steps, seed):
    return LSTMForecaster(sequences[0].shape[1]).fit(sequences, steps=steps,
                                                     generator=torch.Generator().manual_seed(seed))


def run_flow_seed(data: FlowData, sizes: ConDASizes, seed: int, *, device="cpu", progress: bool = True) -> dict:
    """The whole ConDA pipeline on the flow sweep for one seed; returns tables and fitted parts."""
    gen = set_seed(seed)
    clock = [("start", time.perf_counter())]

    def lap(name):
        clock.append((name, time.perf_counter()))
    frames, cond = data.frames, _cond(data)                                    # (r, f, h, w), (r, f, 2)
    r, nf = frames.shape[:2]
    held = holdout(nf, sizes)
    known = np.ones(nf, bool)
    known[np.concatenate(list(held.values()))] = False
    data_range = float(np.ptp(frames))
    ld = LatentDiffusion(n_components=sizes.n_components, autoencoder=sizes.autoencoder, ae_steps=sizes.ae_steps,
                         width=sizes.width, depth=sizes.depth, timesteps=sizes.timesteps,
                         ddim_steps=sizes.ddim_steps, steps=sizes.diffusion_steps, device=device)
    ld.fit(frames[:, known].reshape(-1, *frames.shape[2:]), cond[:, known].reshape(-1, 2), generator=gen,
           progress=progress)
    flat_f, flat_c = frames.reshape(r * nf, *frames.shape[2:]), cond.reshape(r * nf, 2)
    x_T = ld.invert(flat_f, flat_c).reshape(r, nf, -1)                          # (r, f, c)
    lap("latent diffusion + inversion")

    # DDIM round trip and the autoencoder's own ceiling.
    rec = ld.generate(x_T.reshape(r * nf, -1), flat_c)
    split = np.broadcast_to(np.where(known, "train", "held-out"), (r, nf)).ravel()
    roundtrip = pd.DataFrame({"split": split, "psnr": psnr(rec, flat_f, data_range),
                              "ssim": ssim(rec, flat_f, data_range),
                              "ae_psnr": psnr(ld.decode(ld.encode(flat_f)), flat_f, data_range),
                              "x_T_std": x_T.reshape(r * nf, -1).std(1)})

    # Contrastive embedding of the known frames (one sequence per Re, gaps included).
    model = fit_cebra(x_T[:, known].reshape(-1, x_T.shape[-1]), cond[:, known].reshape(-1, 2),
                      iterations=sizes.cebra_iterations, batch_size=sizes.cebra_batch, seed=seed, device="cpu")
    e_known = np.stack([embed_segments(model, x_T[i], known) for i in range(r)])  # (r, f, 3), NaN held out
    e_oracle = np.stack([model.transform(x_T[i].astype(np.float32)) for i in range(r)])
    lift = KNNLift(sizes.n_neighbors).fit(e_known[:, known].reshape(-1, 3), x_T[:, known].reshape(-1, x_T.shape[-1]),
                                          cond[:, known].reshape(-1, 2))
    lap("CEBRA")
    spaces = {"raw x_T": (x_T, x_T), "embedding": (e_known, e_oracle)}
    lstms = {name: _lstm([z[i][seg] for i in range(r) for seg in segments(known)], sizes.lstm_steps, seed)
             for name, (z, _) in spaces.items()}
    rows = []
    for protocol, q in held.items():
        truth, qc = frames[:, q].reshape(-1, *frames.shape[2:]), cond[:, q].reshape(-1, 2)

        def score(space, method, pred_frames, nrmse=np.nan):
            rows.append({"protocol": protocol, "space": space, "method": method,
                         "psnr": float(psnr(pred_frames, truth, data_range).mean()),
                         "ssim": float(ssim(pred_frames, truth, data_range).mean()), "nrmse": float(nrmse)})

        tk = np.flatnonzero(known)
        for space, (z, z_true) in spaces.items():
            spread = np.sqrt(z[:, known].reshape(-1, z.shape[-1]).var(0).mean())   # per-coordinate sd
            for method in METHODS:
                pred = np.concatenate([impute(z[i, tk], tk, q, method, lstm=lstms[space]) for i in range(r)])
                rmse = np.sqrt(((pred - z_true[:, q].reshape(len(pred), -1)) ** 2).mean())
                latent = pred if space == "raw x_T" else lift.predict(pred)[0]
                score(space, method, ld.generate(latent, qc), rmse / spread)
        prev = np.array([tk[tk < i][-1] for i in q])
        score("control", "copy previous frame", frames[:, prev].reshape(truth.shape))
        score("control", "pixel lerp", np.concatenate([impute(frames[i, tk].reshape(len(tk), -1), tk, q, "lerp")
                                                        for i in range(r)]).reshape(truth.shape))
        score("control", "time-averaged frame", np.repeat(frames[:, known].mean(1), len(q), 0))
        score("control", "oracle lift", ld.generate(lift.predict(e_oracle[:, q].reshape(-1, 3))[0], qc))
        score("control", "condition only (x_T ~ N(0, I))",
              ld.generate(torch.randn(len(qc), x_T.shape[-1], generator=gen).numpy(), qc))
        score("control", "round trip (true x_T)", ld.generate(x_T[:, q].reshape(len(qc), -1), qc))
    traversal = pd.DataFrame(rows)
    lap("traversals")

    # Ablation (ConDA Table 2): 3-d PCA and beta-VAE codes, spline through the block, own decoder.
    train_frames = frames[:, known].reshape(-1, *frames.shape[2:])
    pca3 = PCA(3).fit(train_frames.reshape(len(train_frames), -1))
    vae = BetaVAE(int(np.prod(frames.shape[2:]))).fit(train_frames, steps=sizes.vae_steps, generator=gen)
    q = held["block"]
    truth = frames[:, q].reshape(-1, *frames.shape[2:])
    ablation = []
    for name, enc, dec in (("PCA", lambda x: pca3.transform(x.reshape(len(x), -1)),
                            lambda z: pca3.inverse_transform(z).reshape(len(z), *frames.shape[2:])),
                           ("beta-VAE", vae.encode, lambda z: vae.decode(z, frames.shape[2:]))):
        pred = np.concatenate([dec(impute(enc(frames[i, known]), np.flatnonzero(known), q, "spline"))
                               for i in range(r)])
        ablation.append({"method": name, "psnr": float(psnr(pred, truth, data_range).mean()),
                         "ssim": float(ssim(pred, truth, data_range).mean())})
    lap("ablation")
    conda_row = traversal.query("protocol == 'block' and space == 'embedding' and method == 'spline'").iloc[0]
    ablation.append({"method": "ConDA (CEBRA + kNN lift + DDIM)", "psnr": conda_row.psnr, "ssim": conda_row.ssim})

    # Orthogonality of the time and Re regression directions (ConDA appendix C.4).
    tc, rc = cond[:, known, 0].ravel(), cond[:, known, 1].ravel()
    rng = np.random.default_rng(seed)
    ortho = pd.DataFrame({"space": ["raw x_T", "embedding"], "dim": [x_T.shape[-1], 3],
                          "cos": [direction_cosine(x_T[:, known].reshape(-1, x_T.shape[-1]), tc, rc),
                                  direction_cosine(e_known[:, known].reshape(-1, 3), tc, rc)],
                          "random_median": [random_cosine(x_T.shape[-1], rng=rng), random_cosine(3, rng=rng)]})
    svm = svm_folds(x_T, cond, data.reynolds, sizes, seed)
    lap("SVM folds")
    timing = pd.Series({name: t - clock[i][1] for i, (name, t) in enumerate(clock[1:])}, name="seconds")
    return {"seed": seed, "roundtrip": roundtrip, "traversal": traversal, "ablation": pd.DataFrame(ablation),
            "ortho": ortho, "svm": svm, "timing": timing,
            "diffusion": ld, "cebra": model, "e_known": e_known, "e_oracle": e_oracle, "x_T": x_T, "lift": lift,
            "known": known, "held": held, "lstm_loss": {k: v.history_ for k, v in lstms.items()},
            "vae_loss": vae.history_, "data_range": data_range}


def svm_folds(x_T: np.ndarray, cond: np.ndarray, reynolds: np.ndarray, sizes: ConDASizes, seed: int) -> pd.DataFrame:
    """Steady vs unsteady, leaving one (steady, unsteady) Re pair out per fold; CEBRA is refitted
    on the training Reynolds numbers of each fold, so no held-out frame shapes the embedding."""
    r, nf, c = x_T.shape
    groups = np.repeat(reynolds, nf)
    y = np.isin(groups, sizes.unsteady).astype(int)
    x = x_T.reshape(-1, c)
    rows = []
    for fold, (tr, te) in enumerate(pair_folds(groups, list(sizes.steady), list(sizes.unsteady))):
        model = fit_cebra(x[tr], cond.reshape(-1, 2)[tr], iterations=sizes.fold_iterations,
                          batch_size=sizes.cebra_batch, seed=seed + 1000 * (fold + 1))
        e = np.concatenate([model.transform(x_T[i].astype(np.float32)) for i in range(r)])
        for kernel in ("linear", "rbf"):
            for space, feats in (("raw x_T", x), ("embedding", e)):
                rows.append({"fold": fold, "held_out_re": f"{sizes.steady[fold]}, {sizes.unsteady[fold]}",
                             "kernel": kernel, "space": space,
                             "accuracy": svm_accuracy(feats[tr], y[tr], feats[te], y[te], kernel)})
    return pd.DataFrame(rows)


def class_traversal(result: dict, data: FlowData, sizes: ConDASizes, n: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Decoded frames along the line between the steady and unsteady KDE peaks of the embedding
    (ConDA eq. 8), ``(n, h, w)``, and the embedding points ``(n, 3)``; conditions are lifted too."""
    known = result["known"]
    e = result["e_known"][:, known].reshape(-1, 3)
    labels = np.repeat(np.isin(data.reynolds, sizes.unsteady), known.sum())
    peaks = kde_peaks(e, labels)
    s = np.linspace(0, 1, n)
    path = lerp(np.repeat(peaks[False][None], n, 0), np.repeat(peaks[True][None], n, 0), s)
    x_T, cond = result["lift"].predict(path)
    return result["diffusion"].generate(x_T, cond), path


def run_seeds(fn, data, sizes: ConDASizes, seeds: list[int], *, n_jobs: int = 1, **kwargs) -> list[dict]:
    """``fn(data, sizes, seed, **kwargs)`` (:func:`run_flow_seed`, :func:`run_motion_seed`) for
    every seed, ``n_jobs`` seeds at a time in separate 1-thread processes (results do not depend
    on ``n_jobs``)."""
    from joblib import Parallel, delayed

    if n_jobs == 1:
        return [fn(data, sizes, s, **kwargs) for s in seeds]
    return Parallel(n_jobs=n_jobs)(delayed(fn)(data, sizes, s, **kwargs) for s in seeds)


def physics_table(data: FlowData, sizes: ConDASizes) -> pd.DataFrame:
    """Per Reynolds number: peak-to-peak wake velocity (units of U_mean) in the first and last
    sixth of the recording, their log ratio (< 0: the oscillation decays), and St."""
    k = data.probe.shape[1] // 6
    early, late = np.ptp(data.probe[:, :k], 1), np.ptp(data.probe[:, -k:], 1)
    return pd.DataFrame({"Re": data.reynolds, "regime": np.where(np.isin(data.reynolds, sizes.unsteady),
                                                                  "unsteady", "steady"),
                         "early_ptp": early, "late_ptp": late, "log_decay": np.log(late / early),
                         "St": data.strouhal})


def run_motion_seed(windows, sizes: ConDASizes, seed: int, *, n_components: int = 16, device="cpu") -> dict:
    """ConDA on BasicMotions windows (:mod:`lambdalib.data.basic_motions`) for one seed: latent
    diffusion conditioned on the window's position in its trial (not on the activity), DDIM
    inversion, CEBRA with the activity as a discrete label (training trials only), and SVMs
    trained on the training trials' windows and tested on the test trials'. The autoencoder stage
    is whitened PCA at every profile (windows of 6 channels are too narrow for strided convolutions)."""
    gen = set_seed(seed)
    classes, y = np.unique(windows.label, return_inverse=True)
    cond = windows.start[:, None].astype(float)                                # (b, 1)
    tr, te = windows.train, ~windows.train
    ld = LatentDiffusion(n_components=n_components, width=sizes.width, depth=sizes.depth,
                         timesteps=sizes.timesteps, ddim_steps=sizes.ddim_steps, steps=sizes.diffusion_steps,
                         device=device).fit(windows.x[tr], cond[tr], generator=gen, progress=False)
    x_T = ld.invert(windows.x, cond)                                            # (b, c)
    model = fit_cebra(x_T[tr], y[tr], iterations=sizes.cebra_iterations, batch_size=sizes.cebra_batch, seed=seed)
    e = np.concatenate([model.transform(x_T[windows.trial == k].astype(np.float32))
                        for k in np.unique(windows.trial)])                     # trials in order
    flat = windows.x.reshape(len(windows.x), -1)
    rows = [{"kernel": kernel, "space": space, "accuracy": svm_accuracy(f[tr], y[tr], f[te], y[te], kernel)}
            for kernel in ("linear", "rbf")
            for space, f in (("raw windows", flat), ("raw x_T", x_T), ("embedding", e))]
    return {"seed": seed, "svm": pd.DataFrame(rows), "e": e, "y": y, "classes": classes, "x_T": x_T,
            "diffusion": ld, "lift": KNNLift(sizes.n_neighbors).fit(e[tr], x_T[tr], cond[tr]),
            "cebra_loss": np.asarray(model.state_dict_["loss"], dtype=float)}


def activity_traversal(result: dict, source: str, target: str, n: int = 6) -> np.ndarray:
    """Decoded windows ``(n, len, 6)`` along the line between two activities' mean embeddings
    (projected back to the unit sphere), lifted by kNN and decoded with DDIM."""
    classes = list(result["classes"])
    e, y = result["e"], result["y"]
    a, b = (e[y == classes.index(c)].mean(0) for c in (source, target))
    path = lerp(np.repeat(a[None], n, 0), np.repeat(b[None], n, 0), np.linspace(0, 1, n))
    path /= np.linalg.norm(path, axis=1, keepdims=True)
    x_T, cond = result["lift"].predict(path)
    return result["diffusion"].generate(x_T, cond)
