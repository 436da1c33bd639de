"""DiffCrossGait's generative branch and tri-phase losses (its sections 3.2-3.3, DiffCrossGait
eq. 6-17): shared-noise latent diffusion as a training-only regulariser of the Base gait model
(:mod:`lambdalib.papers.diffcrossgait.recognition`).

Generative branch. A 1x1 generative head per modality maps the sequence-level map ``F_m``
``(b, c, h, w)`` to the clean latent ``z_m``, normalised per sample to zero mean and unit
RMS (without it, a latent shrunk to zero would satisfy every alignment term); global
average pooling of ``F_m`` gives the identity prior ``c_m`` (DiffCrossGait eq. 6). Both latents
are noised with the *same* ``eps`` by :meth:`lambdalib.core.diffusion.GaussianDiffusion.q_sample`
(DiffCrossGait eq. 7) and denoised by one parameter-shared :class:`Denoiser` (DiffCrossGait eq. 8):
four residual blocks and an axial-attention bottleneck over the vertical axis (DiffCrossGait
eq. 9-11) whose output is the bridging state ``B``; it predicts ``eps`` and ``x0_hat`` follows
from DiffCrossGait eq. 13 (:meth:`~lambdalib.core.diffusion.GaussianDiffusion.predict_start_from_noise`).

Tri-phase schedule (DiffCrossGait eq. 12-17). With ``abar_t`` the schedule's signal level, phase 1
holds the steps with ``abar_t >= gamma1`` (small noise), phase 2 ``gamma2 <= abar_t < gamma1``,
phase 3 the rest. Each step draws one ``t`` per sample in each active phase and adds:

- phase 1, identity anchoring: self-conditioned; triplet + cross-entropy on ``x0_hat`` passed
  through the shared part FCs and the joint BNNeck;
- phase 2, dynamics consistency: self-conditioned; ``|eps_hat_2d - eps_hat_3d|^2`` (DiffCrossGait
  eq. 14), ``|B_2d - B_3d|^2`` (DiffCrossGait eq. 15) and self-reconstruction
  ``|x0_hat_m - z_m|^2`` (DiffCrossGait eq. 16);
- phase 3, cross-modal recoverability: cross-conditioned (2D denoised with the 3D prior and
  vice versa); the same two consistency terms and cross-reconstruction ``|x0_hat_2d - z_3d|^2``
  (and the mirror, DiffCrossGait eq. 17);
- in every active phase the denoising loss ``|eps_hat - eps|^2`` that makes the denoiser one.

Choices where our copy of the paper lost the formulas: ``T = 100`` and ``gamma1 = 0.95``,
``gamma2 = 0.5`` (the defaults of its sensitivity table, DiffCrossGait Tab. 8), the DDPM linear
schedule, all loss weights 1 inside the branch and one weight ``lambda_gen`` for the whole branch,
and reconstruction terms weighted by ``min(SNR_t, 1)`` (Hang et al. 2023): DiffCrossGait eq. 13
divides by ``sqrt(abar_t)``, which is 0.007 at the largest ``t`` (T = 100), so unweighted phase-3
reconstruction errors are up to 2 x 10^4 times larger than the rest. Without shared noise the
consistency of the two noise predictions is dropped (their targets differ).

At inference only ``GaitBase.encode`` runs: the generative branch is a separate module that
the retrieval never calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.layers import sinusoidal_embedding
from lambdalib.papers.diffcrossgait.recognition import MODALITIES, GaitBase, cross_modal_triplet, id_loss

__all__ = ["DiffConfig", "VARIANTS", "SENSITIVITY", "variant_config", "phase_bounds", "Denoiser",
           "GenerativeBranch", "tri_phase_losses"]


@dataclass(frozen=True)
class DiffConfig:
    """The generative branch (DiffCrossGait sections 3.2-3.3); ``phases=()`` is Base."""

    phases: tuple[int, ...] = (1, 2, 3)   # active phases of the tri-phase schedule
    shared_denoiser: bool = True          # one denoiser for both modalities (else one each)
    shared_noise: bool = True             # the same eps for both modalities (DiffCrossGait eq. 7)
    timesteps: int = 100                  # T (DiffCrossGait Tab. 8: 50 / 100 / 200)
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



# The chapters' models: Base, the phase ablation (DiffCrossGait Tab. 6), and the shared-noise and
# shared-denoiser ablations (DiffCrossGait Tab. 5 / 7).
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
# Full with one guessed choice changed (the rows of DiffCrossGait Tab. 8, sensitivity).
SENSITIVITY = {"lambda_gen=0.3": replace(VARIANTS["full"], lambda_gen=0.3),
               "lambda_gen=3": replace(VARIANTS["full"], lambda_gen=3.0),
               "gamma1=0.9": replace(VARIANTS["full"], gamma1=0.9),
               "gamma2=0.3": replace(VARIANTS["full"], gamma2=0.3),
               "gamma2=0.7": replace(VARIANTS["full"], gamma2=0.7),
               "T=50": replace(VARIANTS["full"], timesteps=50),
               "T=200": replace(VARIANTS["full"], timesteps=200)}


def variant_config(name: str) -> DiffConfig:
    """The :class:`DiffConfig` of a variant (:data:`VARIANTS`) or sensitivity setting (:data:`SENSITIVITY`)."""
    named = {**VARIANTS, **SENSITIVITY}
    return named[check_choice("variant", name, tuple(named))]


def phase_bounds(diffusion: GaussianDiffusion, gamma1: float, gamma2: float) -> tuple[int, int]:
    """Boundary steps (DiffCrossGait eq. 12): phase 1 is ``t < t1`` (abar_t >= gamma1), phase 2 ``t1 <= t < t2``
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
    """Bottleneck (DiffCrossGait eq. 9-11): a channel bias from the embedding, then multi-head self-attention
    along the vertical axis of each column, with a residual; returns the bridging state ``B``."""

    def __init__(self, c: int, emb: int, heads: int):
        super().__init__()
        self.bias, self.norm = nn.Linear(emb, c), nn.LayerNorm(c)
        self.attn = nn.MultiheadAttention(c, heads, batch_first=True)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        x = x + self.bias(e)[:, :, None, None]                       # DiffCrossGait eq. 10
        seq = rearrange(x, "b c h w -> (b w) h c")                   # columns as sequences over h
        q = self.norm(seq)
        seq = seq + self.attn(q, q, q, need_weights=False)[0]        # DiffCrossGait eq. 11
        return rearrange(seq, "(b w) h c -> b c h w", b=b, w=w)


