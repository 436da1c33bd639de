"""The conditional transformer denoiser of LaMbDA-long's architecture appendix (A.6.2).

One model of the pair, p(X | Y): an **encoder** over the noisy target X_t gives the latent
Z_{X,t} = h_X(X_t, t) that LaMbDA aligns; a **condition embedder** g_Y embeds the clean
condition Y_0; a **decoder** cross-attends from Z to the embedded condition and projects back
to the target's channels, predicting x0. Positions are sinusoidal; the diffusion step enters
through a sinusoidal embedding followed by an MLP with SiLU, added to both token streams.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from lambdalib.core.layers import sinusoidal_embedding

__all__ = ["DenoiserConfig", "ConditionalDenoiser"]


@dataclass(frozen=True)
class DenoiserConfig:
    x_channels: int             # c_X: channels of the generated (noisy) target
    cond_channels: int          # c_Y: channels of the condition
    d_model: int = 128          # model width d (paper: 128)
    n_heads: int = 8            # attention heads
    n_enc_layers: int = 4       # encoder layers (paper: 4)
    n_dec_layers: int = 4       # decoder layers (paper: 4)
    dim_feedforward: int = 512  # width of each layer's MLP
    dropout: float = 0.0        # dropout inside the transformer layers

    @classmethod
    def from_profile(cls, profile, x_channels: int, cond_channels: int) -> "DenoiserConfig":
        return cls(x_channels, cond_channels, profile.d_model, profile.n_heads, profile.n_enc_layers,
                   profile.n_dec_layers, profile.dim_feedforward)


class ConditionalDenoiser(nn.Module):
    """x0-predicting denoiser ``(x_t (b,n,c_X), t (b,), cond (b,n,c_Y)) -> (x0_hat (b,n,c_X), z (b,n,d))``."""

    def __init__(self, config: DenoiserConfig):
        super().__init__()
        self.config = config
        d = config.d_model
        self.time_mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.in_proj = nn.Linear(config.x_channels, d)       # noisy target -> model space
        self.cond_proj = nn.Linear(config.cond_channels, d)  # condition embedder g_Y

        def layer(cls):
            return cls(d, config.n_heads, config.dim_feedforward, config.dropout,
                       batch_first=True, norm_first=True)

        self.encoder = nn.TransformerEncoder(layer(nn.TransformerEncoderLayer), config.n_enc_layers,
                                             norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(layer(nn.TransformerDecoderLayer), config.n_dec_layers,
                                             norm=nn.LayerNorm(d))
        self.out_proj = nn.Linear(d, config.x_channels)

    def encode(self, x_t: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The latent Z_{X,t} = h_X(X_t, t) that LaMbDA aligns; also returns the token offset."""
        b, n, _ = x_t.shape                                               # batch, length, channels
        d = self.config.d_model
        offset = (sinusoidal_embedding(torch.arange(n, device=x_t.device), d)[None]      # (1, n, d)
                  + self.time_mlp(sinusoidal_embedding(t, d))[:, None])                  # (b, 1, d)
        return self.encoder(self.in_proj(x_t) + offset), offset          # (b, n, d), (b, n, d)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor):
        z, offset = self.encode(x_t, t)                                   # (b, n, d)
        memory = self.cond_proj(cond) + offset                            # (b, n, d)
        x0_hat = self.out_proj(self.decoder(z, memory))                   # (b, n, c_X)
        return x0_hat, z
