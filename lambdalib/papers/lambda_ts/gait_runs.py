"""LaMbDA on gait, the runs (LaMbDA-long Tables 1, 3-5, Figure 3): variants, one run per sweep task, the run cache.

A run is one (modality pair, variant, held-out subject, seed): the pair p(X|Y), p(Y|X) is
trained on the other subjects' windows of a :class:`~lambdalib.papers.lambda_ts.gait.GaitFold`
and scored on the held-out subject's. Runs go through :func:`lambdalib.book.sweep.sweep` with a
``cache_dir``: the book's content-addressed run cache (key = the run's config + a fingerprint of
the data, the run sizes and the variants + ``lambdalib.__version__``). Each run keeps its EMA
model weights, so the generation, ablation, latent-geometry and probing chapters share trained
models: whichever chapter runs first trains them, the others load them.
"""

from __future__ import annotations

import hashlib
import json
import time

import pandas as pd
import torch

from lambdalib.book.sweep import default_cache_dir, expand_grid, sweep
from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.metrics import frechet_with_floor, mse, predictive_score
from lambdalib.core.probes import pool_latents, probe_accuracy
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.papers.lambda_ts.collapse import encoder_latents, pair_collapse
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser
from lambdalib.papers.lambda_ts.experiment import build_pair, conditional_sample, eval_indices
from lambdalib.papers.lambda_ts.gait import (
    MODALITIES,
    PAIRS,
    GaitFold,
    cohort,
    gait_sizes,
    held_out_subjects,
    make_fold,
)
from lambdalib.papers.lambda_ts.sizes import run_sizes
from lambdalib.papers.lambda_ts.trainer import PairTrainer, TrainConfig

__all__ = ["VARIANTS", "SAMPLED", "PROBED", "PROBES", "task_probes", "gait_task", "gait_fingerprint",
           "run_gait", "load_pair", "metrics_frame", "collapse_frame", "probes_frame", "METRICS"]

# TrainConfig overrides of each model variant. Every variant keeps mutual conditioning; all but
# the shared encoder keep the energy terms, so "w/o align" vs "LaMbDA" isolates alignment.
VARIANTS = {
    "w/o align": {"align": False},                              # Table 1, left columns
    "LaMbDA": {},                                               # Table 1, right columns
    "w/o contrastive": {"contrastive": False},                  # Table 4 ablations
    "w/o covariance": {"covariance": False},
    "w/o energy": {"energy": False},
    "shared encoder": {"align": False, "energy": False},        # Table 5: denoising loss only
    "SimCLR": {"objective": "simclr"},                          # Table 3 baselines, in place of
    "Barlow": {"objective": "barlow"},                          # LaMbDA's L_con + L_cov
    "VICReg": {"objective": "vicreg"},
    "MSE": {"objective": "mse"},
}
SHARED_ENCODER = ("shared encoder",)
# What gait_task scores, per variant: the generation metrics of Tables 1, 4 and 5 for SAMPLED,
# the task probes of Table 3 and Figure 3 (kinds PROBES) for PROBED. The four Table 3 baselines
# are only probed and the Table 4 / 5 ablations only sampled: each run pays for what is read.
SAMPLED = ("w/o align", "LaMbDA", "w/o contrastive", "w/o covariance", "w/o energy", "shared encoder")
PROBED = ("w/o align", "LaMbDA", "SimCLR", "Barlow", "VICReg", "MSE")
PROBES = ("linear", "mlp")
# One row per sampled direction: test MSE, Frechet distance with its real-vs-real floor (LaMbDA-long
# eq. 10, halves of the held-out windows), predictive score and how its forecaster converged.
METRICS = ["direction", "mse", "fd", "fd_floor", "pred", "pred_steps", "pred_plateau"]


