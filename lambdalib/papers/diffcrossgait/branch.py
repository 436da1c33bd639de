"""DiffCrossGait (its sections 3.1-3.4): shared-noise latent diffusion as a training-only
regulariser of the Base gait model (:mod:`lambdalib.papers.diffcrossgait.recognition`).

Generative branch. A 1x1 generative head per modality maps the sequence-level map ``F_m``
``(b, c, h, w)`` to the clean latent ``z_m``, normalised per sample to zero mean and unit
RMS (without it, a latent shrunk to zero would satisfy every alignment term); global
average pooling of ``F_m`` gives the identity prior ``c_m`` (eq. 6). Both latents are noised
with the *same* ``eps`` by :meth:`lambdalib.core.diffusion.GaussianDiffusion.q_sample` (eq. 7) and
denoised by one parameter-shared :class:`Denoiser` (eq. 8): four residual blocks and an
axial-attention bottleneck over the vertical axis (eq. 9-11) whose output is the bridging
state ``B``; it predicts ``eps`` and ``x0_hat`` follows from eq. 13.

Tri-phase schedule (eq. 12-17). With ``abar_t`` the schedule's signal level, phase 1 holds the
steps with ``abar_t >= gamma1`` (small noise), phase 2 ``gamma2 <= abar_t < gamma1``, phase 3
the rest. Each step draws one ``t`` per sample in each active phase and adds:

- phase 1, identity anchoring: self-conditioned; triplet + cross-entropy on ``x0_hat`` passed
  through the shared part FCs and the joint BNNeck;
- phase 2, dynamics consistency: self-conditioned; ``|eps_hat_2d - eps_hat_3d|^2``,
  ``|B_2d - B_3d|^2`` and self-reconstruction ``|x0_hat_m - z_m|^2``;
- phase 3, cross-modal recoverability: cross-conditioned (2D denoised with the 3D prior and
  vice versa); the same two consistency terms and cross-reconstruction ``|x0_hat_2d - z_3d|^2``
  (and the mirror);
- in every active phase the denoising loss ``|eps_hat - eps|^2`` that makes the denoiser one.

Choices where our copy of the paper lost the formulas: ``T = 100`` and ``gamma1 = 0.95``,
``gamma2 = 0.5`` (the defaults of its sensitivity table), the DDPM linear schedule, all loss
weights 1 inside the branch and one weight ``lambda_gen`` for the whole branch, and
reconstruction terms weighted by ``min(SNR_t, 1)`` (Hang et al. 2023): eq. 13 divides by
``sqrt(abar_t)``, which is 0.007 at the largest ``t`` (T = 100), so unweighted phase-3
reconstruction errors are up to 2 x 10^4 times larger than the rest. Without shared noise the consistency of the two
noise predictions is dropped (their targets differ).

At inference only ``GaitBase.encode`` runs: the generative branch is a separate module that
the retrieval never calls.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn
from tqdm.auto import tqdm

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.layers import sinusoidal_embedding
from lambdalib.core.metrics import plateau_ratio
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.gait.render import GALLERY_SEQUENCES, RenderConfig, RenderedGait
from lambdalib.papers.diffcrossgait.recognition import (
    MODALITIES,
    GaitBase,
    GaitConfig,
    PairSampler,
    cross_modal_triplet,
    id_loss,
    rank_k,
    retrieval_table,
)

__all__ = ["DiffConfig", "VARIANTS", "SENSITIVITY", "Sizes", "SIZES", "get_sizes", "ablation_sizes", "phase_bounds",
           "Denoiser", "GenerativeBranch", "tri_phase_losses", "train", "encode_split",
           "evaluate", "trajectory_diagnostic", "build", "training_loss", "flops", "run_variant", "run_grid",
           "split_data", "gei_baseline", "PLANS", "plan_jobs", "metrics_frame", "convergence_table",
           "cross_modal", "guessed_choices", "paired_differences", "sensitivity_table", "plot_ablations",
           "summary_table", "inference_ratio", "plot_frames", "plot_curves", "plot_trajectory"]


@dataclass(frozen=True)
class DiffConfig:
    """The generative branch; ``phases=()`` is Base."""

    phases: tuple[int, ...] = (1, 2, 3)   # active phases of the tri-phase schedule
    shared_denoiser: bool = True          # one denoiser for both modalities (else one each)
    shared_noise: bool = True             # the same eps for both modalities (eq. 7)
    timesteps: int = 100                  # T (the paper's sensitivity table: 50 / 100 / 200)
    schedule: str = "linear"              # DDPM linear (lambdalib.core.diffusion)
    gamma1: float = 0.95                  # phase 1: abar_t >= gamma1
    gamma2: float = 0.5                   # phase 2: gamma2 <= abar_t < gamma1; phase 3 below
    lambda_gen: float = 1.0               # weight of the whole generative branch
    width: int = 16                       # denoiser channels (the latent keeps the backbone's c)
    heads: int = 2                        # axial attention heads
    emb: int = 64                         # timestep / condition embedding width

    def __post_init__(self):
        bad = set(self.phases) - {1, 2, 3}
        if bad:
            raise ValueError(f"phases must be drawn from (1, 2, 3), got {self.phases!r}")
        if not 0.0 < self.gamma2 < self.gamma1 < 1.0:
            raise ValueError(f"need 0 < gamma2 < gamma1 < 1, got gamma1={self.gamma1}, gamma2={self.gamma2}")


# The chapter's models: Base, the phase ablation (paper Tab. 6), and the Tab. 5 / 7 ablations.
VARIANTS = {
    "base": DiffConfig(phases=()),
    "p1": DiffConfig(phases=(1,)),
    "p1+p2": DiffConfig(phases=(1, 2)),
    "p1+p3": DiffConfig(phases=(1, 3)),
    "p2+p3": DiffConfig(phases=(2, 3)),
    "full": DiffConfig(),
    "independent_denoiser": DiffConfig(shared_denoiser=False),
    "independent_noise": DiffConfig(shared_noise=False),
}


@dataclass(frozen=True)
class Sizes:
    """Data, model and training sizes of one profile."""

    render: RenderConfig                  # the rendered data set
    n_train: int                          # training identities (the rest are test identities)
    channels: tuple[int, ...]             # backbone widths
    d: int                                # embedding width per part
    steps: int                            # optimiser steps
    P: int                                # identities per batch
    K: int                                # sequences per identity
    frames: int                           # frames per training sequence
    lr: float                             # Adam learning rate
    weight_decay: float
    milestones: tuple[float, ...] = (0.6, 0.85)  # lr x 0.1 at these fractions of the steps
    diag_every: int = 5                   # trajectory diagnostic every k-th timestep


SIZES = {
    # 2 CPU cores, minutes: 150 walkers (100 train / 50 test), 32 x 24 frames, tiny CNN.
    "quick": Sizes(render=RenderConfig(n_identities=150), n_train=100, channels=(8, 16, 32), d=64,
                   steps=600, P=8, K=2, frames=6, lr=1e-3, weight_decay=5e-4),
    # One GPU: more walkers at 64 x 44 and longer sequences, the paper's batch (8 x 8 x 10 frames).
    "paper": Sizes(render=RenderConfig(n_identities=400, n_frames=30, height=64, width=44), n_train=200,
                   channels=(32, 64, 128), d=128, steps=10000, P=8, K=8, frames=10, lr=1e-3, weight_decay=5e-4,
                   milestones=(0.375, 0.75)),
}
# The ablation chapter's CPU size: the quick data and model with 60% of the steps, so that Full
# and its two ablations (3 seeds each) and the seven sensitivity settings (one seed), 16 runs of
# ~50 CPU-seconds, fit 8 minutes on 2 cores. Every comparison in that chapter is made at this size.
SIZES["ablation"] = replace(SIZES["quick"], steps=360)


def get_sizes(profile: str) -> Sizes:
    return SIZES[check_choice("profile", profile, tuple(SIZES))]


def ablation_sizes(profile: str) -> Sizes:
    """Sizes of the ablation chapter: ``SIZES["ablation"]`` at the quick profile, the paper's at
    the paper profile."""
    return SIZES["ablation" if check_choice("profile", profile, ("quick", "paper")) == "quick" else "paper"]


def phase_bounds(diffusion: GaussianDiffusion, gamma1: float, gamma2: float) -> tuple[int, int]:
    """Boundary steps (eq. 12): phase 1 is ``t < t1`` (abar_t >= gamma1), phase 2 ``t1 <= t < t2``
    (abar_t >= gamma2), phase 3 ``t >= t2``. Raises if a phase would be empty."""
    abar = diffusion.alphas_cumprod.cpu()
    t1, t2 = int((abar >= gamma1).sum()), int((abar >= gamma2).sum())
    if not 0 < t1 < t2 < diffusion.timesteps:
        raise ValueError(f"gamma1={gamma1}, gamma2={gamma2} leave an empty phase with T={diffusion.timesteps} "
                         f"(t1={t1}, t2={t2})")
    return t1, t2


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, with the (timestep + condition) embedding added in between."""

    def __init__(self, c_in: int, c_out: int, emb: int):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.proj = nn.Linear(emb, c_out)
        self.norm2, self.conv2 = nn.GroupNorm(8, c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x))) + self.proj(e)[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class AxialAttention(nn.Module):
    """Bottleneck (eq. 9-11): a channel bias from the embedding, then multi-head self-attention
    along the vertical axis of each column, with a residual; returns the bridging state ``B``."""

    def __init__(self, c: int, emb: int, heads: int):
        super().__init__()
        self.bias, self.norm = nn.Linear(emb, c), nn.LayerNorm(c)
        self.attn = nn.MultiheadAttention(c, heads, batch_first=True)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        x = x + self.bias(e)[:, :, None, None]                       # eq. 10
        seq = rearrange(x, "b c h w -> (b w) h c")                   # columns as sequences over h
        q = self.norm(seq)
        seq = seq + self.attn(q, q, q, need_weights=False)[0]        # eq. 11
        return rearrange(seq, "(b w) h c -> b c h w", b=b, w=w)


class Denoiser(nn.Module):
    """The lightweight denoiser of eq. 8: ``(z_t (b, c, h, w), t (b,), prior (b, c))`` ->
    ``(eps_hat (b, c, h, w), B (b, width, h/2, w/2))``. The condition is a learnable shared modal
    token concatenated with the identity prior."""

    def __init__(self, c: int, config: DiffConfig):
        super().__init__()
        m, e = config.width, config.emb
        self.token = nn.Parameter(0.02 * torch.randn(c))
        self.t_mlp = nn.Sequential(nn.Linear(m, e), nn.SiLU(), nn.Linear(e, e))
        self.c_mlp = nn.Sequential(nn.Linear(2 * c, e), nn.SiLU(), nn.Linear(e, e))
        self.inp = nn.Conv2d(c, m, 3, padding=1)
        self.res_in = ResBlock(m, m, e)
        self.down = nn.Conv2d(m, m, 3, stride=2, padding=1)
        self.res_mid = ResBlock(m, m, e)
        self.attn = AxialAttention(m, e, config.heads)
        self.res_mid2 = ResBlock(m, m, e)
        self.res_out = ResBlock(2 * m, m, e)
        self.out = nn.Conv2d(m, c, 3, padding=1)
        self.width = m

    def forward(self, z_t: torch.Tensor, t: torch.Tensor, prior: torch.Tensor):
        cond = torch.cat([self.token.expand_as(prior), prior], dim=1)          # (b, 2c)
        e = self.t_mlp(sinusoidal_embedding(t, self.width)) + self.c_mlp(cond)    # (b, emb)
        h0 = self.res_in(self.inp(z_t), e)                                      # (b, m, h, w)
        bridge = self.attn(self.res_mid(self.down(h0), e), e)                   # (b, m, h/2, w/2)
        h = F.interpolate(self.res_mid2(bridge, e), size=h0.shape[-2:], mode="nearest")
        return self.out(self.res_out(torch.cat([h, h0], dim=1), e)), bridge


class GenerativeBranch(nn.Module):
    """Generative heads, identity priors and the (shared or per-modality) denoiser."""

    def __init__(self, c: int, config: DiffConfig):
        super().__init__()
        self.config = config
        self.gen_heads = nn.ModuleDict({m: nn.Conv2d(c, c, 1) for m in MODALITIES})
        shared = Denoiser(c, config) if config.shared_denoiser else None
        self.denoisers = nn.ModuleDict({m: shared if shared is not None else Denoiser(c, config) for m in MODALITIES})

    def latent(self, fmap: torch.Tensor, modality: str) -> torch.Tensor:
        """Normalised generative latent ``z_m`` ``(b, c, h, w)``: zero mean, unit RMS per sample."""
        z = self.gen_heads[modality](fmap)
        z = z - z.mean(dim=(1, 2, 3), keepdim=True)
        return z / z.pow(2).mean(dim=(1, 2, 3), keepdim=True).add(1e-6).sqrt()

    @staticmethod
    def prior(fmap: torch.Tensor) -> torch.Tensor:
        """Identity prior (eq. 6): global average pooling ``(b, c, h, w)`` -> ``(b, c)``."""
        return fmap.mean(dim=(2, 3))

    def denoise(self, z_t, t, prior, modality):
        return self.denoisers[modality](z_t, t, prior)


def _snr_weight(diffusion: GaussianDiffusion, t: torch.Tensor) -> torch.Tensor:
    """min(SNR_t, 1) per sample ``(b, 1, 1, 1)``, SNR_t = abar_t / (1 - abar_t)."""
    abar = diffusion.alphas_cumprod[t]
    return (abar / (1 - abar)).clamp(max=1.0)[:, None, None, None]


def tri_phase_losses(base: GaitBase, gen: GenerativeBranch, diffusion: GaussianDiffusion,
                     fmaps: dict[str, torch.Tensor], y: torch.Tensor, bounds: tuple[int, int],
                     generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """The generative branch's loss terms for one batch (eq. 12-17), by name (``"id1"``,
    ``"eps_cons2"``, ``"rec3"`` ...); only the active phases' terms are present.

    ``fmaps[m]`` ``(b, c, h, w)`` are the sequence-level maps of the paired batch, ``y`` ``(b,)``
    the labels, ``bounds = (t1, t2)`` from :func:`phase_bounds`.
    """
    cfg, (t1, t2) = gen.config, bounds
    ranges = {1: (0, t1), 2: (t1, t2), 3: (t2, diffusion.timesteps)}
    z = {m: gen.latent(fmaps[m], m) for m in MODALITIES}
    c = {m: gen.prior(fmaps[m]) for m in MODALITIES}
    b, dev = y.shape[0], y.device
    terms = {}
    for k in cfg.phases:
        t = torch.randint(*ranges[k], (b,), generator=generator).to(dev)
        eps2 = torch.randn(z["2d"].shape, generator=generator).to(dev)
        eps = {"2d": eps2, "3d": eps2 if cfg.shared_noise else torch.randn(z["3d"].shape, generator=generator).to(dev)}
        cond = {"2d": c["3d"], "3d": c["2d"]} if k == 3 else c                 # phase 3: cross-conditioning
        eps_hat, bridge, x0 = {}, {}, {}
        for m in MODALITIES:
            z_t = diffusion.q_sample(z[m], t, eps[m])                          # eq. 7
            eps_hat[m], bridge[m] = gen.denoise(z_t, t, cond[m], m)            # eq. 8
            x0[m] = diffusion.predict_start_from_noise(z_t, t, eps_hat[m])    # eq. 13
        terms[f"diff{k}"] = sum(F.mse_loss(eps_hat[m], eps[m]) for m in MODALITIES) / 2
        if k == 1:                                                             # identity anchoring
            f2, f3 = base.parts(x0["2d"]), base.parts(x0["3d"])
            terms["id1"] = (cross_modal_triplet(f2, f3, y, base.config.margin)
                            + id_loss(base.logits(f2, f3), torch.cat([y, y]), base.config.label_smoothing))
            continue
        if cfg.shared_noise:
            terms[f"eps_cons{k}"] = F.mse_loss(eps_hat["2d"], eps_hat["3d"])   # eq. 14
        terms[f"bridge{k}"] = F.mse_loss(bridge["2d"], bridge["3d"])           # eq. 15
        w = _snr_weight(diffusion, t)
        target = z if k == 2 else {"2d": z["3d"], "3d": z["2d"]}               # eq. 16 / eq. 17
        terms[f"rec{k}"] = sum((w * (x0[m] - target[m]) ** 2).mean() for m in MODALITIES) / 2
    return terms


def split_data(data: RenderedGait, n_train: int) -> tuple[RenderedGait, RenderedGait]:
    """Disjoint identities: the first ``n_train`` walkers train, the rest test."""
    n = data.sil.shape[0]
    if not 0 < n_train < n:
        raise ValueError(f"n_train must be in [1, {n - 1}], got {n_train!r}")

    def part(sel):
        nuis = data.nuisance[data.nuisance.identity.isin(range(n)[sel])]
        return RenderedGait(sil=data.sil[sel], rng=data.rng[sel], walkers=data.walkers.iloc[sel].reset_index(drop=True),
                            nuisance=nuis.reset_index(drop=True), config=data.config)

    return part(slice(0, n_train)), part(slice(n_train, n))


def build(n_classes: int, sizes: Sizes, config: DiffConfig, device: torch.device | str = "cpu"):
    """``(base, gen, diffusion, bounds)`` of one variant; ``gen`` is None for Base."""
    base = GaitBase(GaitConfig(n_classes=n_classes, channels=sizes.channels, d=sizes.d)).to(device)
    gen = GenerativeBranch(sizes.channels[-1], config).to(device) if config.phases else None
    diffusion = GaussianDiffusion(config.timesteps, config.schedule, device=device)
    return base, gen, diffusion, phase_bounds(diffusion, config.gamma1, config.gamma2)


def training_loss(base: GaitBase, gen: GenerativeBranch | None, diffusion: GaussianDiffusion, bounds: tuple[int, int],
                  batch, generator: torch.Generator | None = None):
    """Total loss of one batch ``(x2d, x3d, y)`` (eq. 18: Base's triplet + CE, plus
    ``lambda_gen`` x the generative terms) and its named terms."""
    dev = next(base.parameters()).device
    x2, x3, y = (v.to(dev) for v in batch)
    fmaps = {"2d": base.feature_map(x2, "2d"), "3d": base.feature_map(x3, "3d")}
    e2, e3 = base.embed(fmaps["2d"]), base.embed(fmaps["3d"])
    terms = {"triplet": cross_modal_triplet(e2, e3, y, base.config.margin),
             "ce": id_loss(base.logits(e2, e3), torch.cat([y, y]), base.config.label_smoothing)}
    loss = terms["triplet"] + terms["ce"]
    if gen is not None:
        gen_terms = tri_phase_losses(base, gen, diffusion, fmaps, y, bounds, generator)
        loss = loss + gen.config.lambda_gen * sum(gen_terms.values())
        terms.update(gen_terms)
    return loss, terms


def flops(train_data: RenderedGait, test_data: RenderedGait, sizes: Sizes, config: DiffConfig, *,
          seed: int = 0) -> dict[str, float]:
    """Counted FLOPs (``torch.utils.flop_counter``) of the first training step of ``seed``
    (forward + backward) and of encoding one test sequence in each modality: the cost that
    timings on a shared machine measure noisily."""
    from torch.utils.flop_counter import FlopCounterMode

    gen_torch = set_seed(seed, threads=torch.get_num_threads())
    base, gen, diffusion, bounds = build(train_data.sil.shape[0], sizes, config)
    batch = PairSampler(train_data.sil, train_data.rng, sizes.P, sizes.K, sizes.frames).sample(np.random.default_rng(seed))
    with FlopCounterMode(display=False) as train_count:
        training_loss(base, gen, diffusion, bounds, batch, gen_torch)[0].backward()
    base.eval()
    with FlopCounterMode(display=False) as infer_count, torch.no_grad():
        for m, arr in (("2d", test_data.sil), ("3d", test_data.rng)):
            base.encode(torch.from_numpy(arr[:1, 0]), m)
    return {"train_step": float(train_count.get_total_flops()), "inference": float(infer_count.get_total_flops())}


def train(train_data: RenderedGait, sizes: Sizes, config: DiffConfig, *, seed: int, device: str = "cpu",
          progress: bool = True):
    """Train Base (``config.phases == ()``) or a DiffCrossGait variant. Returns
    ``(base, gen, history)``: ``gen`` is None for Base; ``history`` one row per step with every
    loss term and the step's wall time ``sec``."""
    dev = resolve_device(device)
    gen_torch = set_seed(seed, threads=torch.get_num_threads() if dev.type == "cuda" else 1)
    rng = np.random.default_rng(seed)
    n_cls = train_data.sil.shape[0]
    base, gen, diffusion, bounds = build(n_cls, sizes, config, dev)
    params = list(base.parameters()) + (list(gen.parameters()) if gen is not None else [])
    opt = torch.optim.Adam(params, lr=sizes.lr, weight_decay=sizes.weight_decay)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [int(f * sizes.steps) for f in sizes.milestones], 0.1)
    sampler = PairSampler(train_data.sil, train_data.rng, sizes.P, sizes.K, sizes.frames)
    rows = []
    for step in tqdm(range(sizes.steps), desc=f"train {config.phases or 'base'}", disable=not progress, leave=False):
        start = time.perf_counter()
        loss, terms = training_loss(base, gen, diffusion, bounds, sampler.sample(rng), gen_torch)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"non-finite loss {loss.item()} at step {step} (terms: "
                                     f"{ {k: v.item() for k, v in terms.items()} })")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        rows.append({"step": step, "loss": loss.item(), **{k: v.item() for k, v in terms.items()},
                     "sec": time.perf_counter() - start})
    return base, gen, pd.DataFrame(rows)


