"""Evaluating DiffCrossGait on the test identities: cross-modal retrieval (DiffCrossGait section 4.1
protocol: rank-k of probes against a gallery of the other modality), the gait-energy baseline, and
the trajectory diagnostic (DiffCrossGait section 4.5).

Retrieval uses only :meth:`~lambdalib.papers.diffcrossgait.recognition.GaitBase.encode`, the
model the paper keeps at inference; the diagnostic also runs the generative branch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.data.gait.render import GALLERY_SEQUENCES, RenderedGait
from lambdalib.papers.diffcrossgait.branch import DiffConfig, GenerativeBranch
from lambdalib.papers.diffcrossgait.recognition import MODALITIES, GaitBase, rank_k, retrieval_table

__all__ = ["encode_split", "evaluate", "gei_baseline", "trajectory_diagnostic"]


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
    retrieval on ``x0_hat(t)`` beside it (DiffCrossGait section 4.5).

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
            x0[m] = diffusion.predict_start_from_noise(z_t, t, gen.denoise(z_t, t, c[m], m)[0])  # DiffCrossGait eq. 13
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
