"""The shortcut test: data-free latents (window position and diffusion step only)."""

import math

import pytest
import torch

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.papers.lambda_ts.objectives import ALIGNMENT_OBJECTIVES
from lambdalib.papers.lambda_ts.shortcut import (
    chance_loss,
    data_free_floor,
    shortcut_table,
)

QUICK = dict(b=32, n=40, S=8, T=100, tau=0.1)  # the quick Lorenz sizes: 5 windows of 8


def test_sample_timesteps_rules():
    d, g = GaussianDiffusion(100), torch.Generator().manual_seed(0)
    t = d.sample_timesteps(16, rule="per_batch", generator=g)
    assert t.shape == (16,) and t.dtype == torch.int64 and (t == t[0]).all()
    t = d.sample_timesteps(64, rule="per_sample", generator=g)
    assert t.shape == (64,) and len(t.unique()) > 1 and 0 <= int(t.min()) and int(t.max()) < 100
    with pytest.raises(ValueError, match="t_sampling must be one of"):
        d.sample_timesteps(4, rule="per_window", generator=g)


def test_windowed_infonce_floor_is_log_b_with_one_step_per_batch():
    floor = data_free_floor("L_con", **QUICK, d=32, t_sampling="per_batch")
    assert floor == pytest.approx(math.log(QUICK["b"]), abs=0.01)


def test_per_sample_steps_open_a_shortcut():
    floor = data_free_floor("L_con", **QUICK, d=32, t_sampling="per_sample")
    assert floor < 1.0 < math.log(QUICK["b"])


def test_chance_is_near_uniform_for_the_contrastive_loss():
    b, P = QUICK["b"], QUICK["n"] // QUICK["S"]
    chance = chance_loss("L_con", b=b, n=QUICK["n"], S=QUICK["S"], d=32, tau=QUICK["tau"])
    assert chance == pytest.approx(math.log(b * P), abs=0.2)   # noise latents: about uniform over b P windows


def test_table_has_every_objective_and_rule():
    table = shortcut_table(**QUICK, d=32, trained={("L_con", "per_batch"): 3.9}, objectives=("L_con", "L_cov", "mse"))
    assert len(table) == 6 and set(table["t sampling"]) == {"per_batch", "per_sample"}
    assert table.set_index(["objective", "t sampling"]).loc[("L_con", "per_batch"), "trained"] == 3.9
    assert table["trained"].isna().sum() == 5
    # Latents constant inside a window have no covariance, and MSE is met by equal latents.
    assert (table[table.objective.isin(["L_cov", "mse"])]["data-free floor"] < 1e-6).all()
    assert set(ALIGNMENT_OBJECTIVES) == {"L_con", "L_cov", "simclr", "barlow", "vicreg", "mse"}
    with pytest.raises(ValueError, match="objective must be one of"):
        shortcut_table(**QUICK, d=32, objectives=("infonce",))
