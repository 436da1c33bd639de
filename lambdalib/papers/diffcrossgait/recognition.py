"""Cross-modal 2D-3D gait recognition: the Base model of DiffCrossGait (its section 3.1,
DiffCrossGait eq. 1-5).

Per modality ``m`` (``"2d"`` silhouettes, ``"3d"`` range views) a small CNN backbone (BatchNorm,
Kaiming init) maps each frame ``(H, W)`` to a feature map; temporal max pooling over the frames
gives the sequence-level map ``F_m`` ``(b, c, h, w)`` (DiffCrossGait eq. 1). A 1x1 discriminative
head, horizontal pyramid pooling (HPP, DiffCrossGait eq. 2) and per-part fully connected layers
shared by both modalities (DiffCrossGait eq. 3) give the embedding ``f_m`` ``(b, p, d)``; a BNNeck
over the *joint* 2D + 3D batch and a cosine classifier give the logits (DiffCrossGait eq. 4).
Losses (DiffCrossGait eq. 5): a bidirectional cross-modal triplet loss on ``f`` and
cross-entropy on the logits. Retrieval uses ``f``.

The BNNeck is computed over the joint batch on purpose: one BatchNorm per modality would
standardise each modality separately and so hide the modality gap from the classifier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["MODALITIES", "GaitConfig", "Backbone", "temporal_pool", "hpp", "GaitBase", "cross_modal_triplet",
           "id_loss", "rank_k", "retrieval_table", "PairSampler"]

MODALITIES = ("2d", "3d")


@dataclass(frozen=True)
class GaitConfig:
    """Sizes of the Base model."""

    n_classes: int                       # training identities
    channels: tuple[int, ...] = (8, 16, 32)  # backbone widths (conv1 | pool | conv2 | pool | conv3)
    d: int = 64                          # embedding width per part
    bins: tuple[int, ...] = (1, 2, 4)    # HPP strip counts; p = sum(bins) parts
    scale: float = 16.0                  # cosine classifier scale s
    margin: float = 0.2                  # triplet margin
    label_smoothing: float = 0.1         # of the cross-entropy

    @property
    def parts(self) -> int:
        return sum(self.bins)


def _conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class Backbone(nn.Module):
    """Frame CNN of one modality: ``(b, s, H, W)`` -> ``(b, s, c, H/4, W/4)``."""

    def __init__(self, channels: tuple[int, ...]):
        super().__init__()
        c1, c2, c3 = channels
        self.net = nn.Sequential(_conv(1, c1), nn.MaxPool2d(2), _conv(c1, c2), nn.MaxPool2d(2, ceil_mode=True),
                                 _conv(c2, c3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, s, H, W = x.shape
        y = self.net(x.reshape(b * s, 1, H, W))          # (b s, c, h, w)
        return y.reshape(b, s, *y.shape[1:])


def temporal_pool(x: torch.Tensor) -> torch.Tensor:
    """Temporal max pooling (DiffCrossGait eq. 1): ``(b, s, c, h, w)`` -> ``(b, c, h, w)``."""
    return x.max(dim=1).values


def hpp(x: torch.Tensor, bins: tuple[int, ...]) -> torch.Tensor:
    """Horizontal pyramid pooling (DiffCrossGait eq. 2): ``(b, c, h, w)`` -> ``(b, p, c)``, each horizontal
    strip pooled by mean + max (GaitSet)."""
    out = []
    for n in bins:
        z = x.reshape(x.shape[0], x.shape[1], n, -1)      # (b, c, n, h/n * w)
        out.append(z.mean(-1) + z.max(-1).values)         # (b, c, n)
    return torch.cat(out, dim=2).transpose(1, 2)          # (b, p, c)


class GaitBase(nn.Module):
    """Base: per-modality backbones, shared discriminative head, HPP, shared part FCs,
    joint-batch BNNeck and cosine classifier (DiffCrossGait eq. 1-4)."""

    def __init__(self, config: GaitConfig):
        super().__init__()
        self.config = config
        c, p, d = config.channels[-1], config.parts, config.d
        self.backbones = nn.ModuleDict({m: Backbone(config.channels) for m in MODALITIES})
        self.disc_head = nn.Conv2d(c, c, 1)                                  # 1x1 discriminative head
        self.part_fc = nn.Parameter(torch.empty(p, c, d))                    # shared FCs (DiffCrossGait eq. 3)
        self.bnneck = nn.BatchNorm1d(p * d)                                  # over the joint batch
        self.classifier = nn.Parameter(torch.empty(p, d, config.n_classes))  # cosine classifier
        for mod in self.modules():
            if isinstance(mod, nn.Conv2d):
                nn.init.kaiming_normal_(mod.weight, nonlinearity="relu")
        nn.init.uniform_(self.part_fc, -c ** -0.5, c ** -0.5)                # as nn.Linear(c, d)
        nn.init.normal_(self.classifier, std=0.01)

    def feature_map(self, x: torch.Tensor, modality: str) -> torch.Tensor:
        """Sequence-level map ``F_m`` (DiffCrossGait eq. 1): ``(b, s, H, W)`` -> ``(b, c, h, w)``."""
        return temporal_pool(self.backbones[modality](x))

    def embed(self, fmap: torch.Tensor) -> torch.Tensor:
        """Discriminative head, HPP and shared part FCs (DiffCrossGait eq. 2-3): ``(b, c, h, w)`` -> ``(b, p, d)``."""
        return self.parts(self.disc_head(fmap))

    def parts(self, x: torch.Tensor) -> torch.Tensor:
        """HPP and the shared part FCs (DiffCrossGait eq. 2-3) of any map ``(b, c, h, w)`` -> ``(b, p, d)``; also
        DiffCrossGait's projection of its denoised latents (phase 1)."""
        return torch.einsum("bpc,pcd->bpd", hpp(x, self.config.bins), self.part_fc)

    def logits(self, *embeddings: torch.Tensor) -> torch.Tensor:
        """BNNeck over the joint batch of all ``embeddings`` and cosine classifier (DiffCrossGait eq. 4):
        ``(b_i, p, d)`` each -> ``(sum b_i, p, n_classes)``."""
        f = torch.cat(embeddings, dim=0)                                     # (B, p, d)
        B, p, d = f.shape
        g = self.bnneck(f.reshape(B, p * d)).reshape(B, p, d)
        return self.config.scale * torch.einsum("bpd,pdk->bpk", F.normalize(g, dim=-1),
                                                F.normalize(self.classifier, dim=1))

    @torch.no_grad()
    def encode(self, x: torch.Tensor, modality: str) -> torch.Tensor:
        """Inference: the retrieval embedding ``(b, p, d)`` of sequences ``(b, s, H, W)``."""
        return self.embed(self.feature_map(x, modality))


