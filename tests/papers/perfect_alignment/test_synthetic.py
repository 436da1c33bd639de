"""The synthetic studies and PA Figure 4 sweeps (lambdalib.papers.perfect_alignment.synthetic)."""

from __future__ import annotations

import numpy as np
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.perfect_alignment import synthetic as syn


def small_sizes(**overrides):
    base = dict(n=200, sweep_n=(4, 16, 200), sweep_d=(2, 8), sweep_k=(1, 2, 6), base_n=200,
                contrastive_steps=5, contrastive_batch=32)
    return get_sizes("perfect_alignment.synthetic", "quick", **(base | overrides))


def test_pseudo_inverse_recovers_the_latents():
    rng = np.random.default_rng(0)
    Z, _ = syn.gmm_latents(300, rng, k=2)
    X1, _, S = syn.make_modalities(Z, 3, rng)
    assert np.mean(np.linalg.norm(Z - np.linalg.pinv(S[0]) @ X1, axis=0)) < 1e-10


def test_uniform_latents_lie_within_the_margin_on_both_sides():
    Z, labels = syn.uniform_latents(1000, np.random.default_rng(0))
    offset = Z[1] - (Z[0] - 10.0)
    assert np.all(offset[labels == 1] > 0) and np.all(offset[labels == 0] < 0)
    assert np.all(np.abs(offset) <= 10.0) and labels.sum() == 500


def test_run_study_is_one_seeded_run_per_seed():
    sizes = small_sizes()
    frame, runs = syn.run_study(sizes, [3, 4])
    assert frame["seed"].tolist() == [3, 4] and len(runs) == 2
    again = syn.run_synthetic(4, n=200, contrastive_steps=5, contrastive_batch=32)
    assert again["metrics"] == runs[1]["metrics"]
    assert frame["pa_cmae"].max() < 1e-10 and frame["pinv_mlre1"].max() < 1e-10
    uniform, _ = syn.run_study(sizes, [0], latents="uniform")
    assert uniform["pa_cmae"].iloc[0] < 1e-10
    with pytest.raises(ValueError, match="latents must be one of"):
        syn.run_synthetic(0, n=10, latents="normal")


def test_sweep_grid_varies_one_axis_around_the_base():
    sizes = small_sizes()
    grid = syn.sweep_grid(sizes, [0, 1])
    assert len(grid) == (3 + 2 + 3) * 2 * 2                                  # values x noises x seeds
    for c in grid:
        others = {"n": 200, "d_m": 4, "k": 2}
        others.pop(c["sweep"])
        assert all(c[key] == value for key, value in others.items())
    frame = syn.run_sweep(grid)
    assert len(frame) == len(grid) and list(frame["sweep"]) == [c["sweep"] for c in grid]
    assert frame["exact"].tolist() == (frame["null_dim"] >= frame["k"]).tolist()


def test_readings():
    sizes = small_sizes()
    sweeps = syn.run_sweep(syn.sweep_grid(sizes, [0, 1]))
    r = syn.sweep_readings(sweeps, sizes)
    assert r["exact_n_max"] == 4                                             # n <= d - k = 6 is exact
    assert r["noisy_n_orders"] > 5 and r["clean_k_orders"] > 5
    assert list(syn.noisy_n_table(sweeps).index) == [4, 16, 200]
    gmm, _ = syn.run_study(sizes, [0, 1])
    g = syn.gmm_readings(gmm)
    assert g["pa_cmae_mean"] == pytest.approx(gmm["pa_cmae"].mean()) and g["pa_mlre_linear"] < 1e-8
