"""lambdalib.papers.diffcrossgait.ablations: the runs compared, from fabricated per-seed results."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.papers.diffcrossgait import ablations


def test_cross_modal_and_summary_table(fake_results):
    res = fake_results({"base": [20.0, 22.0], "full": [30.0]})
    assert ablations.cross_modal(res, "base").tolist() == [20.0, 22.0]
    table = ablations.summary_table(res)
    assert table.index.tolist() == ["base", "full"] and table.seeds.tolist() == [2, 1]
    assert table.loc["base", "cross-modal mean rank1"] == "21 ± 1.41"       # claims.mean_sd_text
    assert table.loc["full", "2d->3d rank1"] == "29"
    cond = ablations.condition_table(res, ("base",))
    assert cond.columns.tolist() == ["base"] and cond.loc[("3d->2d", "all"), "base"] == 22.0


def test_paired_differences_and_sensitivity_table(fake_results):
    res = fake_results({"full": [30.0, 32.0, 28.0], "independent_noise": [29.0, 30.0, 28.0], "T=50": [26.0]})
    p = ablations.paired_differences(res, [("full", "independent_noise")])
    assert p.columns.tolist() == ["full", "independent_noise", "full - independent_noise"]
    assert p.loc[["0", "1", "2"], "full - independent_noise"].tolist() == [1.0, 2.0, 0.0]
    assert p.loc["mean", "full - independent_noise"] == pytest.approx(1.0)
    assert p.loc["sd", "full"] == pytest.approx(2.0)
    s = ablations.sensitivity_table(res)
    assert s.index.tolist() == ["T=50"]
    row = s.loc["T=50"]
    assert row["difference"] == pytest.approx(-4.0)
    assert row["difference / (sqrt2 sd)"] == pytest.approx(-4.0 / (np.sqrt(2) * 2.0))
    assert ablations.sensitivity_table(res[:3]).empty


def test_convergence_table_reads_each_run():
    ce = np.r_[np.full(80, 2.0), np.full(10, 1.0), np.full(10, 0.5)]     # last 10% = half the 10% before
    runs = [{"variant": v, "seed": s, "history": pd.DataFrame({"ce": ce}), "train_sec": 3.0,
             "train_cpu_sec": 2.5, "step_sec": 0.01} for v in ("base", "full") for s in (0, 1)]
    table = ablations.convergence_table(runs)
    assert list(table["variant"]) == ["base", "base", "full", "full"] and list(table["seed"]) == [0, 1, 0, 1]
    np.testing.assert_allclose(table["CE plateau ratio"], 0.5)
    np.testing.assert_allclose(table["final CE"], 0.5)
    assert table["train CPU (s)"].eq(2.5).all() and table["median step (s)"].eq(0.01).all()


def test_trajectory_ends_average_the_diagnosed_runs():
    traj = lambda g: pd.DataFrame({"t": [0, 5], "gap": [g, 2 * g], "rank1_x0": [10 * g, 0.0]})
    runs = [{"variant": "full", "seed": 0, "trajectory": traj(1.0)}, {"variant": "full", "seed": 1, "trajectory": traj(3.0)},
            {"variant": "base", "seed": 0}]
    assert ablations.trajectory_values(runs, "full", "gap", -1).to_dict() == {0: 2.0, 1: 6.0}
    ends = ablations.trajectory_ends(runs)
    assert ends.index.tolist() == ["full"]
    assert ends.loc["full"].to_dict() == {"gap_start": 2.0, "gap_end": 4.0, "x0_rank1": 20.0}


def test_guessed_choices_list_the_sensitivity_runs():
    table = ablations.guessed_choices()
    assert table.loc["T", "sensitivity runs"] == "T=50 / T=200"
    assert "50 / 100 / 200" in table.loc["T", "why"]
