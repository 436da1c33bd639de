"""LaMbDA on gait: folds without leakage, the shared-encoder variant, the run cache and the tables."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.book import profiles
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.papers.lambda_ts import gait as gl
from lambdalib.papers.lambda_ts import gait_probing as gp
from lambdalib.papers.lambda_ts import gait_runs as gr
from lambdalib.papers.lambda_ts import gait_tables as gt
from lambdalib.papers.lambda_ts.collapse import encoder_latents
from lambdalib.papers.lambda_ts.experiment import build_pair
from lambdalib.papers.lambda_ts.paper_values import TABLE1


@pytest.fixture
def tiny(monkeypatch):
    """The quick gait sizes made tiny: 3 strides per task, 4 training steps, 8 scored windows."""
    small = profiles.get_sizes("lambda_ts.gait", "quick", steps=4, n_eval=8, d_model=8, dim_feedforward=16,
                               timesteps=30, n_strides=3)
    monkeypatch.setitem(profiles._REGISTRY["lambda_ts.gait"], "quick", small)
    return "quick"


def test_fold_holds_out_one_subject_and_uses_training_statistics(tiny):
    fold = gl.make_fold("angles-GRF", "SIM02", tiny)
    assert set(fold.labels_test["subject"]) == {"SIM02"}
    assert "SIM02" not in set(fold.labels_train["subject"])
    assert fold.x_train.shape[1:] == (30, 3) and fold.y_train.shape[1:] == (30, 2)
    assert len(fold.x_train) == len(fold.labels_train) and len(fold.x_test) == len(fold.labels_test)
    train = np.concatenate([fold.x_train, fold.y_train], axis=-1)
    np.testing.assert_allclose(train.mean(axis=(0, 1)), 0.0, atol=1e-5)
    np.testing.assert_allclose(train.std(axis=(0, 1)), 1.0, atol=1e-4)
    test = np.concatenate([fold.x_test, fold.y_test], axis=-1)
    assert np.abs(test.mean(axis=(0, 1))).max() > 1e-3  # not re-standardised on the test subject


def test_bad_pair_and_variant_are_refused(tiny):
    with pytest.raises(ValueError, match="pair"):
        gl.make_fold("angles-EMG", "SIM01", tiny)
    with pytest.raises(ValueError, match="variant"):
        gr.gait_task("angles-moments", "w/o everything", "SIM01", 0, tiny)


def test_shared_encoder_is_one_module():
    sizes = gl.gait_sizes("quick")
    mx, my = build_pair(3, 2, sizes, shared_encoder=True)
    assert my.encoder is mx.encoder and my.in_proj is not mx.in_proj and my.decoder is not mx.decoder
    mx2, my2 = build_pair(3, 2, sizes)
    assert my2.encoder is not mx2.encoder


def test_warm_cache_gives_the_cold_numbers(tiny, tmp_path):
    args = dict(pairs=["moments-GRF"], variants=["w/o align", "LaMbDA"], profile=tiny, scheduler="serial",
                held_out=["SIM01"])
    cold = gr.run_gait(**args, cache_dir=tmp_path)
    warm = gr.run_gait(**args, cache_dir=tmp_path)
    fresh = gr.run_gait(**args, cache_dir=False)  # no cache at all
    assert cold.attrs["executed"] == 2 and warm.attrs["cached"] == 2 and warm.attrs["executed"] == 0
    for other in (warm, fresh):
        pd.testing.assert_frame_equal(gr.metrics_frame(cold).drop(columns="train_seconds"),
                                      gr.metrics_frame(other).drop(columns="train_seconds"))
    # the cached weights rebuild the models that produced the samples
    mx, my = gr.load_pair(warm.iloc[1])
    fold = gl.make_fold("moments-GRF", "SIM01", tiny)
    z = encoder_latents(mx, GaussianDiffusion(30), fold.x_test[:4], t=0)
    assert z.shape == (4, 30, 8) and np.isfinite(z).all()
    # the tables read off the runs
    table = gt.paper_vs_ours(gr.metrics_frame(cold), TABLE1, "mse", ["w/o align", "LaMbDA"])
    assert len(table) == 6 and table.loc[("moments-GRF", "X|Y"), ("LaMbDA", "paper")] == 0.07
    assert table.loc[("angles-GRF", "X|Y"), ("LaMbDA", "ours")] == "—"              # a pair not run
    conv = gt.convergence_table(cold, "variant")
    assert list(conv.columns) == ["plateau_x", "plateau_y", "train_seconds"] and len(conv) == 2


def test_a_different_data_seed_or_fold_count_is_another_cache_entry_or_not(tiny, monkeypatch):
    assert gr.gait_fingerprint(tiny, data_seed=0) != gr.gait_fingerprint(tiny, data_seed=1)
    before = gr.gait_fingerprint(tiny)
    more_folds = profiles.get_sizes("lambda_ts.gait", tiny, n_folds=5)
    monkeypatch.setitem(profiles._REGISTRY["lambda_ts.gait"], "quick", more_folds)
    assert gr.gait_fingerprint(tiny) == before                    # fold counts choose runs, not change them


def test_each_variant_is_scored_for_what_its_chapters_read(tiny):
    """Table 3 baselines are probed, not sampled; Table 4 ablations sampled, not probed; LaMbDA both."""
    runs = gr.run_gait(["angles-GRF"], ["LaMbDA", "SimCLR", "w/o energy"], tiny, scheduler="serial",
                       held_out=["SIM01"], cache_dir=False)
    probes, metrics = gr.probes_frame(runs), gr.metrics_frame(runs)
    assert set(probes.variant) == {"LaMbDA", "SimCLR"} and set(metrics.variant) == {"LaMbDA", "w/o energy"}
    lam = probes[probes.variant == "LaMbDA"]
    assert sorted(lam.model.unique()) == ["X|Y (angles)", "Y|X (GRF)"] and set(lam.probe) == set(gr.PROBES)
    assert lam.accuracy.between(0, 1).all()


def test_probes_in_the_run_equal_probes_of_the_cached_weights(tiny, tmp_path):
    runs = gr.run_gait(["moments-GRF"], ["MSE"], tiny, scheduler="serial", held_out=["SIM02"], cache_dir=tmp_path)
    run = runs.iloc[0]
    sizes = gl.gait_sizes(tiny)
    again = gr.task_probes(*gr.load_pair(run), GaussianDiffusion(sizes.timesteps, sizes.schedule),
                           gl.make_fold("moments-GRF", "SIM02", tiny), seed=int(run["seed"]))
    pd.testing.assert_frame_equal(run["probes"], again)


def test_held_out_subjects_count_and_refusals(tiny):
    three = gl.held_out_subjects(tiny)
    assert len(three) == gl.gait_sizes("quick").n_folds == 3
    assert gl.held_out_subjects(tiny, n=2) == three[:2]             # a prefix: the same folds
    for bad in (0, 99, 2.0, True):
        with pytest.raises(ValueError, match="held-out subjects"):
            gl.held_out_subjects(tiny, n=bad)
    with pytest.raises(ValueError, match="profile"):
        gl.held_out_subjects("laptop")


def test_probing_folds_are_the_first_gait_folds(tiny):
    assert gp.probe_subjects(tiny) == gl.held_out_subjects(tiny)[: gl.gait_sizes("quick").n_probe_folds]
    assert gp.probe_subjects(tiny, n_folds=3) == gl.held_out_subjects(tiny)
    with pytest.raises(ValueError, match="profile"):
        gp.probe_subjects("laptop")
