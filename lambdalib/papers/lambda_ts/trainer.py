"""One trainer for the LaMbDA pair p(X|Y), p(Y|X) (LaMbDA-long eq. 8, Algorithm 1).

Each step draws ONE diffusion step t for the whole minibatch, shared by both models, as both
papers do (LaMbDA-long Algorithm 1 step 1, LaMbDA-short section 3), noises both modalities with
the closed form of LaMbDA-short eq. 1, runs both denoisers (each conditioned on the other
modality's clean signal), and minimises

    L = L_den^X + L_den^Y + L_energy^X + L_energy^Y + alpha * (L_con + L_cov)

where the alignment terms act on the two encoders' latents at that same t. ``align=False``
keeps everything else (mutual conditioning, energy terms), so "with vs without alignment"
isolates alignment, as in the paper. Sampling uses an EMA of the weights.

Why one t per minibatch matters: both encoders add the same embedding of t to their tokens, so
with a t per sample the windowed InfoNCE can match windows by their t alone
(:mod:`lambdalib.papers.lambda_ts.shortcut` measures it). ``t_sampling="per_sample"`` keeps that
draw for the shortcut demonstration only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import T_SAMPLING, GaussianDiffusion
from lambdalib.core.progress import progress_bar
from lambdalib.core.seed import resolve_device
from lambdalib.papers.lambda_ts.losses import (
    AlignmentWeight,
    covariance_alignment_loss,
    energy_loss,
    window_variance,
    windowed_infonce,
)
from lambdalib.papers.lambda_ts.objectives import alignment_loss

__all__ = ["TrainConfig", "PairTrainer", "EMA", "ALIGN_TERMS"]

ALIGN_TERMS = ("con", "cov", "align")  # the loss terms weighted by alpha


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1500              # optimiser steps
    batch_size: int = 32           # windows per step
    lr: float = 1e-3               # AdamW peak learning rate
    warmup: int = 50               # linear warm-up steps, then cosine decay to 0 at `steps`
    weight_decay: float = 1e-4     # AdamW weight decay
    ema_decay: float = 0.99        # EMA of the weights used for sampling
    grad_clip: float = 1.0         # max global gradient norm
    align: bool = True             # add alpha * L_LaMbDA (LaMbDA-long eq. 8); False: "w/o align"
    contrastive: bool = True       # L_con inside L_LaMbDA (for ablations)
    covariance: bool = True        # L_cov inside L_LaMbDA (for ablations)
    energy: bool = True            # L_energy on both reconstructions
    weighting: str = "learned"     # alpha: "learned" (uncertainty weighting), "literal" (the papers'
                                   # alpha * L with alpha a free parameter) or "fixed"
    alpha: float = 1.0             # the constant alpha ("fixed"), or the start value ("literal")
    t_sampling: str = "per_batch"  # one diffusion step per minibatch (the papers), or "per_sample"
    cov_reduction: str = "frobenius"  # L_cov over the d x d entries: "frobenius" (sum) or "mean"
    objective: str = "lambda"      # alignment objective: LaMbDA's L_con + L_cov, or a baseline of
                                   # lambdalib.papers.lambda_ts.objectives ("simclr", "barlow", "vicreg", "mse")
    align_window: int = 15         # S, window length of the alignment terms
    tau: float = 0.1               # InfoNCE temperature
    checkpoint_every: int = 0      # save a checkpoint every k steps (0: never)

    def __post_init__(self) -> None:
        check_choice("t_sampling", self.t_sampling, T_SAMPLING)
        check_choice("weighting", self.weighting, AlignmentWeight.MODES)

    @classmethod
    def from_profile(cls, profile, **overrides) -> "TrainConfig":
        base = cls(steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr, warmup=profile.warmup,
                   weight_decay=profile.weight_decay, ema_decay=profile.ema_decay,
                   align_window=profile.align_window, tau=profile.tau)
        return replace(base, **overrides)


class EMA(AveragedModel):
    """torch's EMA of the weights (``AveragedModel`` with ``get_ema_multi_avg_fn``): the same
    ``torch._foreach_lerp_`` update, bit for bit, with the two tensor lists built once instead of
    walking both module trees every step (that walk was ~8% of a quick training step).
    Float parameters only: a model with buffers keeps torch's own update."""

    def __init__(self, model: nn.Module, decay: float):
        super().__init__(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
        self.decay = decay
        self._lists: tuple[nn.Module, list, list] | None = None

    @torch.no_grad()
    def update_parameters(self, model: nn.Module) -> None:
        if self._lists is None or self._lists[0] is not model:   # built once per model, buffers checked once
            fast = not any(True for _ in model.buffers())
            self._lists = (model, [p.detach() for p in self.module.parameters()] if fast else None,
                           [p.detach() for p in model.parameters()] if fast else None)
        if self.n_averaged == 0 or self._lists[1] is None:
            return super().update_parameters(model)           # the first call copies the weights
        torch._foreach_lerp_(self._lists[1], self._lists[2], 1 - self.decay)
        self.n_averaged += 1


class PairTrainer:
    """Train ``model_x`` = p(X|Y) and ``model_y`` = p(Y|X) jointly; ``fit`` returns the loss history.

    With ``checkpoint_path`` set, ``fit`` saves ``{step, models, EMAs, weight, optimiser, RNG,
    history, config}`` every ``checkpoint_every`` steps and at the end, and resumes from the file
    if it exists: a run killed mid-way and restarted ends with the same weights as one that was
    never interrupted.
    """

    def __init__(self, model_x: nn.Module, model_y: nn.Module, diffusion: GaussianDiffusion,
                 config: TrainConfig, *, device: str = "auto", checkpoint_path: str | Path | None = None):
        self.device = resolve_device(device)
        self.config = config
        self.diffusion = diffusion
        self.model_x, self.model_y = model_x.to(self.device), model_y.to(self.device)
        self.weight = AlignmentWeight(config.weighting, config.alpha).to(self.device)
        self.ema_x, self.ema_y = EMA(self.model_x, config.ema_decay), EMA(self.model_y, config.ema_decay)
        # Deduplicated: the shared-encoder variant (LaMbDA-long A.5) gives both models one encoder.
        params = list({id(p): p for m in (self.model_x, self.model_y, self.weight) for p in m.parameters()}.values())
        self.opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay, foreach=True)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.opt, self._lr_factor)
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
        self.step = 0
        self.history: list[dict] = []
        self.generator = torch.Generator()

    def _lr_factor(self, step: int) -> float:
        """Linear warm-up over ``warmup`` steps, then a half cosine down to 0 at ``steps``."""
        c = self.config
        if step < c.warmup:
            return (step + 1) / c.warmup
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - c.warmup) / max(1, c.steps - c.warmup))))

    # ----- one step ----------------------------------------------------------------------------
    def losses(self, x0: torch.Tensor, y0: torch.Tensor):
        """All loss terms of LaMbDA-long eq. 8 for one batch ``x0 (b, n, c_X), y0 (b, n, c_Y)``, and
        the latents ``(z_x, z_y)`` they were computed from."""
        c, g = self.config, self.generator
        t = self.diffusion.sample_timesteps(x0.shape[0], rule=c.t_sampling, generator=g)   # (b,), one value
        eps_x = torch.randn(x0.shape, generator=g).to(self.device)
        eps_y = torch.randn(y0.shape, generator=g).to(self.device)
        x_t = self.diffusion.q_sample(x0, t, eps_x)                         # LaMbDA-short eq. 1
        y_t = self.diffusion.q_sample(y0, t, eps_y)                         # LaMbDA-short eq. 2
        x0_hat, z_x = self.model_x(x_t, t, y0)                              # p_theta(X | Y)
        y0_hat, z_y = self.model_y(y_t, t, x0)                              # p_phi(Y | X)
        terms = {"den_x": F.mse_loss(x0_hat, x0), "den_y": F.mse_loss(y0_hat, y0)}   # LaMbDA-short eq. 3
        if c.energy:
            terms["energy_x"] = energy_loss(x0_hat, x0)
            terms["energy_y"] = energy_loss(y0_hat, y0)
        if c.align and c.objective != "lambda":                             # Table 3's baselines
            terms["align"] = alignment_loss(c.objective, z_x, z_y, S=c.align_window, tau=c.tau)
            return terms, (z_x, z_y)
        if c.align and c.contrastive:
            terms["con"] = windowed_infonce(z_x, z_y, c.align_window, c.tau)
        if c.align and c.covariance:
            terms["cov"] = covariance_alignment_loss(z_x, z_y, c.align_window, reduction=c.cov_reduction)
        return terms, (z_x, z_y)

    def _step(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        idx = torch.randint(x.shape[0], (self.config.batch_size,), generator=self.generator)
        terms, (z_x, z_y) = self.losses(x[idx.to(x.device)], y[idx.to(y.device)])
        with torch.no_grad():  # diagnostic: how much the latents still vary inside a window
            diagnostics = {"z_var_x": window_variance(z_x, self.config.align_window).item(),
                           "z_var_y": window_variance(z_y, self.config.align_window).item()}
        for name, value in terms.items():
            if not torch.isfinite(value):
                raise FloatingPointError(f"non-finite loss at step {self.step}: term {name!r} = {value.item()}")
        align_terms = [terms[k] for k in ALIGN_TERMS if k in terms]
        total = sum(v for k, v in terms.items() if k not in ALIGN_TERMS)
        if align_terms:
            total = total + self.weight(sum(align_terms))
        self.opt.zero_grad(set_to_none=True)
        total.backward()
        nn.utils.clip_grad_norm_(self.opt.param_groups[0]["params"], self.config.grad_clip)
        self.opt.step()
        self.scheduler.step()
        self.ema_x.update_parameters(self.model_x)
        self.ema_y.update_parameters(self.model_y)
        self.step += 1
        return {"step": self.step, "loss": total.item(), "alpha": self.weight.alpha if align_terms else 0.0,
                **{k: v.item() for k, v in terms.items()}, **diagnostics}

    # ----- training loop -----------------------------------------------------------------------
    def fit(self, x: torch.Tensor, y: torch.Tensor, *, seed: int, progress: bool = True) -> pd.DataFrame:
        """Train on paired windows ``x (N, n, c_X)``, ``y (N, n, c_Y)`` up to ``config.steps``."""
        if x.shape[0] != y.shape[0] or x.shape[1] != y.shape[1]:
            raise ValueError(f"x and y must pair up: got {tuple(x.shape)} and {tuple(y.shape)}")
        x = torch.as_tensor(x, dtype=torch.float32, device=self.device)
        y = torch.as_tensor(y, dtype=torch.float32, device=self.device)
        self.generator.manual_seed(int(seed))
        if self.checkpoint_path is not None and self.checkpoint_path.exists():
            self.load(self.checkpoint_path)
        self.model_x.train(), self.model_y.train()
        bar = progress_bar(total=self.config.steps, initial=self.step, disable=not progress, mininterval=5,
                   desc=f"train pair (align={self.config.align})")
        while self.step < self.config.steps:
            record = self._step(x, y)
            self.history.append(record)
            bar.update(1)
            if self.step % 50 == 0:
                bar.set_postfix(loss=f"{record['loss']:.3f}", refresh=False)
            if self.checkpoint_path is not None and self.config.checkpoint_every and \
                    self.step % self.config.checkpoint_every == 0:
                self.save(self.checkpoint_path)
        bar.close()
        if self.checkpoint_path is not None:
            self.save(self.checkpoint_path)
        self.model_x.eval(), self.model_y.eval(), self.ema_x.eval(), self.ema_y.eval()
        return self.history_frame()

    def history_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.history)

    # ----- checkpoints ---------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {"step": self.step, "model_x": self.model_x.state_dict(), "model_y": self.model_y.state_dict(),
                "ema_x": self.ema_x.state_dict(), "ema_y": self.ema_y.state_dict(),
                "weight": self.weight.state_dict(), "opt": self.opt.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "rng": self.generator.get_state(), "history": self.history, "config": asdict(self.config)}

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        torch.save(self.state_dict(), tmp)
        tmp.replace(path)  # atomic: a kill mid-save leaves the previous checkpoint intact

    def load(self, path: str | Path) -> None:
        state = torch.load(path, map_location=self.device, weights_only=False)
        if state["config"] != asdict(self.config):
            raise ValueError(f"checkpoint {path} was written with another TrainConfig; "
                             f"delete it or use the same config")
        self.step = state["step"]
        self.history = list(state["history"])
        for name in ("model_x", "model_y", "ema_x", "ema_y", "weight", "opt", "scheduler"):
            getattr(self, name).load_state_dict(state[name])
        self.generator.set_state(state["rng"])
