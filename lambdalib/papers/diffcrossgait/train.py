"""Training DiffCrossGait and its variants, and the per-seed run the chapters sweep over.

:func:`train` minimises DiffCrossGait eq. 18 (Base's triplet + cross-entropy, DiffCrossGait
eq. 5, plus ``lambda_gen`` x the tri-phase terms of
:func:`lambdalib.papers.diffcrossgait.branch.tri_phase_losses`) with Adam through
:func:`lambdalib.core.fitting.minibatch_fit`; ``config.phases == ()`` trains Base alone.
:func:`run_variant` trains one named variant on one seed and evaluates it; :func:`run_seed` is
the same as a :func:`lambdalib.book.sweep.sweep` task (scalar arguments; it renders its own data,
once per process) and :func:`run_plan` sweeps the runs an experiment's sizes name
(:mod:`lambdalib.papers.diffcrossgait.sizes`). Every run seeds itself from ``seed``
(``set_seed(seed, threads=1)`` on the CPU, then one numpy stream for the batches and one torch
generator for the diffusion steps and noise), so the numbers do not depend on where it runs.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import torch

from lambdalib.book.profiles import get_sizes
from lambdalib.book.sweep import sweep
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.fitting import minibatch_fit
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.gait.render import RenderConfig, RenderedGait, render_gait
from lambdalib.papers.diffcrossgait.branch import (
    SENSITIVITY,
    VARIANTS,
    DiffConfig,
    GenerativeBranch,
    phase_bounds,
    tri_phase_losses,
    variant_config,
)
from lambdalib.papers.diffcrossgait.evaluation import evaluate, trajectory_diagnostic
from lambdalib.papers.diffcrossgait.recognition import GaitBase, GaitConfig, PairSampler, cross_modal_triplet, id_loss
from lambdalib.papers.diffcrossgait.sizes import Sizes

__all__ = ["split_data", "rendered_split", "build", "training_loss", "train", "run_variant", "run_seed",
           "run_grid", "run_plan"]


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


@functools.lru_cache(maxsize=2)
def rendered_split(render: RenderConfig, n_train: int, seed: int) -> tuple[RenderedGait, RenderedGait]:
    """``render_gait(render, seed=seed)`` split by :func:`split_data`. Rendering is a pure
    function of its arguments and takes ~20 s at the quick size, so each process (the chapter,
    each sweep worker) renders once and reuses the result; callers must not modify it."""
    return split_data(render_gait(render, seed=seed), n_train)


def build(n_classes: int, sizes: Sizes, config: DiffConfig, device: torch.device | str = "cpu"):
    """``(base, gen, diffusion, bounds)`` of one variant; ``gen`` is None for Base."""
    base = GaitBase(GaitConfig(n_classes=n_classes, channels=sizes.channels, d=sizes.d)).to(device)
    gen = GenerativeBranch(sizes.channels[-1], config).to(device) if config.phases else None
    diffusion = GaussianDiffusion(config.timesteps, config.schedule, device=device)
    return base, gen, diffusion, phase_bounds(diffusion, config.gamma1, config.gamma2)


def training_loss(base: GaitBase, gen: GenerativeBranch | None, diffusion: GaussianDiffusion, bounds: tuple[int, int],
                  batch, generator: torch.Generator | None = None):
    """Total loss of one batch ``(x2d, x3d, y)`` (DiffCrossGait eq. 18: Base's triplet + CE of
    DiffCrossGait eq. 5, plus ``lambda_gen`` x the generative terms) and its named terms."""
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


def train(train_data: RenderedGait, sizes: Sizes, config: DiffConfig, *, seed: int, device: str = "cpu"):
    """Train Base (``config.phases == ()``) or a DiffCrossGait variant for ``sizes.steps`` Adam
    steps (lr x 0.1 at ``sizes.milestones``). Returns ``(base, gen, history)``: ``gen`` is None for
    Base; ``history`` one row per step with every loss term and the step's wall time ``sec``."""
    dev = resolve_device(device)
    gen_torch = set_seed(seed, threads=torch.get_num_threads() if dev.type == "cuda" else 1)
    rng = np.random.default_rng(seed)
    base, gen, diffusion, bounds = build(train_data.sil.shape[0], sizes, config, dev)
    params = list(base.parameters()) + (list(gen.parameters()) if gen is not None else [])
    opt = torch.optim.Adam(params, lr=sizes.lr, weight_decay=sizes.weight_decay)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [int(f * sizes.steps) for f in sizes.milestones], 0.1)
    sampler = PairSampler(train_data.sil, train_data.rng, sizes.P, sizes.K, sizes.frames)
    rows, starts = [], []

    def batch_loss() -> torch.Tensor:
        starts.append(time.perf_counter())
        loss, terms = training_loss(base, gen, diffusion, bounds, sampler.sample(rng), gen_torch)
        rows.append({"step": len(rows), "loss": loss.item(), **{k: v.item() for k, v in terms.items()}})
        return loss

    minibatch_fit(opt, batch_loss, sizes.steps, name=f"DiffCrossGait phases={config.phases}", scheduler=sched)
    starts.append(time.perf_counter())
    return base, gen, pd.DataFrame(rows).assign(sec=np.diff(starts))


