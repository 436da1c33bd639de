"""Scale-free collapse measures: the within-window share of variance and the x0 probe."""

import numpy as np
import pytest

from lambdalib.papers.lambda_ts.collapse import probe_r2, within_window_share


def test_within_window_share_is_scale_free_and_spans_0_to_1():
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((8, 20, 4))
    assert within_window_share(noise, S=5) == pytest.approx(1.0, abs=0.1)      # iid: all variance within
    assert within_window_share(1e3 * noise, S=5) == pytest.approx(within_window_share(noise, S=5))
    constant = np.repeat(rng.standard_normal((8, 4, 1, 4)), 5, axis=2).reshape(8, 20, 4)
    assert within_window_share(constant, S=5) == pytest.approx(0.0, abs=1e-12)  # constant per window


def test_within_window_share_matches_a_loop():
    z = np.random.default_rng(1).standard_normal((3, 11, 2))
    windows = [z[i, p * 5:(p + 1) * 5] for i in range(3) for p in range(2)]
    within = np.mean([w.var(axis=0, ddof=1).sum() for w in windows])
    total = np.concatenate(windows).var(axis=0, ddof=1).sum()
    assert within_window_share(z, S=5) == pytest.approx(within / total)
    with pytest.raises(ValueError, match="window length S"):
        within_window_share(z, S=1)


def test_probe_r2_reads_a_linear_code_and_not_noise():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((40, 10, 2))
    mix = rng.standard_normal((2, 6))
    z = x @ mix + 0.01 * rng.standard_normal((40, 10, 6))                     # the latent encodes x
    assert probe_r2(z[:30], x[:30], z[30:], x[30:]) > 0.99
    junk = rng.standard_normal((40, 10, 6))
    assert probe_r2(junk[:30], x[:30], junk[30:], x[30:]) < 0.1