@torch.no_grad()
def encode_split(base: GaitBase, data: RenderedGait, *, batch: int = 64) -> dict[str, torch.Tensor]:
    """Retrieval embeddings of every sequence, all frames: ``{m: (n_id, n_seq, p, d)}``."""
    base.eval()
    dev = next(base.parameters()).device
    out = {}
    for m, arr in (("2d", data.sil), ("3d", data.rng)):
        x = torch.from_numpy(arr).flatten(0, 1)                                   # (n_id n_seq, s, H, W)
        emb = torch.cat([base.encode(x[i:i + batch].to(dev), m).cpu() for i in range(0, len(x), batch)])
        out[m] = emb.reshape(*arr.shape[:2], *emb.shape[1:])
    return out


def evaluate(base: GaitBase, test: RenderedGait) -> pd.DataFrame:
    """:func:`lambdalib.papers.diffcrossgait.recognition.retrieval_table` on the test identities."""
    return retrieval_table(encode_split(base, test), np.arange(test.sil.shape[0]), test.conditions, GALLERY_SEQUENCES)


@torch.no_grad()
def trajectory_diagnostic(base: GaitBase, gen: GenerativeBranch, config: DiffConfig, test: RenderedGait, *,
                          every: int = 5, seed: int = 0) -> pd.DataFrame:
    """Gap between the two modalities' ``x0_hat(t)`` along the noise level, with identity
    retrieval on ``x0_hat(t)`` beside it (paper section 4.5).

    Each test sequence's two latents are noised with one shared ``eps`` at every ``every``-th
    ``t`` and denoised self-conditioned. ``gap`` = RMS of ``x0_hat_2d - x0_hat_3d`` (latents
    have unit RMS, so 1.41 is the gap of two unrelated latents); ``rank1_x0`` = 2D->3D rank-1 (%)
    of ``x0_hat(t)`` through the shared part FCs (gallery / probes as in :func:`evaluate`).
    """
    base.eval()
    gen.eval()
    dev = next(base.parameters()).device
    diffusion = GaussianDiffusion(config.timesteps, config.schedule, device=dev)
    g = torch.Generator().manual_seed(seed)
    n_id, n_seq = test.sil.shape[:2]
    fm = {m: torch.cat([base.feature_map(x.to(dev), m) for x in torch.from_numpy(a).flatten(0, 1).split(64)])
          for m, a in (("2d", test.sil), ("3d", test.rng))}
    z = {m: gen.latent(fm[m], m) for m in MODALITIES}
    c = {m: gen.prior(fm[m]) for m in MODALITIES}
    probe = [k for k in range(n_seq) if k not in GALLERY_SEQUENCES]
    ids = np.arange(n_id)
    rows = []
    for t_int in range(0, config.timesteps, every):
        t = torch.full((len(z["2d"]),), t_int, dtype=torch.long, device=dev)
        eps = torch.randn(z["2d"].shape, generator=g).to(dev)
        x0 = {}
        for m in MODALITIES:
            z_t = diffusion.q_sample(z[m], t, eps)
            x0[m] = diffusion.predict_start_from_noise(z_t, t, gen.denoise(z_t, t, c[m], m)[0])
        f = {m: base.parts(x0[m]).reshape(n_id, n_seq, -1, base.config.d) for m in MODALITIES}
        hits = rank_k(f["2d"][:, probe].flatten(0, 1), np.repeat(ids, len(probe)),
                      f["3d"][:, list(GALLERY_SEQUENCES)].flatten(0, 1), np.repeat(ids, len(GALLERY_SEQUENCES)), (1,))
        rows.append({"t": t_int, "abar": float(diffusion.alphas_cumprod[t_int]),
                     "gap": float((x0["2d"] - x0["3d"]).pow(2).mean().sqrt()),
                     "rank1_x0": 100.0 * float(hits["rank1"].mean())})
    return pd.DataFrame(rows)