def task_probes(model_x: ConditionalDenoiser, model_y: ConditionalDenoiser, diffusion: GaussianDiffusion,
                fold: GaitFold, *, seed: int) -> pd.DataFrame:
    """LaMbDA-long Table 3's probes of one trained pair: each model's encoder latents at the least
    noisy step, Z = h(x_0, 0) (noise drawn from ``seed``, ``seed + 1`` for Y), pooled over time; a
    probe of each kind of :data:`PROBES` (:func:`lambdalib.core.probes.probe_accuracy`) fitted on
    the training subjects' windows and scored on the held-out subject's task labels. One row per
    (model, probe): ``model`` ("X|Y (angles)", ...), ``probe``, ``accuracy``."""
    rows = []
    names = PAIRS[fold.pair]
    sides = (("X|Y", model_x, fold.x_train, fold.x_test), ("Y|X", model_y, fold.y_train, fold.y_test))
    for k, (side, model, train, test) in enumerate(sides):
        z_train, z_test = (pool_latents(encoder_latents(model, diffusion, w, 0, seed=seed + k)) for w in (train, test))
        for kind in PROBES:
            acc = probe_accuracy(z_train, fold.labels_train["task"], z_test, fold.labels_test["task"],
                                 kind=kind, seed=seed)
            rows.append({"model": f"{side} ({names[k]})", "probe": kind, "accuracy": acc})
    return pd.DataFrame(rows)


def gait_task(pair: str, variant: str, held_out: str, seed: int, profile: str, source: str = "simulated",
              data_seed: int = 0, device: str = "auto") -> dict:
    """One run, as a :func:`~lambdalib.book.sweep.sweep` task: train, then score what the chapters read.

    Returns ``history`` (per-step losses), ``metrics`` (variants in :data:`SAMPLED`: one row per
    direction, the columns :data:`METRICS` of the DDPM samples, normalised units), ``collapse``
    (:func:`~lambdalib.papers.lambda_ts.collapse.collapse_table` of both EMA encoders at t = 0,
    T/4, T/2 on the held-out windows),
    ``samples`` (direction -> ``(n_eval, L, c)``), ``eval_idx`` (the held-out windows scored),
    ``probes`` (variants in :data:`PROBED`: :func:`task_probes`), ``state`` (EMA weights of both
    models, CPU) and ``train_seconds``.
    """
    overrides = dict(VARIANTS[check_choice("variant", variant, tuple(VARIANTS))])
    sizes = gait_sizes(profile)
    fold = make_fold(pair, held_out, profile, source=source, data_seed=data_seed)
    set_seed(seed)
    dev = resolve_device(device)
    model_x, model_y = build_pair(fold.x_train.shape[-1], fold.y_train.shape[-1], sizes,
                                  shared_encoder=variant in SHARED_ENCODER)
    diffusion = GaussianDiffusion(sizes.timesteps, sizes.schedule, device=dev)
    trainer = PairTrainer(model_x, model_y, diffusion, TrainConfig.from_profile(sizes, **overrides), device=device)
    start = time.perf_counter()
    history = trainer.fit(torch.from_numpy(fold.x_train), torch.from_numpy(fold.y_train), seed=seed, progress=False)
    train_seconds = time.perf_counter() - start
    ema_x, ema_y = trainer.ema_x.module, trainer.ema_y.module

    idx = eval_indices(len(fold.x_test), sizes.n_eval)
    x, y = fold.x_test[idx], fold.y_test[idx]
    jobs = {"X|Y": (ema_x, y, x), "Y|X": (ema_y, x, y)} if variant in SAMPLED else {}
    samples, rows = {}, []
    for direction, (model, cond, target) in jobs.items():
        gen = conditional_sample(model, diffusion, torch.from_numpy(cond), x_channels=target.shape[-1],
                                 seed=seed).cpu().numpy()
        samples[direction] = gen
        fd = frechet_with_floor(gen, target, seed=seed)
        pred = predictive_score(gen, target, seed=seed, device="cpu")
        rows.append({"direction": direction, "mse": mse(gen, target), "fd": fd["fd"], "fd_floor": fd["floor"],
                     "pred": pred["score"], "pred_steps": pred["steps"], "pred_plateau": pred["plateau"]})
    probes = (task_probes(ema_x, ema_y, diffusion, fold, seed=seed) if variant in PROBED
              else pd.DataFrame(columns=["model", "probe", "accuracy"]))
    state = {name: {k: v.detach().cpu() for k, v in getattr(trainer, name).module.state_dict().items()}
             for name in ("ema_x", "ema_y")}
    fit = eval_indices(len(fold.x_train), 4 * sizes.n_eval)
    collapse = pair_collapse(ema_x, ema_y, diffusion, (fold.x_train[fit], fold.y_train[fit]), (x, y),
                             S=sizes.align_window, seed=seed)
    return {"history": history, "metrics": pd.DataFrame(rows, columns=METRICS), "samples": samples, "eval_idx": idx,
            "probes": probes, "collapse": collapse, "state": state, "train_seconds": train_seconds}


