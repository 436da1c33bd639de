"""One seed of the flow experiment at tiny sizes: the tables it returns, and that it repeats."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.data.flow import FlowConfig, FlowData
from lambdalib.papers.conda.pipeline import CONDA_METHOD, run_flow_seed
from lambdalib.papers.conda.traversal import METHODS

TABLES = ("roundtrip", "traversal", "ablation", "ortho", "svm")


@pytest.fixture(scope="module")
def tiny():
    """Travelling waves whose speed grows with Re, 10 Reynolds numbers x 40 frames of 16 x 32."""
    sizes = dataclasses.replace(get_sizes("conda.flow", "quick"), n_components=4, width=16, depth=1, timesteps=50,
                                ddim_steps=10, diffusion_steps=50, cebra_iterations=3, fold_iterations=2,
                                cebra_batch=16, lstm_steps=3, vae_steps=3, kde_points=3)
    re = np.array(sizes.steady + sizes.unsteady, float)
    t = np.arange(40) * 0.5
    yy, xx = np.meshgrid(np.linspace(0, 1, 16), np.linspace(0, 2 * np.pi, 32), indexing="ij")
    phase = (re[:, None, None, None] / 40) * t[None, :, None, None]              # (10, 40, 1, 1)
    frames = np.sin(xx - phase) * yy + 0.5 * np.sin(2 * xx + phase) * (1 - yy) + 0.3 * np.cos(3 * xx - 2 * phase)
    frames += 0.01 * np.random.default_rng(0).standard_normal(frames.shape)
    data = FlowData(reynolds=re, frames=frames.astype(np.float32), time=t, probe=np.zeros((10, 5)),
                    amplitude=np.zeros(10), strouhal=np.zeros(10), config=FlowConfig())
    return data, sizes, [run_flow_seed(data, sizes, 4, progress=False) for _ in range(2)]


def test_flow_seed_returns_every_table(tiny):
    data, sizes, (result, _) = tiny
    assert result["known"].shape == (40,) and not result["known"].all()
    assert result["e_known"].shape == (10, 40, 3) and np.isnan(result["e_known"][:, ~result["known"]]).all()
    trav = result["traversal"]
    assert set(trav.protocol) == {"block", "sparse"}
    assert set(trav[trav.space == "embedding"].method) == set(METHODS)
    assert list(result["ablation"].method) == ["PCA", "beta-VAE", CONDA_METHOD]
    assert len(result["svm"]) == len(sizes.steady) * 2 * 2          # folds x kernels x spaces
    assert result["class_path"].shape == (sizes.kde_points, 16, 32)
    assert len(result["denoiser_loss"]) == sizes.diffusion_steps and len(result["vae_loss"]) == sizes.vae_steps


def test_flow_seed_repeats_under_its_seed(tiny):
    _, _, (a, b) = tiny
    for key in TABLES:
        pd.testing.assert_frame_equal(a[key], b[key])
    np.testing.assert_array_equal(a["class_path"], b["class_path"])