def gei_baseline(test: RenderedGait) -> pd.DataFrame:
    """Trivial baseline: cross-modal retrieval on the raw gait energy image (mean of the
    frames; range views binarised to occupancy), one part, no learning."""
    gei = {"2d": test.sil.mean(2), "3d": (test.rng > 0).mean(2)}               # (n_id, n_seq, H, W)
    emb = {m: torch.from_numpy(v.reshape(*v.shape[:2], 1, -1)).float() for m, v in gei.items()}
    return retrieval_table(emb, np.arange(test.sil.shape[0]), test.conditions, GALLERY_SEQUENCES)


_DATA: dict = {}


def _init_worker(train_data: RenderedGait, test_data: RenderedGait) -> None:
    _DATA.update(train=train_data, test=test_data)


def run_variant(variant: str, seed: int, sizes: Sizes, *, config: DiffConfig | None = None,
                diagnostic: bool = False, device: str = "cpu", train_data: RenderedGait | None = None,
                test_data: RenderedGait | None = None, progress: bool = False) -> dict:
    """Train one variant on one seed and evaluate it: the unit of work of :func:`run_grid`.

    Returns ``variant, seed, config, metrics`` (the retrieval table), ``history``, ``train_sec``
    (wall), ``train_cpu_sec`` (this process's CPU time), ``step_sec`` (median), ``state`` (the
    Base modules' weights: all that inference uses), ``params_infer`` / ``params_train`` and, with
    ``diagnostic``, ``trajectory`` (:func:`trajectory_diagnostic`)."""
    config = VARIANTS[check_choice("variant", variant, tuple(VARIANTS))] if config is None else config
    train_data = _DATA["train"] if train_data is None else train_data
    test_data = _DATA["test"] if test_data is None else test_data
    start, cpu_start = time.perf_counter(), time.process_time()
    base, gen, history = train(train_data, sizes, config, seed=seed, device=device, progress=progress)
    out = {"variant": variant, "seed": seed, "config": asdict(config), "history": history,
           "train_sec": time.perf_counter() - start, "train_cpu_sec": time.process_time() - cpu_start,
           "step_sec": float(history.sec.median()),
           "metrics": evaluate(base, test_data), "state": {k: v.cpu() for k, v in base.state_dict().items()},
           "params_infer": sum(p.numel() for p in base.parameters()),
           "params_train": sum(p.numel() for p in base.parameters()) + (sum(p.numel() for p in gen.parameters()) if gen else 0)}
    if diagnostic and gen is not None:
        out["trajectory"] = trajectory_diagnostic(base, gen, config, test_data, every=sizes.diag_every, seed=seed)
    return out