def gait_fingerprint(profile: str, source: str = "simulated", data_seed: int = 0) -> str:
    """The run cache's data version: the data's strides, the sizes of one run and the variants."""
    data = cohort(profile, source, data_seed)
    digest = hashlib.sha256()
    for subject in data.subject_names:
        for task in sorted(data.strides[subject]):
            for channel in sorted(data.strides[subject][task]):
                digest.update(data.strides[subject][task][channel].tobytes())
    digest.update(json.dumps([run_sizes(gait_sizes(profile)), VARIANTS, MODALITIES, SAMPLED, PROBED, PROBES],
                             sort_keys=True).encode())
    return digest.hexdigest()[:16]


def run_gait(pairs, variants, profile: str, *, seeds=(0,), source: str = "simulated", data_seed: int = 0,
             device: str = "auto", scheduler=None, cache_dir=None, held_out=None) -> pd.DataFrame:
    """Every (pair, variant, held-out subject, training seed) run through the run cache: one row
    per run, the config then :func:`gait_task`'s keys. ``held_out`` defaults to
    :func:`~lambdalib.papers.lambda_ts.gait.held_out_subjects`; ``cache_dir`` None means
    :func:`default_cache_dir` (``False``: none)."""
    cache_dir = default_cache_dir() if cache_dir is None else (cache_dir or None)
    held_out = held_out_subjects(profile, source, data_seed) if held_out is None else list(held_out)
    grid = expand_grid({"pair": list(pairs), "variant": list(variants), "held_out": held_out,
                        "seed": [int(s) for s in seeds]})
    fixed = {"profile": profile, "source": str(source), "data_seed": data_seed, "device": device}
    return sweep(gait_task, [{**c, **fixed} for c in grid], client=scheduler, cache_dir=cache_dir,
                 fingerprint=gait_fingerprint(profile, str(source), data_seed),
                 gpu=resolve_device(device).type == "cuda")


def load_pair(run: pd.Series, device: str = "cpu"):
    """Rebuild a run's EMA models ``(p(X|Y), p(Y|X))`` from a row of :func:`run_gait`, in eval mode."""
    cx, cy = (len(MODALITIES[m]) for m in PAIRS[run["pair"]])
    models = build_pair(cx, cy, gait_sizes(run["profile"]), shared_encoder=run["variant"] in SHARED_ENCODER)
    for model, name in zip(models, ("ema_x", "ema_y")):
        model.load_state_dict(run["state"][name])
        model.to(resolve_device(device)).eval()
    return models


def _stack(runs: pd.DataFrame, key: str, cols: list[str], **extra) -> pd.DataFrame:
    """Every run's ``key`` table (runs whose table is empty skipped) with the run's pair, variant,
    held_out and seed, and the run fields named in ``extra``, stacked; columns ``cols``."""
    parts = [r[key].assign(pair=r["pair"], variant=r["variant"], held_out=r["held_out"], seed=r["seed"],
                           **{name: r[field] for name, field in extra.items()})
             for _, r in runs.iterrows() if len(r[key])]
    return pd.concat(parts, ignore_index=True)[cols]


def metrics_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (pair, variant, held_out, seed, direction): the :data:`METRICS` and train_seconds."""
    return _stack(runs, "metrics", ["pair", "variant", "held_out", "seed", *METRICS, "train_seconds"],
                  train_seconds="train_seconds")


def collapse_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (pair, variant, held_out, seed, model, t): within-window share and probe R^2."""
    return _stack(runs, "collapse", ["pair", "variant", "held_out", "seed", "model", "t", "within-window share",
                                     "probe R2"])


def probes_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (pair, variant, held_out, seed, model, probe): the runs' :func:`task_probes` accuracies."""
    return _stack(runs, "probes", ["pair", "variant", "held_out", "seed", "model", "probe", "accuracy"])
