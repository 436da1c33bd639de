"""Autoencoder stages: whitened PCA, the convolutional autoencoder (paper profile), beta-VAE."""

import dataclasses

import numpy as np
import pytest
import torch

from lambdalib.book.profiles import get_sizes
from lambdalib.data.flow import FlowConfig, simulate_flow
from lambdalib.papers.conda.autoencoders import (
    BetaVAE,
    ConvAutoencoder,
    WhitenedPCA,
    make_autoencoder,
)
from lambdalib.papers.conda.latent_diffusion import LatentDiffusion


@pytest.fixture(scope="module")
def flow_frames():
    """A tiny simulated flow set: 2 Reynolds numbers x 60 vorticity frames of 16 x 32."""
    cfg = FlowConfig(diameter=8, steps=1200, record_from=600, frame_every=10, frame_shape=(16, 32))
    return simulate_flow([40, 100], cfg, progress=False, compile=False).frames.reshape(-1, 16, 32)


def _conv(frames, seed, steps=300):
    return ConvAutoencoder(8, channels=(8, 16), steps=steps, batch_size=32).fit(
        frames, generator=torch.Generator().manual_seed(seed))


def test_conv_autoencoder_shapes_and_unit_scale_code(flow_frames):
    ae = _conv(flow_frames, 0, steps=20)
    z = ae.encode(flow_frames)
    assert z.shape == (len(flow_frames), 8)
    np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(z.std(0), 1.0, atol=1e-3)
    assert ae.decode(z[:5]).shape == (5, 16, 32)
    assert len(ae.history_) == 20


def test_conv_autoencoder_beats_the_mean_frame(flow_frames):
    ae = _conv(flow_frames, 0)
    err = ((ae.decode(ae.encode(flow_frames)) - flow_frames) ** 2).mean()
    mean_frame = ((flow_frames - flow_frames.mean(0)) ** 2).mean()
    assert err < 0.2 * mean_frame
    assert np.mean(ae.history_[-30:]) < 0.2 * np.mean(ae.history_[:30])


def test_conv_autoencoder_is_deterministic_under_a_seed(flow_frames):
    torch.manual_seed(0)
    a = _conv(flow_frames, 1, steps=30).encode(flow_frames)
    torch.manual_seed(0)
    b = _conv(flow_frames, 1, steps=30).encode(flow_frames)
    torch.manual_seed(0)
    c = _conv(flow_frames, 2, steps=30).encode(flow_frames)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)          # the batches come from the generator


def test_conv_autoencoder_rejects_frames_it_cannot_halve():
    with pytest.raises(ValueError, match="frame_shape"):
        ConvAutoencoder(4, channels=(8, 16)).fit(np.zeros((10, 18, 32)), generator=torch.Generator())


def test_bad_autoencoder_name_is_a_value_error():
    with pytest.raises(ValueError, match="autoencoder"):
        make_autoencoder("vae", 8)
    with pytest.raises(ValueError, match="autoencoder"):
        LatentDiffusion(autoencoder="linear")


def test_whitened_pca_round_trip_and_unit_variance(flow_frames):
    pca = WhitenedPCA(8).fit(flow_frames)
    z = pca.encode(flow_frames)
    np.testing.assert_allclose(z.std(0), 1.0, rtol=0.05)
    assert ((pca.decode(z) - flow_frames) ** 2).mean() < ((flow_frames - flow_frames.mean(0)) ** 2).mean()
    full = WhitenedPCA(len(flow_frames)).fit(flow_frames.astype(np.float64))
    np.testing.assert_allclose(full.decode(full.encode(flow_frames)), flow_frames, atol=1e-4)


def test_paper_profile_latent_diffusion_runs_on_the_conv_stage(flow_frames):
    """The paper profile's code path (conv autoencoder, then the denoiser), at tiny sizes."""
    paper = get_sizes("conda.flow", "paper")
    assert paper.autoencoder == "conv" and get_sizes("conda.flow", "quick").autoencoder == "pca"
    sizes = dataclasses.replace(paper, n_components=8, ae_steps=50, width=32, depth=1, timesteps=20, ddim_steps=5,
                                diffusion_steps=20)
    cond = np.stack([np.tile(np.arange(60.0), 2), np.repeat([40.0, 100.0], 60)], 1)
    ld = LatentDiffusion(n_components=sizes.n_components, autoencoder=sizes.autoencoder,
                         ae_steps=sizes.ae_steps, width=sizes.width, depth=sizes.depth,
                         timesteps=sizes.timesteps, ddim_steps=sizes.ddim_steps, steps=sizes.diffusion_steps,
                         batch_size=16).fit(flow_frames, cond, generator=torch.Generator().manual_seed(0),
                                            progress=False)
    assert isinstance(ld.autoencoder_, ConvAutoencoder) and len(ld.autoencoder_.history_) == 50
    x_T = ld.invert(flow_frames[:6], cond[:6])
    assert x_T.shape == (6, 8) and np.isfinite(x_T).all()
    assert ld.generate(x_T, cond[:6]).shape == (6, 16, 32)


def test_beta_vae_learns_and_encodes(flow_frames):
    vae = BetaVAE(16 * 32, latent=3, hidden=32).fit(flow_frames, steps=200, generator=torch.Generator().manual_seed(0))
    assert vae.encode(flow_frames).shape == (len(flow_frames), 3)
    assert vae.decode(vae.encode(flow_frames[:4]), (16, 32)).shape == (4, 16, 32)
    assert np.mean(vae.history_[-20:]) < np.mean(vae.history_[:20])