def _run_job(job: dict) -> dict:
    return run_variant(**job)


def run_grid(jobs: list[dict], train_data: RenderedGait, test_data: RenderedGait, *, workers: int = 2) -> list[dict]:
    """Run ``run_variant(**job)`` for every job in ``workers`` single-thread processes (each
    seeds itself with ``set_seed(seed, threads=1)``), results in job order. The data reach each
    worker once, through the pool's initializer."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers!r}")
    if workers == 1:
        _init_worker(train_data, test_data)
        return [_run_job(j) for j in tqdm(jobs, desc="runs")]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(train_data, test_data)) as pool:
        return list(tqdm(pool.map(_run_job, jobs), total=len(jobs), desc="runs"))


# ----- what the chapter runs, tabulates and draws ------------------------------------------------
# Full with one guessed choice changed (the rows of the paper's sensitivity table, Tab. 8).
SENSITIVITY = {"lambda_gen=0.3": replace(VARIANTS["full"], lambda_gen=0.3),
               "lambda_gen=3": replace(VARIANTS["full"], lambda_gen=3.0),
               "gamma1=0.9": replace(VARIANTS["full"], gamma1=0.9),
               "gamma2=0.3": replace(VARIANTS["full"], gamma2=0.3),
               "gamma2=0.7": replace(VARIANTS["full"], gamma2=0.7),
               "T=50": replace(VARIANTS["full"], timesteps=50),
               "T=200": replace(VARIANTS["full"], timesteps=200)}
DIAGNOSED = ("p1", "full", "independent_denoiser")  # variants that get the trajectory diagnostic
# Per plan: variants run over every seed, variants run on the first seed only, the sensitivity
# runs (name -> DiffConfig) on the first seed, and the variants that get the trajectory
# diagnostic. "quick" / "paper" are the main chapter's profiles; "ablations" is the ablation
# chapter's plan (at :func:`ablation_sizes`).
PLANS = {
    "quick": {"seeds": ("base", "full", "p1"), "first_seed": ("independent_denoiser",), "sensitivity": {},
              "diagnosed": DIAGNOSED},
    "paper": {"seeds": tuple(VARIANTS), "first_seed": (), "sensitivity": SENSITIVITY, "diagnosed": DIAGNOSED},
    "ablations": {"seeds": ("full", "independent_noise", "independent_denoiser"), "first_seed": (),
                  "sensitivity": SENSITIVITY, "diagnosed": ()},
}


def plan_jobs(profile: str, seeds: list[int], sizes: Sizes, device: str = "cpu") -> list[dict]:
    """The :func:`run_grid` jobs of a plan (:data:`PLANS`; ``profile`` names the plan)."""
    plan = PLANS[check_choice("profile", profile, tuple(PLANS))]
    common = dict(sizes=sizes, device=device)
    diag = plan["diagnosed"]
    jobs = [dict(variant=v, seed=s, diagnostic=v in diag, **common) for s in seeds for v in plan["seeds"]]
    jobs += [dict(variant=v, seed=seeds[0], diagnostic=v in diag, **common) for v in plan["first_seed"]]
    jobs += [dict(variant=name, seed=seeds[0], config=cfg, **common) for name, cfg in plan["sensitivity"].items()]
    return jobs


def metrics_frame(results: list[dict]) -> pd.DataFrame:
    """Every run's retrieval table stacked, with ``variant`` and ``seed`` columns."""
    return pd.concat([r["metrics"].assign(variant=r["variant"], seed=r["seed"]) for r in results], ignore_index=True)