def run_variant(variant: str, seed: int, sizes: Sizes, train_data: RenderedGait, test_data: RenderedGait, *,
                diagnostic: bool = False, device: str = "cpu") -> dict:
    """Train one variant (a name of :data:`~lambdalib.papers.diffcrossgait.branch.VARIANTS` or
    :data:`~lambdalib.papers.diffcrossgait.branch.SENSITIVITY`) on one seed and evaluate it.

    Returns ``variant, seed, config, metrics`` (the retrieval table), ``history``, ``train_sec``
    (wall), ``train_cpu_sec`` (this process's CPU time), ``step_sec`` (median), ``state`` (the
    Base modules' weights: all that inference uses), ``params_infer`` / ``params_train`` and, with
    ``diagnostic``, ``trajectory`` (:func:`~lambdalib.papers.diffcrossgait.evaluation.trajectory_diagnostic`)."""
    config = variant_config(variant)
    start, cpu_start = time.perf_counter(), time.process_time()
    base, gen, history = train(train_data, sizes, config, seed=seed, device=device)
    out = {"variant": variant, "seed": seed, "config": asdict(config), "history": history,
           "train_sec": time.perf_counter() - start, "train_cpu_sec": time.process_time() - cpu_start,
           "step_sec": float(history.sec.median()),
           "metrics": evaluate(base, test_data), "state": {k: v.cpu() for k, v in base.state_dict().items()},
           "params_infer": sum(p.numel() for p in base.parameters()),
           "params_train": sum(p.numel() for p in base.parameters()) + (sum(p.numel() for p in gen.parameters()) if gen else 0)}
    if diagnostic and gen is not None:
        out["trajectory"] = trajectory_diagnostic(base, gen, config, test_data, every=sizes.diag_every, seed=seed)
    return out


def run_seed(experiment: str, profile: str, variant: str, seed: int, data_seed: int, diagnostic: bool = False,
             device: str = "auto") -> dict:
    """One run as a :func:`~lambdalib.book.sweep.sweep` task: ``{"run": run_variant(...)}`` at the
    sizes ``get_sizes(experiment, profile)``, on the walkers rendered with ``data_seed``."""
    sizes = get_sizes(experiment, profile)
    train_data, test_data = rendered_split(sizes.render, sizes.n_train, data_seed)
    return {"run": run_variant(variant, seed, sizes, train_data, test_data, diagnostic=diagnostic, device=device)}


def run_grid(experiment: str, profile: str, seeds: list[int], *, data_seed: int, device: str = "auto") -> list[dict]:
    """The :func:`run_seed` configs of an experiment: ``sizes.every_seed`` for every seed (seed-major),
    then ``sizes.first_seed`` and ``sizes.sensitivity`` on ``seeds[0]``."""
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    sizes = get_sizes(experiment, profile)
    runs = [(v, s) for s in seeds for v in sizes.every_seed]
    runs += [(v, seeds[0]) for v in sizes.first_seed + sizes.sensitivity]
    return [dict(experiment=experiment, profile=profile, variant=v, seed=int(s), data_seed=int(data_seed),
                 diagnostic=v in sizes.diagnosed, device=device) for v, s in runs]


def _fingerprint(sizes: Sizes, data: tuple[RenderedGait, RenderedGait]) -> str:
    """The run cache's version of everything a run reads besides its config: the rendered arrays,
    the training sizes and every named variant's configuration."""
    digest = hashlib.sha256()
    for part in data:
        digest.update(part.sil.tobytes())
        digest.update(part.rng.tobytes())
    training = replace(sizes, every_seed=(), first_seed=(), sensitivity=(), diagnosed=())
    digest.update(repr((training, VARIANTS, SENSITIVITY)).encode())
    return digest.hexdigest()[:20]


def run_plan(experiment: str, profile: str, seeds: list[int], *, data_seed: int, device: str = "auto",
             scheduler=None, cache_dir=None) -> list[dict]:
    """Every run of :func:`run_grid`, through :func:`lambdalib.book.sweep.sweep`; the
    :func:`run_variant` dicts in grid order. ``scheduler``: None (one single-thread worker process
    per core), ``"serial"`` (here, in order) or a Dask address / client; ``cache_dir``: keep
    finished runs there and do not run them again."""
    sizes = get_sizes(experiment, profile)
    data = rendered_split(sizes.render, sizes.n_train, data_seed)
    table = sweep(run_seed, run_grid(experiment, profile, seeds, data_seed=data_seed, device=device),
                  client=scheduler, cache_dir=cache_dir, fingerprint=_fingerprint(sizes, data),
                  gpu=resolve_device(device).type == "cuda", progress=False)
    return list(table["run"])
