"""LaMbDA on gait: folds without leakage, the shared-encoder variant, and the run cache."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.papers.lambda_ts import gait as gl


@pytest.fixture
def tiny(monkeypatch):
    """A tiny gait profile: 3 strides per task, 4 training steps, 8 scored windows."""
    monkeypatch.setitem(gl.GAIT_PROFILES, "quick", {**gl.GAIT_PROFILES["quick"], "steps": 4, "n_eval": 8,
                                                    "d_model": 8, "dim_feedforward": 16, "timesteps": 30})
    monkeypatch.setitem(gl.N_STRIDES, "quick", 3)
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
        gl.gait_task("angles-moments", "w/o everything", "SIM01", 0, tiny)


def test_shared_encoder_is_one_module():
    prof = gl.gait_profile("quick")
    mx, my = gl.build_pair(3, 2, prof, shared_encoder=True)
    assert my.encoder is mx.encoder and my.in_proj is not mx.in_proj and my.decoder is not mx.decoder
    mx2, my2 = gl.build_pair(3, 2, prof)
    assert my2.encoder is not mx2.encoder


def test_warm_cache_gives_the_cold_numbers(tiny, tmp_path):
    args = dict(pairs=["moments-GRF"], variants=["w/o align", "LaMbDA"], profile=tiny, scheduler="serial",
                held_out=["SIM01"])
    cold = gl.run_gait(**args, cache_dir=tmp_path)
    warm = gl.run_gait(**args, cache_dir=tmp_path)
    fresh = gl.run_gait(**args, cache_dir=False)  # no cache at all
    assert cold.attrs["executed"] == 2 and warm.attrs["cached"] == 2 and warm.attrs["executed"] == 0
    for other in (warm, fresh):
        pd.testing.assert_frame_equal(gl.metrics_frame(cold).drop(columns="train_seconds"),
                                      gl.metrics_frame(other).drop(columns="train_seconds"))
    # the cached weights rebuild the models that produced the samples
    mx, my = gl.load_pair(warm.iloc[1])
    fold = gl.make_fold("moments-GRF", "SIM01", tiny)
    z = gl.encoder_latents(mx, gl.GaussianDiffusion(30), fold.x_test[:4], t=0)
    assert z.shape == (4, 30, 8) and np.isfinite(z).all()


def test_a_different_data_seed_is_another_cache_entry(tiny):
    assert gl.gait_fingerprint(tiny, data_seed=0) != gl.gait_fingerprint(tiny, data_seed=1)


def test_each_variant_is_scored_for_what_its_chapters_read(tiny):
    """Table 3 baselines are probed, not sampled; Table 4 ablations sampled, not probed; LaMbDA both."""
    runs = gl.run_gait(["angles-GRF"], ["LaMbDA", "SimCLR", "w/o energy"], tiny, scheduler="serial",
                       held_out=["SIM01"], cache_dir=False)
    probes, metrics = gl.probes_frame(runs), gl.metrics_frame(runs)
    assert set(probes.variant) == {"LaMbDA", "SimCLR"} and set(metrics.variant) == {"LaMbDA", "w/o energy"}
    lam = probes[probes.variant == "LaMbDA"]
    assert sorted(lam.model.unique()) == ["X|Y (angles)", "Y|X (GRF)"] and set(lam.probe) == set(gl.PROBES)
    assert lam.accuracy.between(0, 1).all()


def test_probes_in_the_run_equal_probes_of_the_cached_weights(tiny, tmp_path):
    runs = gl.run_gait(["moments-GRF"], ["MSE"], tiny, scheduler="serial", held_out=["SIM02"], cache_dir=tmp_path)
    run = runs.iloc[0]
    prof = gl.gait_profile(tiny)
    again = gl.task_probes(*gl.load_pair(run), gl.GaussianDiffusion(prof.timesteps, prof.schedule),
                           gl.make_fold("moments-GRF", "SIM02", tiny), seed=int(run["seed"]))
    pd.testing.assert_frame_equal(run["probes"], again)


def test_held_out_subjects_count_and_refusals(tiny):
    three = gl.held_out_subjects(tiny)
    assert len(three) == gl.N_FOLDS["quick"] == 3
    assert gl.held_out_subjects(tiny, n=2) == three[:2]             # a prefix: the same folds
    for bad in (0, 99, 2.0, True):
        with pytest.raises(ValueError, match="held-out subjects"):
            gl.held_out_subjects(tiny, n=bad)
    with pytest.raises(ValueError, match="profile"):
        gl.held_out_subjects("laptop")


def test_probing_folds_are_the_first_gait_folds(tiny):
    from lambdalib.papers.lambda_ts import gait_probing as gp

    assert gp.probe_subjects(tiny) == gl.held_out_subjects(tiny)[: gp.N_FOLDS["quick"]]
    assert gp.probe_subjects(tiny, n_folds=3) == gl.held_out_subjects(tiny)
    with pytest.raises(ValueError, match="profile"):
        gp.probe_subjects("laptop")