def convergence_table(results: list[dict]) -> pd.DataFrame:
    """One row per run: the cross-entropy's plateau ratio (:func:`lambdalib.papers.lambda_ts.experiment.plateau_ratio`,
    last 10% of steps over the 10% before; 1 = flat), its mean over the last 10% of steps, and the
    run's training wall time, CPU time and median step time (s)."""
    return pd.DataFrame([{"variant": r["variant"], "seed": r["seed"],
                          "CE plateau ratio": plateau_ratio(r["history"], "ce"),
                          "final CE": r["history"].ce.iloc[-max(1, len(r["history"]) // 10):].mean(),
                          "train wall (s)": r["train_sec"], "train CPU (s)": r["train_cpu_sec"],
                          "median step (s)": r["step_sec"]} for r in results])


def cross_modal(results: list[dict], variant: str, rank: str = "rank1") -> pd.Series:
    """Per-seed mean of the 2D->3D and 3D->2D ``rank`` (%, all probes) of ``variant``, by seed."""
    m = metrics_frame(results)
    m = m[(m.variant == variant) & (m.condition == "all") & m.direction.isin(["2d->3d", "3d->2d"])]
    return m.groupby("seed")[rank].mean()


def guessed_choices(config: DiffConfig) -> pd.DataFrame:
    """The choices our copy of the paper does not fix, with ``config``'s values, the reason for
    each, and the :data:`SENSITIVITY` settings that change it."""
    t1, t2 = phase_bounds(GaussianDiffusion(config.timesteps, config.schedule), config.gamma1, config.gamma2)
    tried = lambda field: " / ".join(n for n, c in SENSITIVITY.items() if getattr(c, field) != getattr(config, field))
    return pd.DataFrame({
        "ours": [f"{config.timesteps}", f"{config.gamma1} (phase 1: t < {t1})",
                 f"{config.gamma2} (phase 2: {t1} <= t < {t2}, phase 3: t >= {t2})",
                 f"{config.lambda_gen}, every term inside the branch 1", "min(SNR_t, 1)", config.schedule],
        "why": ["the middle value of the paper's diffusion-length row (50 / 100 / 200)",
                "the middle value of the paper's row 0.90 / 0.95 / 0.98",
                "the middle value of the paper's row 0.4 / 0.5 / 0.6",
                "the paper's weights did not survive in our copy",
                "eq. 13 divides by sqrt(abar_t) ~ 0.007 at t = T-1: unweighted phase-3 errors are 10^4x the rest",
                "lambdalib's default (DDPM); the paper does not name one"],
        "sensitivity runs": [tried("timesteps"), tried("gamma1"), tried("gamma2"), tried("lambda_gen"), "", ""]},
        index=["T", "gamma1", "gamma2", "loss weights (lambda_gen)", "reconstruction weight", "schedule"])


def paired_differences(results: list[dict], treatment: str, baselines: tuple[str, ...]) -> pd.DataFrame:
    """Per seed: the cross-modal rank-1 (%) of ``treatment`` and each baseline, and the paired
    differences ``treatment - baseline`` (seeds that every variant ran), with a mean and an sd row."""
    cm = pd.DataFrame({v: cross_modal(results, v) for v in (treatment, *baselines)}).dropna()
    for b in baselines:
        cm[f"{treatment} - {b}"] = cm[treatment] - cm[b]
    cm.index = cm.index.astype(str)
    return pd.concat([cm, cm.agg(["mean", "std"]).rename(index={"std": "sd"})])


def sensitivity_table(results: list[dict], reference: str = "full") -> pd.DataFrame:
    """One row per sensitivity run (a variant name not in :data:`VARIANTS`): its seed, cross-modal
    rank-1 (%), ``reference``'s rank-1 on the same seed, the difference, and the difference in units
    of ``sqrt(2)`` x ``reference``'s seed-to-seed sd (the sd of a difference of two runs if a run's
    rank-1 varies over seeds as the reference's does)."""
    ref = cross_modal(results, reference)
    rows = []
    for name in dict.fromkeys(r["variant"] for r in results if r["variant"] not in VARIANTS):
        for seed, value in cross_modal(results, name).items():
            rows.append({"setting": name, "seed": seed, "rank1": value, f"{reference} rank1": ref[seed],
                         "difference": value - ref[seed]})
    out = pd.DataFrame(rows).set_index("setting")
    out["difference / (sqrt2 sd)"] = out["difference"] / (math.sqrt(2) * ref.std())
    return out


def plot_ablations(results: list[dict], reference: str = "full"):
    """Left, cross-modal rank-1 per setting (dots: seeds; bar: mean ± sd over seeds); right, the
    difference from ``reference`` on the same seed, with the band ± 2 sqrt(2) sd of
    ``reference``'s seed-to-seed spread (roughly where a difference of two runs falls by chance)."""
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r["variant"] for r in results))
    ref = cross_modal(results, reference)
    band = 2 * math.sqrt(2) * ref.std()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4), sharey=False)
    for i, v in enumerate(names):
        x = cross_modal(results, v)
        a.errorbar(i, x.mean(), yerr=x.std() if len(x) > 1 else None, fmt="_", ms=14, color="k", capsize=3)
        a.scatter(np.full(len(x), i), x, s=14, color=f"C{i % 10}", zorder=3)
        if v != reference:
            d = (x - ref).dropna()
            b.errorbar(i, d.mean(), yerr=d.std() if len(d) > 1 else None, fmt="_", ms=14, color="k", capsize=3)
            b.scatter(np.full(len(d), i), d, s=14, color=f"C{i % 10}", zorder=3)
    a.axhspan(ref.mean() - ref.std(), ref.mean() + ref.std(), color="0.85", zorder=0)
    b.axhspan(-band, band, color="0.85", zorder=0)
    b.axhline(0, color="0.4", lw=0.8)
    for ax in (a, b):
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
    a.set_ylabel("cross-modal rank-1 (%)")
    b.set_ylabel(f"rank-1 − {reference}, same seed (points)")
    fig.tight_layout()
    return fig


