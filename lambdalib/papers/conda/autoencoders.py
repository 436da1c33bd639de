"""Frame autoencoders: ConDA's deterministic autoencoder stage and its Table 2 ablation.

Every autoencoder maps frames ``(N, h, w)`` to codes ``(N, c)`` and back with
``fit(frames, *, generator) -> self``, ``encode`` and ``decode``:

- :class:`WhitenedPCA`      whitened PCA scores (the quick profile's stage; unit variance per code).
- :class:`ConvAutoencoder`  a small strided-convolution autoencoder trained on MSE, its code
  standardised per dimension so the diffusion model sees unit scale as with whitened PCA (the
  paper profile's stand-in for the pretrained LDM VAE).
- :class:`BetaVAE`          an MLP beta-VAE (Higgins et al. 2017), the ablation of ConDA Table 2.

:func:`make_autoencoder` picks the stage by name (``AUTOENCODERS``).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.decomposition import PCA
from torch import nn

from lambdalib.core.checks import check_choice
from lambdalib.core.fitting import minibatch_fit

__all__ = ["AUTOENCODERS", "WhitenedPCA", "ConvAutoencoder", "BetaVAE", "make_autoencoder"]

AUTOENCODERS = ("pca", "conv")


def _flat(frames: np.ndarray) -> np.ndarray:
    """``(N, h, w) -> (N, h w)`` float32."""
    return np.asarray(frames, np.float32).reshape(len(frames), -1)


class WhitenedPCA:
    """Whitened PCA to ``n_components`` codes: ``(N, h, w) <-> (N, c)``."""

    def __init__(self, n_components: int = 64):
        self.n_components = n_components

    def fit(self, frames: np.ndarray, *, generator: torch.Generator | None = None,
            progress: bool = False) -> "WhitenedPCA":
        """Fit on ``frames (N, h, w)``; ``generator`` and ``progress`` are unused (no randomness)."""
        self.frame_shape_ = np.shape(frames)[1:]
        self.pca_ = PCA(self.n_components, whiten=True, svd_solver="full").fit(_flat(frames))
        return self

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, c)`` whitened PCA scores (in the frames' own float precision)."""
        return self.pca_.transform(np.asarray(frames).reshape(len(frames), -1))

    def decode(self, z: np.ndarray) -> np.ndarray:
        """``(N, c) -> (N, h, w)``."""
        return self.pca_.inverse_transform(np.asarray(z)).reshape(len(z), *self.frame_shape_)


