"""Cross-modal transfer (lambdalib.papers.perfect_alignment.transfer): features, the split, one CA vs CA+PA trial."""

from __future__ import annotations

import numpy as np
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.perfect_alignment import transfer as tr
from lambdalib.papers.perfect_alignment.synthetic import gmm_latents, make_modalities


def test_window_features_match_a_loop():
    w = np.random.default_rng(0).standard_normal((50, 3))
    f = tr.window_features(w)
    assert f.shape == (15,)
    for c in range(3):
        col = w[:, c]
        slow = [col.mean(), col.std(), col.min(), col.max(),
                sum(abs(col[i + 1] - col[i]) for i in range(49)) / 49]
        np.testing.assert_allclose(f[c::3], slow, rtol=1e-12)
    with pytest.raises(ValueError):
        tr.window_features(np.zeros(5))


def test_split_is_a_stratified_partition():
    group_y = np.repeat(np.arange(7), 20)                                   # like load_watch
    parts = tr.split_groups(group_y, np.random.default_rng(0))
    assert [p.size for p in parts] == [56, 56, 14, 14]
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(140))
    for p, frac in zip(parts, tr.FRACTIONS):
        assert np.all(np.bincount(group_y[p], minlength=7) == round(20 * frac))
    with pytest.raises(ValueError):
        tr.split_groups(group_y, np.random.default_rng(0), fractions=(0.5, 0.6))


def test_pa_on_top_of_ca_aligns_exactly_on_linear_modalities():
    rng = np.random.default_rng(0)
    Z, labels = gmm_latents(600, rng)                                    # (2, 600)
    X1, X2, _ = make_modalities(Z, 4, rng)                               # (4, 600) each
    group = np.arange(600)                                                  # every sample its own recording
    out = tr.transfer_trial(X1, X2, labels, group, labels, seed=0, k=2, steps=50, batch_size=64)
    assert out["n_labelled"] + out["n_align"] + out["n_val"] + out["n_test"] == 600
    assert out["pa_cmae"] < 1e-8 and out["pa_ncmae"] < 1e-8                 # exact: d - k = 6 >= k
    assert out["ca_cmae"] > 1e-3
    assert out["pa_top1"] > 0.9 and out["pa_top3"] == 1.0                  # two well-separated classes
    with pytest.raises(ValueError):
        tr.transfer_trial(X1, X2, labels[:10], group, labels, seed=0)


def test_run_transfer_is_one_trial_per_seed_and_readings():
    rng = np.random.default_rng(1)
    Z, labels = gmm_latents(300, rng)
    X1, X2, _ = make_modalities(Z, 3, rng)
    watch = dict(X1=X1, X2=X2, y=labels, group=np.arange(300), group_y=labels)
    sizes = get_sizes("perfect_alignment.transfer", "quick", k=2, steps=10, batch_size=32)
    trials = tr.run_transfer(watch, sizes, [4, 5])
    assert trials["seed"].tolist() == [4, 5]
    one = tr.transfer_trial(X1, X2, labels, np.arange(300), labels, seed=5, k=2, steps=10, batch_size=32)
    assert trials.iloc[1].to_dict() == one
    r = tr.transfer_readings(trials, watch, sizes)
    assert (r["tr_width"], r["tr_k"], r["tr_windows"]) == (sizes.width, 2, 300)
    assert r["tr_n_test"] == int(trials["n_test"].mean()) and 0 < r["tr_cmae_ratio"] < 1