def summary_table(results: list[dict]) -> pd.DataFrame:
    """Mean +- sd over seeds of rank-1 / rank-5 per direction, one row per variant."""
    m = metrics_frame(results)
    m = m[m.condition == "all"]
    cm = m[m.direction.isin(["2d->3d", "3d->2d"])].groupby(["variant", "seed"])[["rank1", "rank5"]].mean()
    m = pd.concat([m, cm.reset_index().assign(direction="cross-modal mean")])
    cell = lambda x: f"{x.mean():.1f} ± {x.std():.1f}" if len(x) > 1 else f"{x.mean():.1f}"
    out = m.groupby(["variant", "direction"])[["rank1", "rank5"]].agg(cell).unstack("direction")
    order = [v for v in dict.fromkeys(r["variant"] for r in results)]
    out = out.reindex(order)
    out.columns = [f"{d} {r}" for r, d in out.columns]
    cols = [f"{d} {r}" for d in ("2d->3d", "3d->2d", "cross-modal mean", "2d->2d", "3d->3d") for r in ("rank1", "rank5")]
    n = pd.Series({v: sum(r["variant"] == v for r in results) for v in order}, name="seeds")
    return pd.concat([n, out[cols]], axis=1)


@torch.no_grad()
def inference_ratio(state_base: dict, state_full: dict, sizes: Sizes, test: RenderedGait, *, repeats: int = 5) -> float:
    """Full / Base wall time of encoding the test set, the two timed alternately in this
    process (best of ``repeats`` each). Both are :class:`GaitBase` models: Full's inference is
    Base's graph with other weights."""
    models = []
    for state in (state_base, state_full):
        m = GaitBase(GaitConfig(n_classes=state["classifier"].shape[-1], channels=sizes.channels, d=sizes.d))
        m.load_state_dict(state)
        models.append(m.eval())
    best = [math.inf, math.inf]
    for _ in range(repeats):
        for i, m in enumerate(models):
            start = time.perf_counter()
            encode_split(m, test)
            best[i] = min(best[i], time.perf_counter() - start)
    return best[1] / best[0]


