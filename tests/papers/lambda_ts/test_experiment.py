"""One Table 2 cell end to end on a tiny profile: shapes, finite scores, the sampler table."""

import numpy as np

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.lambda_ts.claims import sampler_claims, table2_claims
from lambdalib.papers.lambda_ts.experiment import latent_variance_ratio, run_pair
from lambdalib.papers.lambda_ts.synthetic import histories, results_frame, sampler_table


def test_run_pair_and_table2_helpers():
    P = get_sizes("lambda_ts.synthetic", "quick", steps=4, warmup=2, n_eval=6, d_model=8, dim_feedforward=16,
                  timesteps=20)
    results = [run_pair("lorenz", profile=P, aligned=aligned, seed=seed, device="cpu", progress=False,
                        ddim_fractions=(10, 20))
               for seed in (0, 1) for aligned in (False, True)]
    r = results[0]
    assert r.samples["X|Y"].shape == (6, P.window, 1) and len(r.history) == 4
    assert all(np.isfinite(v) for res in results for v in res.mse.values())
    assert set(r.samplers["steps"]) == {20, 2, 1}                    # T, T/10, T/20
    frame = results_frame(results)
    assert len(frame) == 8 and set(frame["variant"]) == {"w/o align", "LaMbDA"}
    claims = table2_claims("test", frame, "Lorenz") + sampler_claims("test", sampler_table(results))
    assert [c.n for c in claims] == [2, 2, 8]
    assert claims[0].paper_text == "0.678 -> 0.425"                  # LaMbDA-long Table 2
    by_variant = histories(results)
    assert [len(v) for v in by_variant.values()] == [2, 2]
    expected = sum(h["z_var_y"].iloc[-1] for h in by_variant["LaMbDA"]) / sum(
        h["z_var_y"].iloc[-1] for h in by_variant["w/o align"])      # 10% of 4 steps: the last one
    assert np.isclose(latent_variance_ratio(by_variant), expected)
    # same seed, same numbers
    again = run_pair("lorenz", profile=P, aligned=False, seed=0, device="cpu", progress=False)
    assert again.mse == r.mse
