"""One cross-modal experiment: build and train the pair p(X|Y), p(Y|X) on paired windows, sample, score.

This is what a cell of LaMbDA-long Table 2 is: one system, with or without alignment, one seed.
:func:`run_pair` is a pure function of its arguments (data generated inside from the system
name), so seeds and variants can run in separate processes. :func:`build_pair`,
:func:`conditional_sample` serves the gait runs as well.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.metrics import mse
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.dynamics import PairedWindows, make_pair_dataset
from lambdalib.papers.lambda_ts.collapse import pair_collapse
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser, DenoiserConfig
from lambdalib.papers.lambda_ts.sizes import Profile
from lambdalib.papers.lambda_ts.trainer import PairTrainer, TrainConfig

__all__ = ["DIRECTIONS", "PairResult", "build_pair", "conditional_sample", "eval_indices",
           "run_pair", "sampler_comparison"]

# "X|Y": generate X given Y (model_x); "Y|X": generate Y given X (model_y).
DIRECTIONS = ("X|Y", "Y|X")


@dataclass
class PairResult:
    """Everything a chapter shows about one trained pair."""

    system: str
    variant: str                    # the variant's name (e.g. "LaMbDA", "w/o align")
    seed: int
    history: pd.DataFrame           # per-step loss terms (see PairTrainer)
    mse: dict[str, float]           # direction -> test MSE of DDPM samples (normalised units)
    samples: dict[str, np.ndarray]  # direction -> (n_eval, L, c) generated windows, normalised
    train_seconds: float            # wall time of training
    samplers: pd.DataFrame | None   # DDPM vs DDIM on the same models (see sampler_comparison)
    collapse: pd.DataFrame          # per model and t: within-window share, probe R^2 (see collapse_table)


def build_pair(cx: int, cy: int, profile: Profile, *, shared_encoder: bool = False):
    """p(X|Y) and p(Y|X) for ``cx`` and ``cy`` channels, built in that order; with
    ``shared_encoder`` (LaMbDA-long A.5) both use ONE encoder (and diffusion-step MLP) over their
    own input projections, with modality-specific decoders."""
    model_x = ConditionalDenoiser(DenoiserConfig.from_profile(profile, cx, cy))
    model_y = ConditionalDenoiser(DenoiserConfig.from_profile(profile, cy, cx))
    if shared_encoder:
        model_y.encoder, model_y.time_mlp = model_x.encoder, model_x.time_mlp
    return model_x, model_y


def eval_indices(n_test: int, n_eval: int) -> np.ndarray:
    """``n_eval`` evenly spaced test windows (all of them when there are fewer)."""
    return np.unique(np.linspace(0, n_test - 1, min(n_eval, n_test)).round().astype(int))


@torch.no_grad()
def conditional_sample(model: torch.nn.Module, diffusion: GaussianDiffusion, cond: torch.Tensor, *,
                       x_channels: int, sampler: str = "ddpm", steps: int | None = None,
                       seed: int = 0) -> torch.Tensor:
    """Draw one sample of the target per condition window ``cond (b, n, c_Y) -> (b, n, c_X)``.

    ``sampler="ddpm"`` runs all T ancestral steps; ``"ddim"`` runs ``steps`` deterministic steps.
    """
    check_choice("sampler", sampler, ("ddpm", "ddim"))
    model.eval()
    cond = cond.to(diffusion.device)
    shape = (cond.shape[0], cond.shape[1], x_channels)
    generator = torch.Generator().manual_seed(seed)

    def model_fn(x_t, t):
        return model(x_t, t, cond)[0]

    if sampler == "ddpm":
        return diffusion.ddpm_sample(model_fn, shape, generator=generator)
    if steps is None:
        raise ValueError("sampler='ddim' needs steps (e.g. T // 20)")
    return diffusion.ddim_sample(model_fn, shape, steps=steps, generator=generator)


@torch.no_grad()
def sampler_comparison(models: dict[str, tuple[torch.nn.Module, torch.Tensor, torch.Tensor]],
                       diffusion: GaussianDiffusion, *, ddim_fractions: tuple[int, ...] = (10, 20),
                       seed: int = 0) -> tuple[pd.DataFrame, dict[str, torch.Tensor]]:
    """DDPM (all T steps) against DDIM at T/k steps on the same models and windows.

    ``models`` maps a direction to ``(model, condition (b, n, c_Y), target (b, n, c_X))``.
    Returns one row per (sampler, steps, direction) with the sampling wall time and test MSE,
    and the DDPM samples ``{direction: (b, n, c_X)}`` (on the CPU) those rows scored.
    """
    settings = [("ddpm", None, diffusion.timesteps)] + [
        ("ddim", diffusion.timesteps // k, diffusion.timesteps // k) for k in ddim_fractions]
    rows, ddpm_samples = [], {}
    for sampler, steps, n_steps in settings:
        for direction, (model, cond, target) in models.items():
            start = time.perf_counter()
            sample = conditional_sample(model, diffusion, cond, x_channels=target.shape[-1],
                                        sampler=sampler, steps=steps, seed=seed).cpu()
            rows.append({"sampler": sampler.upper(), "steps": n_steps, "direction": direction,
                         "seconds": time.perf_counter() - start, "mse": mse(sample, target)})
            if sampler == "ddpm":
                ddpm_samples[direction] = sample
    return pd.DataFrame(rows), ddpm_samples


def run_pair(system: str, *, profile: Profile, variant: str, seed: int, device: str = "auto",
             progress: bool = True, data: PairedWindows | None = None,
             ddim_fractions: tuple[int, ...] = (), **train_overrides) -> PairResult:
    """Train p(X|Y), p(Y|X) on ``system`` at ``profile`` with the :class:`TrainConfig` fields
    ``train_overrides`` (``variant`` names them, e.g. ``align=False`` for "w/o align"); score on test.

    Besides the test MSE of DDPM samples, the result holds the collapse measures of both EMA
    encoders at t = 0, T/4, T/2 (:func:`~lambdalib.papers.lambda_ts.collapse.collapse_table`,
    probes fitted on up to 4 * n_eval training windows). With ``ddim_fractions`` (e.g.
    ``(10, 20)``), also time DDPM against DDIM at T/k steps on the trained models
    (:func:`sampler_comparison`). The result holds no model, so it pickles small.
    """
    set_seed(seed)
    dev = resolve_device(device)
    data = data if data is not None else make_pair_dataset(system, profile)
    model_x, model_y = build_pair(data.x_train.shape[-1], data.y_train.shape[-1], profile)
    diffusion = GaussianDiffusion(profile.timesteps, profile.schedule, device=dev)
    config = TrainConfig.from_profile(profile, **train_overrides)
    trainer = PairTrainer(model_x, model_y, diffusion, config, device=device)
    start = time.perf_counter()
    history = trainer.fit(torch.from_numpy(data.x_train), torch.from_numpy(data.y_train),
                          seed=seed, progress=progress)
    train_seconds = time.perf_counter() - start

    idx = eval_indices(len(data.x_test), profile.n_eval)
    x_test, y_test = torch.from_numpy(data.x_test[idx]), torch.from_numpy(data.y_test[idx])
    models = {"X|Y": (trainer.ema_x.module, y_test, x_test), "Y|X": (trainer.ema_y.module, x_test, y_test)}
    # The DDPM samples are scored once, as the DDPM rows of the sampler comparison.
    table, samples = sampler_comparison(models, diffusion, ddim_fractions=ddim_fractions, seed=seed)
    errors = {d: mse(samples[d], models[d][2]) for d in DIRECTIONS}
    samplers = table if ddim_fractions else None
    fit = eval_indices(len(data.x_train), 4 * profile.n_eval)
    collapse = pair_collapse(trainer.ema_x.module, trainer.ema_y.module, diffusion,
                             (data.x_train[fit], data.y_train[fit]), (data.x_test[idx], data.y_test[idx]),
                             S=profile.align_window, seed=seed)
    return PairResult(system, variant, seed, history, errors, {k: v.numpy() for k, v in samples.items()},
                      train_seconds, samplers, collapse)