class Denoiser(nn.Module):
    """The lightweight denoiser of DiffCrossGait eq. 8: ``(z_t (b, c, h, w), t (b,), prior (b, c))`` ->
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
        """Identity prior (DiffCrossGait eq. 6): global average pooling ``(b, c, h, w)`` -> ``(b, c)``."""
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
    """The generative branch's loss terms for one batch (DiffCrossGait eq. 12-17), by name (``"id1"``,
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
            z_t = diffusion.q_sample(z[m], t, eps[m])                          # DiffCrossGait eq. 7
            eps_hat[m], bridge[m] = gen.denoise(z_t, t, cond[m], m)            # DiffCrossGait eq. 8
            x0[m] = diffusion.predict_start_from_noise(z_t, t, eps_hat[m])     # DiffCrossGait eq. 13
        terms[f"diff{k}"] = sum(F.mse_loss(eps_hat[m], eps[m]) for m in MODALITIES) / 2
        if k == 1:                                                             # identity anchoring
            f2, f3 = base.parts(x0["2d"]), base.parts(x0["3d"])
            terms["id1"] = (cross_modal_triplet(f2, f3, y, base.config.margin)
                            + id_loss(base.logits(f2, f3), torch.cat([y, y]), base.config.label_smoothing))
            continue
        if cfg.shared_noise:
            terms[f"eps_cons{k}"] = F.mse_loss(eps_hat["2d"], eps_hat["3d"])   # DiffCrossGait eq. 14
        terms[f"bridge{k}"] = F.mse_loss(bridge["2d"], bridge["3d"])           # DiffCrossGait eq. 15
        w = _snr_weight(diffusion, t)
        target = z if k == 2 else {"2d": z["3d"], "3d": z["2d"]}               # DiffCrossGait eq. 16 / 17
        terms[f"rec{k}"] = sum((w * (x0[m] - target[m]) ** 2).mean() for m in MODALITIES) / 2
    return terms

