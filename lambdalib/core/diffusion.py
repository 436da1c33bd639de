"""Gaussian diffusion: schedules, the closed-form forward process, DDPM and DDIM samplers.

Names follow the DDPM literature (and lucidrains' / Diffusion-TS code): ``betas``,
``alphas_cumprod``, ``q_sample``, ``q_posterior``, ``ddpm_sample``, ``ddim_sample``.
Timesteps are 0-based: ``t`` in ``{0, ..., T-1}``, ``t = 0`` the least noisy.

The denoisers here predict x_0 (LaMbDA-long eq. 3, "x0-prediction"), so every sampler takes a
``model_fn(x_t, t) -> x0_hat`` with ``x_t`` of shape ``(b, n, c)`` and ``t`` of shape ``(b,)``.

Forward process. We use the standard closed form of LaMbDA-short eq. 1:
``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps``. LaMbDA-long's Algorithm 1 writes
``sqrt(beta_t) x_0 + sqrt(1 - beta_t) eps``, which is not the marginal of the DDPM chain (it
would keep almost no signal at small t); we follow the short paper, as the book's README asks.
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from lambdalib.core.checks import check_choice

__all__ = [
    "linear_beta_schedule", "cosine_beta_schedule", "GaussianDiffusion", "T_SAMPLING", "extract",
]

T_SAMPLING = ("per_batch", "per_sample")  # how a minibatch draws its diffusion steps
ModelFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def linear_beta_schedule(timesteps: int) -> torch.Tensor:
    """DDPM's linear schedule (Ho et al. 2020), rescaled so any T spans the same noise range.

    beta_1 = 1e-4 and beta_T = 0.02 at T = 1000; for other T both ends scale by 1000 / T
    (Nichol & Dhariwal 2021). Returns float64 ``(T,)``. Needs T >= 20 (else beta_T > 1).
    """
    if timesteps < 20:
        raise ValueError(f"timesteps must be >= 20 for the linear schedule (beta_T = 20 / T <= 1), got {timesteps}")
    scale = 1000.0 / timesteps
    return torch.linspace(scale * 1e-4, scale * 0.02, timesteps, dtype=torch.float64)


def cosine_beta_schedule(timesteps: int, s: float = 0.008) -> torch.Tensor:
    """Cosine schedule, Nichol & Dhariwal 2021 eq. (17): abar(t) = cos^2(((t/T + s)/(1 + s)) pi/2)."""
    steps = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    abar = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
    abar = abar / abar[0]
    return (1 - abar[1:] / abar[:-1]).clamp(0, 0.999)


SCHEDULES = {"linear": linear_beta_schedule, "cosine": cosine_beta_schedule}


def extract(a: torch.Tensor, t: torch.Tensor, x_shape: torch.Size) -> torch.Tensor:
    """Gather ``a[t]`` for a batch ``t (b,)`` and reshape to broadcast against ``x_shape``."""
    return a.gather(0, t).reshape(t.shape[0], *([1] * (len(x_shape) - 1)))


class GaussianDiffusion:
    """The DDPM forward process and its reverse-time samplers for x0-predicting models.

    Buffers are computed in float64 and stored in float32 on ``device``.
    """

    def __init__(self, timesteps: int, schedule: str = "linear", *, device: torch.device | str = "cpu"):
        if timesteps < 2:
            raise ValueError(f"timesteps must be >= 2, got {timesteps!r}")
        betas = SCHEDULES[check_choice("schedule", schedule, tuple(SCHEDULES))](timesteps)
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        alphas_cumprod_prev = torch.cat([torch.ones(1, dtype=torch.float64), alphas_cumprod[:-1]])
        # q(x_{t-1} | x_t, x_0) = N(coef1 x_0 + coef2 x_t, posterior_variance)   (DDPM eq. 6-7)
        posterior_variance = betas * (1 - alphas_cumprod_prev) / (1 - alphas_cumprod)
        buffers = dict(
            betas=betas,
            alphas_cumprod=alphas_cumprod,
            alphas_cumprod_prev=alphas_cumprod_prev,
            sqrt_alphas_cumprod=alphas_cumprod.sqrt(),
            sqrt_one_minus_alphas_cumprod=(1 - alphas_cumprod).sqrt(),
            posterior_variance=posterior_variance,
            posterior_mean_coef1=betas * alphas_cumprod_prev.sqrt() / (1 - alphas_cumprod),
            posterior_mean_coef2=(1 - alphas_cumprod_prev) * (1 - betas).sqrt() / (1 - alphas_cumprod),
        )
        self.timesteps = timesteps
        self.schedule = schedule
        self.device = torch.device(device)
        for name, value in buffers.items():
            setattr(self, name, value.to(device=self.device, dtype=torch.float32))

    # ----- forward process -------------------------------------------------------------------
    def sample_timesteps(self, b: int, *, rule: str = "per_batch",
                         generator: torch.Generator | None = None) -> torch.Tensor:
        """Diffusion steps for a minibatch of ``b``: ``(b,)`` int64 on this diffusion's device.

        ``rule="per_batch"`` draws ONE t ~ U{0, ..., T-1} shared by the whole minibatch, as both
        LaMbDA papers train (LaMbDA-short section 3, LaMbDA-long Algorithm 1 step 1);
        ``"per_sample"`` draws one t per sample (the DDPM default; it uses b draws of ``generator``).
        """
        check_choice("t_sampling", rule, T_SAMPLING)
        t = torch.randint(self.timesteps, (1 if rule == "per_batch" else b,), generator=generator)
        return t.expand(b).to(self.device) if rule == "per_batch" else t.to(self.device)

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_t ~ q(x_t | x_0) in closed form (LaMbDA-short eq. 1): sqrt(abar_t) x0 + sqrt(1 - abar_t) eps."""
        return (extract(self.sqrt_alphas_cumprod, t, x0.shape) * x0
                + extract(self.sqrt_one_minus_alphas_cumprod, t, x0.shape) * noise)

    def predict_noise_from_start(self, x_t: torch.Tensor, t: torch.Tensor, x0: torch.Tensor) -> torch.Tensor:
        """eps implied by (x_t, x0): (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t)."""
        return ((x_t - extract(self.sqrt_alphas_cumprod, t, x_t.shape) * x0)
                / extract(self.sqrt_one_minus_alphas_cumprod, t, x_t.shape))

    def predict_start_from_noise(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """x0 implied by (x_t, eps): (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t) (DiffCrossGait eq. 13)."""
        return ((x_t - extract(self.sqrt_one_minus_alphas_cumprod, t, x_t.shape) * eps)
                / extract(self.sqrt_alphas_cumprod, t, x_t.shape))

    def q_posterior(self, x0: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor):
        """Mean and variance of q(x_{t-1} | x_t, x_0) (DDPM eq. 6-7)."""
        mean = (extract(self.posterior_mean_coef1, t, x_t.shape) * x0
                + extract(self.posterior_mean_coef2, t, x_t.shape) * x_t)
        return mean, extract(self.posterior_variance, t, x_t.shape)

    # ----- samplers -------------------------------------------------------------------------
    def _noise(self, shape, generator: torch.Generator | None) -> torch.Tensor:
        # Drawn on the CPU from the caller's generator, so numbers do not depend on the device.
        return torch.randn(shape, generator=generator).to(self.device)

    def _t(self, t: int, b: int) -> torch.Tensor:
        return torch.full((b,), t, device=self.device, dtype=torch.long)

    @torch.no_grad()
    def ddpm_sample(self, model_fn: ModelFn, shape, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """Ancestral sampling through all T steps (DDPM Algorithm 2, x0-parametrised)."""
        x = self._noise(shape, generator)
        for t in reversed(range(self.timesteps)):
            tt = self._t(t, shape[0])
            mean, var = self.q_posterior(model_fn(x, tt), x, tt)
            x = mean + var.sqrt() * self._noise(shape, generator) if t > 0 else mean
        return x

    def ddim_timesteps(self, steps: int) -> list[int]:
        """``steps`` evenly spaced timesteps from 0 to T-1, increasing."""
        if not 1 <= steps <= self.timesteps:
            raise ValueError(f"steps must be in [1, {self.timesteps}], got {steps!r}")
        return sorted({round(i * (self.timesteps - 1) / max(steps - 1, 1)) for i in range(steps)})

    def _ddim_step(self, x_t, x0_hat, t, abar_next) -> torch.Tensor:
        """One deterministic DDIM update (Song et al. 2021 eq. 12, eta = 0) to noise level abar_next."""
        eps = self.predict_noise_from_start(x_t, t, x0_hat)
        return abar_next.sqrt() * x0_hat + (1 - abar_next).sqrt() * eps

    @torch.no_grad()
    def ddim_sample(self, model_fn: ModelFn, shape, *, steps: int, generator: torch.Generator | None = None,
                    x_T: torch.Tensor | None = None) -> torch.Tensor:
        """Deterministic DDIM sampling (eta = 0) over ``steps`` of the T timesteps.

        Starts from ``x_T`` when given (e.g. the output of :meth:`ddim_invert`), else from noise.
        """
        ts = self.ddim_timesteps(steps)
        x = self._noise(shape, generator) if x_T is None else x_T.to(self.device)
        one = torch.ones((), device=self.device)
        for i in reversed(range(len(ts))):
            tt = self._t(ts[i], shape[0])
            abar_next = self.alphas_cumprod[ts[i - 1]] if i > 0 else one
            x = self._ddim_step(x, model_fn(x, tt), tt, abar_next)
        return x

    @torch.no_grad()
    def ddim_invert(self, model_fn: ModelFn, x0: torch.Tensor, *, steps: int) -> torch.Tensor:
        """DDIM inversion: run the deterministic DDIM ODE forward, x_0 -> x_T (ConDA section 3).

        The update to level t_i uses the model's prediction at the current state x_{t_{i-1}}:
        the usual first-order approximation, exact in the limit of many steps. The first update
        (clean data to t_0) keeps x_0 exactly and takes eps from the model's view of x at t_0.
        ``ddim_sample(..., x_T=ddim_invert(model_fn, x0, steps=k), steps=k)`` returns ~x0.
        """
        ts = self.ddim_timesteps(steps)
        x = x0.to(self.device)
        for i, t in enumerate(ts):
            if i == 0:
                tt = self._t(t, x.shape[0])
                x = self.q_sample(x, tt, self.predict_noise_from_start(x, tt, model_fn(x, tt)))
            else:
                tt = self._t(ts[i - 1], x.shape[0])
                x = self._ddim_step(x, model_fn(x, tt), tt, self.alphas_cumprod[t])
        return x
