"""LaMbDA on gait (Tables 1, 3, 4, 5; Figure 3): folds, variants, one run per sweep task.

A run is one (modality pair, variant, held-out subject, seed): the pair p(X|Y), p(Y|X) is
trained on the other subjects' windows and scored on the held-out subject's. Runs go through
:func:`lambdalib.book.sweep.sweep` with a ``cache_dir``: that is the book's content-addressed run
cache (key = the full run config + a fingerprint of the data and the variants +
``lambdalib.__version__``). Each run keeps its EMA model weights, so the generation, ablation,
latent-geometry and probing chapters share trained models: whichever chapter runs first
trains them, the others load them.

Data (LaMbDA A.6.1, 4): sagittal joint angles of hip, knee and ankle, their joint moments, and
the GRF (fore-aft and vertical) of the right leg, each channel z-scored with the training
subjects' statistics; windows of two strides (300 samples) with 50% overlap
(:func:`lambdalib.data.gait.windows.stride_windows`). The quick profile averages every 10 samples
(windows of 30), trains a smaller model for fewer steps, and holds out 3 subjects, not 10.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lambdalib.book.claims import compare
from lambdalib.book.sweep import expand_grid, sweep
from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.metrics import frechet_score, mse, predictive_score
from lambdalib.core.probes import pool_latents, probe_accuracy
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.gait import GaitData, load_gait, stride_windows
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser, DenoiserConfig
from lambdalib.papers.lambda_ts.experiment import (
    DIRECTIONS,
    conditional_sample,
    eval_indices,
)
from lambdalib.papers.lambda_ts.sizes import Profile, get_profile
from lambdalib.papers.lambda_ts.trainer import PairTrainer, TrainConfig

__all__ = ["MODALITIES", "PAIRS", "VARIANTS", "GAIT_PROFILES", "N_FOLDS", "GaitFold", "gait_profile",
           "held_out_subjects", "make_fold", "build_pair", "SAMPLED", "PROBED", "PROBES", "task_probes",
           "gait_task", "run_gait", "load_pair", "metrics_frame", "probes_frame", "gait_fingerprint",
           "encoder_latents", "default_cache_dir", "METRICS", "PAPER_TABLE1",
           "PAPER_TABLE4", "PAPER_TABLE5", "paper_vs_ours", "variant_claims", "FIGURE2", "UNITS",
           "generated_signals"]

SIDE = "right"
# Channels of each modality (paths of lambdalib.data.gait.schema's layout), sagittal plane.
MODALITIES = {
    "angles": tuple(f"kinematics/jointangles/{SIDE}/{j}/x" for j in ("hip", "knee", "ankle")),
    "moments": tuple(f"kinetics/jointmoment/{SIDE}/{j}/x" for j in ("hip", "knee", "ankle")),
    "GRF": tuple(f"kinetics/forceplate/{SIDE}/force/{a}" for a in ("x", "z")),
}
# LaMbDA's three modality pairs, (X, Y): p(X|Y) generates X.
PAIRS = {"angles-moments": ("angles", "moments"), "angles-GRF": ("angles", "GRF"),
         "moments-GRF": ("moments", "GRF")}
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
# Gait sizes on top of lambdalib.book.profiles: window = L after averaging every `subsample` samples.
GAIT_PROFILES = {
    "quick": {"subsample": 10, "window": 30, "align_window": 10, "steps": 600, "n_eval": 96},
    "paper": {"subsample": 1, "window": 300, "align_window": 30},
}
N_FOLDS = {"quick": 3, "paper": 10}      # held-out subjects (leave-one-subject-out folds)
N_STRIDES = {"quick": 12, "paper": 50}   # simulated strides per (subject, task); the file has ~50
RAW_WINDOW = 300                          # two strides of 150 phase samples (LaMbDA 4)


def gait_profile(name: str) -> Profile:
    """The named profile of :mod:`lambdalib.book.profiles` with the gait sizes of ``GAIT_PROFILES``."""
    return get_profile(name, **GAIT_PROFILES[check_choice("profile", name, tuple(GAIT_PROFILES))])


@dataclass
class GaitFold:
    """One leave-subject-out fold of one modality pair, z-scored with the training statistics."""

    pair: str
    held_out: str
    x_train: np.ndarray          # (N, L, c_X) float32
    y_train: np.ndarray          # (N, L, c_Y)
    x_test: np.ndarray           # (M, L, c_X), the held-out subject
    y_test: np.ndarray           # (M, L, c_Y)
    labels_train: pd.DataFrame   # subject, task, speed, incline per training window
    labels_test: pd.DataFrame
    mean: np.ndarray             # (c_X + c_Y,) training means, data units
    std: np.ndarray              # (c_X + c_Y,) training standard deviations


@functools.lru_cache(maxsize=2)
def _cohort(source: str, data_seed: int, n_strides: int) -> GaitData:
    """The gait data, loaded once per process (workers reuse it across runs)."""
    if source == "simulated":
        return load_gait("simulated", seed=data_seed, n_strides=n_strides)
    return load_gait(source)


def held_out_subjects(profile: str, source: str = "simulated", data_seed: int = 0, n: int | None = None) -> list[str]:
    """The first ``n`` subjects (default ``N_FOLDS[profile]``): each is one fold's test subject."""
    subjects = _cohort(source, data_seed, N_STRIDES[check_choice("profile", profile, tuple(N_FOLDS))]).subject_names
    n = N_FOLDS[profile] if n is None else n
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(subjects):
        raise ValueError(f"n (held-out subjects) must be an int in 1..{len(subjects)}, got {n!r}")
    return subjects[:n]