def plot_frames(data: RenderedGait, identity: int = 0, frames: tuple[int, ...] = (0, 3, 6)):
    """Both sensors of one walker: a column per (condition, frame), silhouettes above range views."""
    import matplotlib.pyplot as plt

    seqs = [list(data.conditions).index(c) for c in dict.fromkeys(data.conditions)]
    fig, axes = plt.subplots(2, len(seqs) * len(frames), figsize=(1.0 * len(seqs) * len(frames), 3.2))
    for j, (k, f) in enumerate((k, f) for k in seqs for f in frames):
        axes[0, j].imshow(data.sil[identity, k, f], cmap="gray", vmin=0, vmax=1)
        axes[1, j].imshow(data.rng[identity, k, f], cmap="viridis", vmin=0, vmax=1)
        axes[0, j].set_title(f"{data.conditions[k]}\nframe {f}", fontsize=7)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("silhouette", fontsize=8)
    axes[1, 0].set_ylabel("range view", fontsize=8)
    fig.tight_layout()
    return fig


def plot_curves(results: list[dict], window: int = 25):
    """Training losses (running mean over ``window`` steps, mean over seeds) per variant."""
    import matplotlib.pyplot as plt

    panels = ["triplet", "ce", "id1", "rec2", "rec3", "bridge2"]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.3 * len(panels), 2.4))
    for i, v in enumerate(dict.fromkeys(r["variant"] for r in results)):
        hist = pd.concat([r["history"] for r in results if r["variant"] == v]).groupby("step").mean()
        for ax, col in zip(axes, panels):
            if col in hist:
                ax.plot(hist.index, hist[col].rolling(window, min_periods=1).mean(), label=v, lw=1, color=f"C{i}")
    for ax, col in zip(axes, panels):
        ax.set_xlabel("step")
        ax.set_ylabel(f"{col} loss")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_trajectory(results: list[dict]):
    """The trajectory diagnostic: x0-hat gap and rank-1 on x0-hat against t (mean over seeds)."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
    for i, v in enumerate(dict.fromkeys(r["variant"] for r in results)):
        runs = [r["trajectory"] for r in results if r["variant"] == v and "trajectory" in r]
        if runs:
            tr = pd.concat(runs).groupby("t").mean()
            a.plot(tr.index, tr.gap, label=v, color=f"C{i}")
            b.plot(tr.index, tr.rank1_x0, label=v, color=f"C{i}")
    a.set_xlabel("diffusion step t")
    a.set_ylabel("RMS gap of x0-hat, 2D vs 3D")
    a.set_yscale("log")
    b.set_xlabel("diffusion step t")
    b.set_ylabel("2D->3D rank-1 on x0-hat (%)")
    a.legend(fontsize=8)
    fig.tight_layout()
    return fig
