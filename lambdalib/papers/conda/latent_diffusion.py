"""ConDA's conditional latent diffusion model (ConDA section 3.2): the feature latent space.

Frames ``(N, h, w)`` go through an autoencoder stage (:mod:`lambdalib.papers.conda.autoencoders`)
to unit-scale latents ``z0 (N, c)``; an eps-predicting MLP is trained on them under a condition
``cond (N, k)`` (ConDA eq. 2); DDIM inversion maps every frame to its noise latent
``x_T (N, c)`` (ConDA eq. 11) and DDIM sampling maps an ``x_T`` back to a frame (ConDA eq. 10;
appendix B.2.2). The paper uses a pretrained LDM VAE and a U-Net; here the stage is whitened PCA
or a small convolutional autoencoder and the denoiser a residual MLP, sized for a CPU.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.fitting import minibatch_fit
from lambdalib.core.layers import sinusoidal_embedding
from lambdalib.papers.conda.autoencoders import AUTOENCODERS, make_autoencoder

__all__ = ["LatentDenoiser", "LatentDiffusion"]


class LatentDenoiser(nn.Module):
    """Noise-predicting residual MLP ``(z_t (b, 1, c), t (b,), cond (b, k)) -> eps_hat (b, 1, c)``.

    It predicts eps, not x0: DDIM inversion reads eps off the model at every step, and eps
    recovered from an x0-predictor, (z_t - sqrt(abar_t) z0_hat) / sqrt(1 - abar_t), multiplies the
    model's error by up to 1 / sqrt(1 - abar_0) (about 30 at T = 100), which turns x_T into noise
    that only the exact reverse pass undoes. :meth:`LatentDiffusion._model_fn` converts eps_hat to
    the x0_hat that lambdalib's samplers take.
    """

    def __init__(self, c: int, k: int, width: int = 256, depth: int = 3):
        super().__init__()
        self.width = width
        self.inp = nn.Linear(c, width)
        self.t_mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))
        self.cond_mlp = nn.Sequential(nn.Linear(k, width), nn.SiLU(), nn.Linear(width, width))
        self.blocks = nn.ModuleList(nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.SiLU(),
                                                  nn.Linear(width, width)) for _ in range(depth))
        self.out = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, c))

    def forward(self, z_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.inp(z_t[:, 0]) + self.t_mlp(sinusoidal_embedding(t, self.width)) + self.cond_mlp(cond)  # (b, w)
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)[:, None]                                             # (b, 1, c)


class LatentDiffusion:
    """Autoencoder stage + conditional latent diffusion + DDIM sampling and inversion.

    ``fit(frames (N, h, w), cond (N, k))``; ``invert(frames, cond) -> x_T (N, c)``;
    ``generate(x_T, cond) -> frames (N, h, w)`` (DDIM, eta = 0, ``ddim_steps`` steps).
    ``autoencoder`` is ``"pca"`` (whitened PCA) or ``"conv"`` (a convolutional autoencoder
    trained for ``ae_steps`` steps before the denoiser; its draws come first from ``generator``).
    """

    def __init__(self, *, n_components: int = 64, autoencoder: str = "pca", ae_steps: int = 2000, width: int = 256,
                 depth: int = 3, timesteps: int = 100, ddim_steps: int = 50, steps: int = 3000, batch_size: int = 128,
                 lr: float = 1e-3, device: str | torch.device = "cpu"):
        self.autoencoder = check_choice("autoencoder", autoencoder, AUTOENCODERS)
        self.n_components, self.ae_steps, self.width, self.depth = n_components, ae_steps, width, depth
        self.timesteps, self.ddim_steps = timesteps, ddim_steps
        self.steps, self.batch_size, self.lr = steps, batch_size, lr
        self.device = torch.device(device)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, c)`` unit-scale codes of the autoencoder stage."""
        return self.autoencoder_.encode(frames)

    def decode(self, z: np.ndarray) -> np.ndarray:
        """``(N, c) -> (N, h, w)``."""
        return self.autoencoder_.decode(z)

    def _cond(self, cond: np.ndarray) -> torch.Tensor:
        return torch.as_tensor((np.asarray(cond) - self.cond_mean_) / self.cond_std_, dtype=torch.float32,
                               device=self.device)

    def fit(self, frames: np.ndarray, cond: np.ndarray, *, generator: torch.Generator,
            progress: bool = True) -> "LatentDiffusion":
        """Fit the autoencoder stage, then the denoiser on ConDA eq. 2 (eps-MSE, t uniform per sample)."""
        frames = np.asarray(frames, dtype=np.float32)
        self.autoencoder_ = make_autoencoder(self.autoencoder, self.n_components, steps=self.ae_steps,
                                             device=self.device).fit(frames, generator=generator, progress=progress)
        z0 = torch.as_tensor(self.encode(frames), dtype=torch.float32, device=self.device)[:, None]  # (N, 1, c)
        self.cond_mean_, self.cond_std_ = np.mean(cond, 0), np.std(cond, 0) + 1e-8
        c = self._cond(cond)                                                    # (N, k)
        self.diffusion_ = GaussianDiffusion(self.timesteps, "linear", device=self.device)
        self.model_ = LatentDenoiser(z0.shape[-1], c.shape[1], self.width, self.depth).to(self.device)
        opt = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, self.steps)

        def batch_loss():                                                       # ConDA eq. 2
            idx = torch.randint(len(z0), (self.batch_size,), generator=generator).to(self.device)
            t = torch.randint(self.timesteps, (self.batch_size,), generator=generator).to(self.device)
            noise = torch.randn(z0[idx].shape, generator=generator).to(self.device)
            return F.mse_loss(self.model_(self.diffusion_.q_sample(z0[idx], t, noise), t, c[idx]), noise)
        losses = minibatch_fit(opt, batch_loss, self.steps, name="latent diffusion", scheduler=sched,
                               progress=progress)
        self.history_ = pd.DataFrame({"step": np.arange(self.steps), "loss": losses})
        self.model_.eval()
        return self

    def _model_fn(self, cond: np.ndarray):
        """``(z_t, t) -> z0_hat = (z_t - sqrt(1 - abar_t) eps_hat) / sqrt(abar_t)`` under ``cond``."""
        c, d = self._cond(cond), self.diffusion_

        def model_fn(x_t, t):
            return d.predict_start_from_noise(x_t, t, self.model_(x_t, t, c))
        return model_fn

    @torch.no_grad()
    def invert(self, frames: np.ndarray, cond: np.ndarray) -> np.ndarray:
        """DDIM inversion of ``frames (N, h, w)`` to ``x_T (N, c)`` (ConDA eq. 11)."""
        z0 = torch.as_tensor(self.encode(frames), dtype=torch.float32, device=self.device)[:, None]
        return self.diffusion_.ddim_invert(self._model_fn(cond), z0, steps=self.ddim_steps)[:, 0].cpu().numpy()

    @torch.no_grad()
    def generate(self, x_T: np.ndarray, cond: np.ndarray) -> np.ndarray:
        """DDIM sampling (ConDA eq. 10) from ``x_T (N, c)`` under ``cond (N, k)``, decoded to ``(N, h, w)``."""
        x = torch.as_tensor(np.asarray(x_T), dtype=torch.float32, device=self.device)[:, None]
        z0 = self.diffusion_.ddim_sample(self._model_fn(cond), x.shape, steps=self.ddim_steps, x_T=x)
        return self.decode(z0[:, 0].cpu().numpy())