def make_fold(pair: str, held_out: str, profile: str, *, source: str = "simulated", data_seed: int = 0) -> GaitFold:
    """Windows of ``pair`` with ``held_out`` as the test subject (``(b, L, c)`` channel-last)."""
    x_name, y_name = PAIRS[check_choice("pair", pair, tuple(PAIRS))]
    prof = gait_profile(profile)
    data = _cohort(source, data_seed, N_STRIDES[profile])
    check_choice("held_out", held_out, data.subject_names)
    channels = MODALITIES[x_name] + MODALITIES[y_name]
    windows, labels = stride_windows(data, channels, window=RAW_WINDOW, overlap=0.5)    # (B, 300, c)
    b, n, c = windows.shape
    k = prof.subsample
    windows = windows[:, : n - n % k].reshape(b, n // k, k, c).mean(axis=2)            # (B, L, c)
    test = (labels["subject"] == held_out).to_numpy()
    mean, std = windows[~test].mean(axis=(0, 1)), windows[~test].std(axis=(0, 1))
    z = ((windows - mean) / std).astype(np.float32)
    cx = len(MODALITIES[x_name])
    return GaitFold(pair, held_out, z[~test, :, :cx], z[~test, :, cx:], z[test, :, :cx], z[test, :, cx:],
                    labels[~test].reset_index(drop=True), labels[test].reset_index(drop=True), mean, std)


def build_pair(cx: int, cy: int, profile: Profile, *, shared_encoder: bool = False):
    """p(X|Y) and p(Y|X); with ``shared_encoder`` (LaMbDA A.5) both use ONE encoder (and
    diffusion-step MLP) over their own input projections, with modality-specific decoders."""
    model_x = ConditionalDenoiser(DenoiserConfig.from_profile(profile, cx, cy))
    model_y = ConditionalDenoiser(DenoiserConfig.from_profile(profile, cy, cx))
    if shared_encoder:
        model_y.encoder, model_y.time_mlp = model_x.encoder, model_x.time_mlp
    return model_x, model_y


def task_probes(model_x: ConditionalDenoiser, model_y: ConditionalDenoiser, diffusion: GaussianDiffusion,
                fold: GaitFold, *, seed: int, kinds=PROBES, label: str = "task") -> pd.DataFrame:
    """LaMbDA Table 3's probes of one trained pair: each model's encoder latents at the least noisy
    step, Z = h(x_0, 0) (noise drawn from ``seed``, ``seed + 1`` for Y), pooled over time; a probe
    of each kind (:func:`lambdalib.core.probes.probe_accuracy`) fitted on the training subjects'
    windows and scored on the held-out subject's ``label``. One row per (model, probe):
    ``model`` ("X|Y (angles)", ...), ``probe``, ``accuracy``."""
    rows = []
    names = PAIRS[fold.pair]
    sides = (("X|Y", model_x, fold.x_train, fold.x_test), ("Y|X", model_y, fold.y_train, fold.y_test))
    for k, (side, model, train, test) in enumerate(sides):
        z_train, z_test = (pool_latents(encoder_latents(model, diffusion, w, 0, seed=seed + k)) for w in (train, test))
        for kind in kinds:
            acc = probe_accuracy(z_train, fold.labels_train[label], z_test, fold.labels_test[label],
                                 kind=kind, seed=seed)
            rows.append({"model": f"{side} ({names[k]})", "probe": kind, "accuracy": acc})
    return pd.DataFrame(rows)


def gait_task(pair: str, variant: str, held_out: str, seed: int, profile: str, source: str = "simulated",
              data_seed: int = 0, device: str = "auto") -> dict:
    """One run, as a :func:`~lambdalib.book.sweep.sweep` task: train, then score what the chapters read.

    Returns ``history`` (per-step losses), ``metrics`` (variants in :data:`SAMPLED`: one row per
    direction, MSE, Frechet distance and predictive score of the DDPM samples, normalised units),
    ``samples`` (direction -> ``(n_eval, L, c)``), ``eval_idx`` (the held-out windows scored),
    ``probes`` (variants in :data:`PROBED`: :func:`task_probes`), ``state`` (EMA weights of both
    models, CPU) and ``train_seconds``.
    """
    overrides = dict(VARIANTS[check_choice("variant", variant, tuple(VARIANTS))])
    prof = gait_profile(profile)
    fold = make_fold(pair, held_out, profile, source=source, data_seed=data_seed)
    set_seed(seed)
    dev = resolve_device(device)
    model_x, model_y = build_pair(fold.x_train.shape[-1], fold.y_train.shape[-1], prof,
                                  shared_encoder=variant in SHARED_ENCODER)
    diffusion = GaussianDiffusion(prof.timesteps, prof.schedule, device=dev)
    trainer = PairTrainer(model_x, model_y, diffusion, TrainConfig.from_profile(prof, **overrides), device=device)
    start = time.perf_counter()
    history = trainer.fit(torch.from_numpy(fold.x_train), torch.from_numpy(fold.y_train), seed=seed, progress=False)
    train_seconds = time.perf_counter() - start
    ema_x, ema_y = trainer.ema_x.module, trainer.ema_y.module

    idx = eval_indices(len(fold.x_test), prof.n_eval)
    x, y = fold.x_test[idx], fold.y_test[idx]
    jobs = {"X|Y": (ema_x, y, x), "Y|X": (ema_y, x, y)} if variant in SAMPLED else {}
    samples, rows = {}, []
    for direction, (model, cond, target) in jobs.items():
        gen = conditional_sample(model, diffusion, torch.from_numpy(cond), x_channels=target.shape[-1],
                                 seed=seed).cpu().numpy()
        samples[direction] = gen
        rows.append({"direction": direction, "mse": mse(gen, target), "fd": frechet_score(gen, target),
                     "pred": predictive_score(gen, target, condition_gen=cond, condition_real=cond,
                                              seed=seed, device="cpu")})
    probes = (task_probes(ema_x, ema_y, diffusion, fold, seed=seed) if variant in PROBED
              else pd.DataFrame(columns=["model", "probe", "accuracy"]))
    state = {name: {k: v.detach().cpu() for k, v in getattr(trainer, name).module.state_dict().items()}
             for name in ("ema_x", "ema_y")}
    return {"history": history, "metrics": pd.DataFrame(rows, columns=["direction", "mse", "fd", "pred"]),
            "samples": samples, "eval_idx": idx, "probes": probes, "state": state, "train_seconds": train_seconds}


def gait_fingerprint(profile: str, source: str = "simulated", data_seed: int = 0) -> str:
    """The run cache's data version: the data's strides, the profile's sizes and the variants."""
    data = _cohort(source, data_seed, N_STRIDES[profile])
    digest = hashlib.sha256()
    for subject in data.subject_names:
        for task in sorted(data.strides[subject]):
            for channel in sorted(data.strides[subject][task]):
                digest.update(data.strides[subject][task][channel].tobytes())
    digest.update(json.dumps([gait_profile(profile).to_dict(), VARIANTS, MODALITIES, SAMPLED, PROBED, PROBES],
                             sort_keys=True).encode())
    return digest.hexdigest()[:16]


def default_cache_dir() -> str:
    """Where the gait chapters share trained runs: ``$LAMBDABOOK_RUN_CACHE``, else
    ``$XDG_CACHE_HOME/lambdabook/runs`` (the Makefile points XDG_CACHE_HOME into ``_build/``),
    else ``~/.cache/lambdabook/runs``. Never in the repository's tracked files."""
    if os.environ.get("LAMBDABOOK_RUN_CACHE"):
        return os.environ["LAMBDABOOK_RUN_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "lambdabook", "runs")


def run_gait(pairs, variants, profile: str, *, seeds=(0,), source: str = "simulated", data_seed: int = 0,
             device: str = "auto", scheduler=None, cache_dir=None, held_out=None) -> pd.DataFrame:
    """Every (pair, variant, held-out subject, training seed) run through the run cache: one row
    per run, the config then :func:`gait_task`'s keys. ``held_out`` defaults to
    :func:`held_out_subjects`; ``cache_dir`` None means :func:`default_cache_dir` (``False``: none)."""
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
    models = build_pair(cx, cy, gait_profile(run["profile"]), shared_encoder=run["variant"] in SHARED_ENCODER)
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
    """One row per (pair, variant, held_out, seed, direction): mse, fd, pred, train_seconds."""
    return _stack(runs, "metrics", ["pair", "variant", "held_out", "seed", "direction", "mse", "fd", "pred",
                                    "train_seconds"], train_seconds="train_seconds")


def probes_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (pair, variant, held_out, seed, model, probe): the runs' :func:`task_probes` accuracies."""
    return _stack(runs, "probes", ["pair", "variant", "held_out", "seed", "model", "probe", "accuracy"])


@torch.no_grad()
def encoder_latents(model: ConditionalDenoiser, diffusion: GaussianDiffusion, x0: np.ndarray, t: int, *,
                    seed: int = 0, batch: int = 512) -> np.ndarray:
    """The aligned latent Z_t = h(x_t, t) (LaMbDA eq. 4) of clean windows ``x0 (b, L, c)`` noised
    to step ``t`` (LAMBDA eq. 1) with noise drawn from ``seed``: ``(b, L, d)``."""
    device = next(model.parameters()).device
    x0 = torch.from_numpy(np.ascontiguousarray(x0, dtype=np.float32))
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
    out = []
    for start in range(0, len(x0), batch):
        tt = torch.full((len(x0[start:start + batch]),), t, device=device)
        x_t = diffusion.q_sample(x0[start:start + batch].to(device), tt, eps[start:start + batch].to(device))
        out.append(model.encode(x_t, tt)[0].cpu())                      # (batch, L, d)
    return torch.cat(out).numpy()


# ----- the paper's tables (reference values only; ours are computed) ---------------------------
METRICS = {"mse": "MSE", "fd": "FD", "pred": "predictive score"}
# LaMbDA Table 1: (pair, direction, metric) -> {variant: paper value}; FD is the paper's "FID".
PAPER_TABLE1 = {
    (pair, direction, metric): {"w/o align": wo, "LaMbDA": w}
    for (pair, direction), cells in {
        ("angles-moments", "X|Y"): {"mse": (0.18, 0.14), "fd": (37.8, 32.4), "pred": (0.18, 0.16)},
        ("angles-moments", "Y|X"): {"mse": (0.08, 0.07), "fd": (20.4, 14.2), "pred": (0.08, 0.07)},
        ("angles-GRF", "X|Y"): {"mse": (0.22, 0.19), "fd": (66.7, 40.4), "pred": (0.30, 0.16)},
        ("angles-GRF", "Y|X"): {"mse": (0.07, 0.06), "fd": (24.8, 5.8), "pred": (0.12, 0.08)},
        ("moments-GRF", "X|Y"): {"mse": (0.08, 0.07), "fd": (16.5, 13.7), "pred": (0.08, 0.07)},
        ("moments-GRF", "Y|X"): {"mse": (0.03, 0.03), "fd": (6.6, 4.3), "pred": (0.07, 0.05)},
    }.items() for metric, (wo, w) in cells.items()
}
# LaMbDA Table 4 (angles-moments, MSE) and Table 5 (shared encoder vs LaMbDA, MSE).
PAPER_TABLE4 = {
    ("angles-moments", d, "mse"): dict(zip(("w/o contrastive", "w/o covariance", "w/o energy", "LaMbDA"), v))
    for d, v in (("X|Y", (0.18, 0.17, 0.17, 0.14)), ("Y|X", (0.08, 0.07, 0.07, 0.07)))
}
PAPER_TABLE5 = {
    (pair, d, "mse"): {"shared encoder": shared, "LaMbDA": ours}
    for pair, rows in {"angles-moments": ((0.98, 0.14), (1.02, 0.07)), "moments-GRF": ((1.00, 0.07), (1.13, 0.03)),
                       "angles-GRF": ((0.95, 0.19), (1.14, 0.06))}.items()
    for d, (shared, ours) in zip(DIRECTIONS, rows)
}


def paper_vs_ours(frame: pd.DataFrame, paper: dict, metric: str, variants) -> pd.DataFrame:
    """Table of one metric: rows (pair, direction) of ``paper``, per variant the paper's value
    and ours as "mean ± sd over folds" (``frame`` from :func:`metrics_frame`)."""
    rows = {}
    for (pair, direction, m), values in paper.items():
        if m != metric:
            continue
        row = {}
        for variant in variants:
            ours = frame.query("pair == @pair and direction == @direction and variant == @variant")[metric]
            row[(variant, "paper")] = values.get(variant, float("nan"))
            row[(variant, "ours")] = f"{ours.mean():.3g} ± {ours.std(ddof=1):.2g}" if len(ours) > 1 else \
                (f"{ours.mean():.3g}" if len(ours) else "—")
        rows[(pair, direction)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return table


def variant_claims(chapter: str, frame: pd.DataFrame, paper: dict, *, baseline: str, treatment: str) -> list:
    """One claim per cell of ``paper`` whose metric is in ``frame``: "``treatment`` lowers the
    metric against ``baseline``", paired over (held-out subject, seed) runs."""
    out = []
    for (pair, direction, metric), values in paper.items():
        if baseline not in values or treatment not in values:
            continue
        cell = frame.query("pair == @pair and direction == @direction").pivot(
            index=["held_out", "seed"], columns="variant", values=metric)
        out.append(compare(chapter, f"{pair} {direction}: {treatment} lowers {METRICS[metric]} vs {baseline}",
                           cell[baseline].to_numpy(), cell[treatment].to_numpy(), direction="lower",
                           paper_baseline=values[baseline], paper_treatment=values[treatment]))
    return out


# One signal per modality for the Figure 2-style panels: name -> (pair, direction, channel).
FIGURE2 = {"knee angle": ("angles-moments", "X|Y", 1), "ankle moment": ("angles-moments", "Y|X", 2),
           "vertical GRF": ("moments-GRF", "Y|X", 1)}
UNITS = {"angles": "deg", "moments": "N mm / kg", "GRF": "N"}


def generated_signals(runs: pd.DataFrame, held_out: str, variants, signals: dict = FIGURE2, *,
                      source: str = "simulated", data_seed: int = 0):
    """Real and generated windows of ``held_out``'s scored windows in data units, for
    :func:`lambdalib.papers.lambda_ts.figures.plot_cycles`: ``(real {name: (b, L)}, generated {variant: {name:
    (b, L)}}, units {name: unit}, mse {variant: {name: (b,)}})``."""
    real, generated, units, errors = {}, {v: {} for v in variants}, {}, {v: {} for v in variants}
    for name, (pair, direction, k) in signals.items():
        run0 = runs[(runs.pair == pair) & (runs.held_out == held_out)].iloc[0]
        fold = make_fold(pair, held_out, run0["profile"], source=source, data_seed=data_seed)
        x_name, y_name = PAIRS[pair]
        c = k if direction == "X|Y" else len(MODALITIES[x_name]) + k           # channel in (X, Y)
        target = fold.x_test if direction == "X|Y" else fold.y_test
        scale = lambda z: z * fold.std[c] + fold.mean[c]                          # noqa: E731
        real[name] = scale(target[run0["eval_idx"], :, k])
        units[name] = UNITS[x_name if direction == "X|Y" else y_name]
        for v in variants:
            run = runs[(runs.pair == pair) & (runs.held_out == held_out) & (runs.variant == v)].iloc[0]
            generated[v][name] = scale(run["samples"][direction][:, :, k])
            errors[v][name] = ((run["samples"][direction] - target[run["eval_idx"]]) ** 2).mean(axis=(1, 2))
    return real, generated, units, errors
