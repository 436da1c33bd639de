"""One Table 2 cell end to end on a tiny profile: shapes, finite scores, the sampler table."""

import numpy as np

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.lambda_ts.claims import sampler_claims, table2_claims
from lambdalib.papers.lambda_ts.experiment import run_pair
from lambdalib.papers.lambda_ts.synthetic import (
    VARIANTS,
    collapse_summary,
    histories,
    results_frame,
    sampler_table,
    sensitivity_table,
    trained_alignment,
)


def test_run_pair_and_table2_helpers():
    P = get_sizes("lambda_ts.synthetic", "quick", steps=4, warmup=2, n_eval=6, d_model=8, dim_feedforward=16,
                  timesteps=20)
    results = [run_pair("lorenz", profile=P, variant=variant, seed=seed, device="cpu", progress=False,
                        ddim_fractions=(10, 20), **VARIANTS[variant])
               for seed in (0, 1) for variant in VARIANTS]
    r = results[0]
    assert r.samples["X|Y"].shape == (6, P.window, 1) and len(r.history) == 4
    assert all(np.isfinite(v) for res in results for v in res.mse.values())
    assert set(r.samplers["steps"]) == {20, 2, 1}                    # T, T/10, T/20
    frame = results_frame(results)
    assert len(frame) == 8 and set(frame["variant"]) == {"w/o align", "LaMbDA"}
    claims = table2_claims("test", frame, {"lorenz": "Lorenz"}) + sampler_claims("test", sampler_table(results))
    assert [(c.level, c.kind, c.n) for c in claims] == [("headline", "paper", 2), ("cell", "paper", 2),
                                                        ("cell", "paper", 2), ("cell", "check", 2)]  # per seed
    assert claims[0].paper_text == "2 of 2 cells" and claims[0].count[1] == 4
    assert claims[1].paper_text == "0.678 -> 0.425"                  # LaMbDA-long Table 2
    by_variant = histories(results)
    assert [len(v) for v in by_variant.values()] == [2, 2]
    assert set(r.collapse["t"]) == {0, 5, 10} and set(r.collapse["model"]) == {"X", "Y"}   # t = 0, T/4, T/2
    assert r.collapse[["within-window share", "probe R2"]].notna().all().all()
    assert collapse_summary(results).shape == (6, 4)                  # (model, t) x (measure, variant)
    table = sensitivity_table(results)
    assert list(table.index) == ["w/o align", "LaMbDA"] and (table["α first step"].loc["w/o align"] == 0)
    trained = trained_alignment(results)
    assert set(trained) == {("L_con", "per_batch"), ("L_cov", "per_batch")}
    # same seed, same numbers
    again = run_pair("lorenz", profile=P, variant="w/o align", seed=0, device="cpu", progress=False, align=False)
    assert again.mse == r.mse