class _ConvNet(nn.Module):
    """Strided conv encoder ``(b, 1, h, w) -> (b, c)`` and its mirrored transposed-conv decoder.

    Each of the ``len(channels)`` layers halves both sides (kernel 4, stride 2, padding 1), so
    ``h`` and ``w`` must be divisible by ``2 ** len(channels)``.
    """

    def __init__(self, frame_shape: tuple, c: int, channels: tuple):
        super().__init__()
        k = 2 ** len(channels)
        h, w = frame_shape
        if h % k or w % k:
            raise ValueError(f"frame_shape must be divisible by 2 ** len(channels) = {k}, got {tuple(frame_shape)}")
        inner = (channels[-1], h // k, w // k)                                 # (ch, h / k, w / k)
        chans = (1, *channels)
        down = [m for a, b in zip(chans[:-1], chans[1:]) for m in (nn.Conv2d(a, b, 4, 2, 1), nn.SiLU())]
        self.encoder = nn.Sequential(*down, nn.Flatten(), nn.Linear(int(np.prod(inner)), c))
        up = [m for a, b in zip(chans[:1:-1], chans[-2:0:-1]) for m in (nn.ConvTranspose2d(a, b, 4, 2, 1), nn.SiLU())]
        self.decoder = nn.Sequential(nn.Linear(c, int(np.prod(inner))), nn.Unflatten(1, inner), nn.SiLU(), *up,
                                     nn.ConvTranspose2d(chans[1], 1, 4, 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))                                   # (b, 1, h, w)


class ConvAutoencoder:
    """Small convolutional autoencoder ``(N, h, w) <-> (N, c)`` with a standardised code.

    Frames are centred by the training mean frame and scaled by one global standard deviation;
    the net is trained on MSE with Adam on minibatches drawn from ``generator``. After training
    the code is standardised per dimension (``code_mean_``, ``code_std_`` over the training
    frames), so :meth:`encode` returns unit-scale codes like :class:`WhitenedPCA`.
    """

    def __init__(self, n_components: int = 64, *, channels: tuple = (16, 32, 64), steps: int = 2000,
                 batch_size: int = 128, lr: float = 1e-3, device: str | torch.device = "cpu"):
        self.n_components, self.channels = n_components, tuple(channels)
        self.steps, self.batch_size, self.lr = steps, batch_size, lr
        self.device = torch.device(device)

    def _frames(self, frames: np.ndarray) -> torch.Tensor:
        """``(N, h, w)`` -> normalised ``(N, 1, h, w)`` tensor on the device."""
        x = torch.as_tensor(np.asarray(frames, np.float32), device=self.device)[:, None]
        return (x - self.mean_) / self.scale_

    def fit(self, frames: np.ndarray, *, generator: torch.Generator, progress: bool = False) -> "ConvAutoencoder":
        frames = np.asarray(frames, np.float32)
        self.frame_shape_ = frames.shape[1:]
        raw = torch.as_tensor(frames, device=self.device)[:, None]            # (N, 1, h, w)
        self.mean_, self.scale_ = raw.mean(0), raw.std() + 1e-8
        x = self._frames(frames)
        self.net_ = _ConvNet(self.frame_shape_, self.n_components, self.channels).to(self.device)
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr)

        def batch_loss():
            xb = x[torch.randint(len(x), (self.batch_size,), generator=generator).to(self.device)]
            return ((self.net_(xb) - xb) ** 2).mean()
        self.history_ = minibatch_fit(opt, batch_loss, self.steps, name="conv autoencoder", progress=progress)
        self.net_.eval()
        code = self._code(frames)                                              # (N, c), raw
        self.code_mean_, self.code_std_ = code.mean(0), code.std(0) + 1e-8
        return self

    @torch.no_grad()
    def _code(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, c)`` the encoder's raw codes."""
        return torch.cat([self.net_.encoder(xb) for xb in self._frames(frames).split(1024)]).cpu().numpy()

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, c)`` standardised codes."""
        return (self._code(frames) - self.code_mean_) / self.code_std_

    @torch.no_grad()
    def decode(self, z: np.ndarray) -> np.ndarray:
        """``(N, c) -> (N, h, w)``."""
        code = torch.as_tensor(np.asarray(z) * self.code_std_ + self.code_mean_, dtype=torch.float32,
                               device=self.device)
        x = torch.cat([self.net_.decoder(zb) for zb in code.split(1024)]) * self.scale_ + self.mean_
        return x[:, 0].cpu().numpy()


def make_autoencoder(kind: str, n_components: int, *, steps: int = 2000,
                     device: str | torch.device = "cpu") -> WhitenedPCA | ConvAutoencoder:
    """The autoencoder stage ``kind`` (one of ``AUTOENCODERS``) with ``n_components`` codes;
    ``steps`` and ``device`` apply to the trained one."""
    check_choice("autoencoder", kind, AUTOENCODERS)
    if kind == "pca":
        return WhitenedPCA(n_components)
    return ConvAutoencoder(n_components, steps=steps, device=device)


class BetaVAE(nn.Module):
    """MLP beta-VAE (Higgins et al. 2017) on flattened frames with a ``latent``-d Gaussian code."""

    def __init__(self, n_in: int, latent: int = 3, hidden: int = 128, beta: float = 4.0):
        super().__init__()
        self.beta = beta
        self.enc = nn.Sequential(nn.Linear(n_in, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, 2 * latent))
        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, n_in))

    def fit(self, frames: np.ndarray, *, steps: int, generator: torch.Generator, batch_size: int = 128,
            lr: float = 1e-3) -> "BetaVAE":
        """Minimise reconstruction SSE + beta KL on ``frames (N, h, w)`` (one global scale)."""
        x = torch.as_tensor(_flat(frames))
        self.mean_, self.scale_ = x.mean(0), x.std() + 1e-8
        x = (x - self.mean_) / self.scale_

        def batch_loss():
            xb = x[torch.randint(len(x), (batch_size,), generator=generator)]
            mu, logvar = self.enc(xb).chunk(2, dim=1)
            z = mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=generator)
            rec = ((self.dec(z) - xb) ** 2).sum(1).mean()
            kl = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum(1).mean()
            return rec + self.beta * kl
        self.history_ = minibatch_fit(torch.optim.Adam(self.parameters(), lr=lr), batch_loss, steps, name="beta-VAE")
        return self

    @torch.no_grad()
    def encode(self, frames: np.ndarray) -> np.ndarray:
        """``(N, h, w) -> (N, latent)`` posterior means."""
        return self.enc((torch.as_tensor(_flat(frames)) - self.mean_) / self.scale_).chunk(2, dim=1)[0].numpy()

    @torch.no_grad()
    def decode(self, z: np.ndarray, shape: tuple) -> np.ndarray:
        """``(N, latent) -> (N, *shape)``."""
        x = self.dec(torch.as_tensor(np.asarray(z, np.float32))) * self.scale_ + self.mean_
        return x.numpy().reshape(len(z), *shape)