def cross_modal_triplet(f_a: torch.Tensor, f_b: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    """Bidirectional cross-modal batch-all triplet loss (DiffCrossGait eq. 5) on part embeddings ``(b, p, d)``.

    Anchors in one modality, positives and negatives in the other, both directions:
    ``mean over active triplets of relu(margin + d(a, pos) - d(a, neg))``, per part, with
    Euclidean distances; inactive (zero) triplets are left out of the mean (OpenGait).
    """
    dist = torch.cdist(f_a.transpose(0, 1), f_b.transpose(0, 1))          # (p, b, b): anchors a, targets b
    same = (y[:, None] == y[None, :])                                      # (b, b)
    losses = []
    for dd in (dist, dist.transpose(1, 2)):                                 # a -> b and b -> a
        tri = margin + dd[:, :, :, None] - dd[:, :, None, :]               # (p, anchor, pos, neg)
        valid = same[None, :, :, None] & ~same[None, :, None, :]
        losses.append(F.relu(tri)[valid.expand_as(tri)])
    loss = torch.cat(losses)
    active = loss > 0
    return loss[active].mean() if active.any() else loss.sum()


def id_loss(logits: torch.Tensor, y: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """Cross-entropy of part logits ``(b, p, k)`` against labels ``(b,)``, averaged over parts."""
    b, p, k = logits.shape
    return F.cross_entropy(logits.reshape(b * p, k), y.repeat_interleave(p), label_smoothing=label_smoothing)


def _distances(probe: torch.Tensor, gallery: torch.Tensor) -> torch.Tensor:
    """Mean over parts of Euclidean distances: ``(n, p, d), (m, p, d)`` -> ``(n, m)``."""
    return torch.cdist(probe.transpose(0, 1), gallery.transpose(0, 1)).mean(0)


def rank_k(probe: torch.Tensor, probe_ids: np.ndarray, gallery: torch.Tensor, gallery_ids: np.ndarray,
           ks: tuple[int, ...] = (1, 5)) -> dict[str, np.ndarray]:
    """Per-probe hits: ``rank{k}[i]`` is True when one of the ``k`` gallery items nearest to
    probe ``i`` has its identity (the gallery may hold several items per identity)."""
    order = _distances(probe, gallery).argsort(dim=1).numpy()               # (n, m)
    ranked = np.asarray(gallery_ids)[order]                                 # identities by distance
    hits = ranked == np.asarray(probe_ids)[:, None]
    # rank-k over identities: the first hit's position among distinct identities
    out = {}
    for k in ks:
        firsts = np.array([_distinct_rank(row, h) for row, h in zip(ranked, hits)])
        out[f"rank{k}"] = firsts < k
    return out


def _distinct_rank(ranked_ids: np.ndarray, hit: np.ndarray) -> int:
    """Position of the first correct identity among the distinct identities of ``ranked_ids``."""
    if not hit.any():
        return len(ranked_ids)
    first = int(hit.argmax())
    return len(dict.fromkeys(ranked_ids[:first]))


def retrieval_table(emb: dict[str, torch.Tensor], ids: np.ndarray, conditions: tuple[str, ...],
                    gallery_seqs: tuple[int, ...], ks: tuple[int, ...] = (1, 5)):
    """Rank-k accuracy (%) of every probe -> gallery direction.

    ``emb[m]`` ``(n_id, n_seq, p, d)``: test embeddings of modality ``m``; the gallery of a
    direction is the ``gallery_seqs`` of its target modality, the probes every other sequence
    of the source modality. Returns a DataFrame with one row per (direction, condition) and
    an ``all`` row per direction; directions ``2d->3d``, ``3d->2d`` (cross-modal) and
    ``2d->2d``, ``3d->3d`` (intra-modal)."""
    import pandas as pd

    n_id, n_seq = emb["2d"].shape[:2]
    probe_seqs = [k for k in range(n_seq) if k not in gallery_seqs]
    gal_ids = np.repeat(ids, len(gallery_seqs))
    prb_ids = np.repeat(ids, len(probe_seqs))
    prb_cond = np.tile(np.asarray(conditions)[probe_seqs], n_id)
    rows = []
    for src, dst in (("2d", "3d"), ("3d", "2d"), ("2d", "2d"), ("3d", "3d")):
        gal = emb[dst][:, list(gallery_seqs)].flatten(0, 1)
        prb = emb[src][:, probe_seqs].flatten(0, 1)
        hits = rank_k(prb, prb_ids, gal, gal_ids, ks)
        for cond in ("all",) + tuple(dict.fromkeys(prb_cond)):
            sel = np.ones(len(prb_ids), bool) if cond == "all" else prb_cond == cond
            rows.append({"direction": f"{src}->{dst}", "condition": cond,
                         **{f"rank{k}": 100.0 * float(hits[f"rank{k}"][sel].mean()) for k in ks}})
    return pd.DataFrame(rows)


class PairSampler:
    """Triplet-sampler batches of paired sequences: ``P`` training identities x ``K`` sequences
    each, ``s`` frames drawn without replacement from each sequence, the same frames for both
    sensors (they are synchronised).

    ``sample(rng)`` -> ``x2d, x3d`` ``(P K, s, H, W)`` and labels ``(P K,)`` in ``0..n_train-1``.
    """

    def __init__(self, sil: np.ndarray, rng_view: np.ndarray, P: int, K: int, frames: int):
        n_id, n_seq, n_frames = sil.shape[:3]
        if P > n_id or K > n_seq or frames > n_frames:
            raise ValueError(f"P={P}, K={K}, frames={frames} must be <= identities {n_id}, "
                             f"sequences {n_seq}, frames {n_frames}")
        self.sil, self.rng_view = torch.from_numpy(sil), torch.from_numpy(rng_view)
        self.P, self.K, self.frames = P, K, frames

    def sample(self, gen: np.random.Generator):
        n_id, n_seq, n_frames = self.sil.shape[:3]
        ids = gen.choice(n_id, self.P, replace=False)
        seqs = np.stack([gen.choice(n_seq, self.K, replace=False) for _ in ids])           # (P, K)
        frames = np.stack([gen.choice(n_frames, self.frames, replace=False) for _ in range(self.P * self.K)])
        i = torch.from_numpy(np.repeat(ids, self.K))[:, None]
        k = torch.from_numpy(seqs.ravel())[:, None]
        f = torch.from_numpy(frames)
        return self.sil[i, k, f], self.rng_view[i, k, f], torch.from_numpy(np.repeat(ids, self.K))
