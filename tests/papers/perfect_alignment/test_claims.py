"""The PA chapter's claims and tables (lambdalib.papers.perfect_alignment.claims)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.perfect_alignment import claims as pc
from lambdalib.papers.perfect_alignment import paper_values as pv
from lambdalib.papers.perfect_alignment import synthetic as syn


def small_runs():
    sizes = get_sizes("perfect_alignment.synthetic", "quick", n=200, sweep_n=(4, 200), sweep_d=(2, 8),
                      sweep_k=(1, 2, 6), base_n=200, contrastive_steps=5, contrastive_batch=32)
    seeds = [0, 1, 2]
    gmm, _ = syn.run_study(sizes, seeds)
    uniform, _ = syn.run_study(sizes, seeds, latents="uniform")
    return gmm, uniform, syn.run_sweep(syn.sweep_grid(sizes, seeds))


def test_synthetic_claims_carry_the_paper_values():
    gmm, uniform, sweeps = small_runs()
    out = pc.synthetic_claims("pa", gmm, uniform, sweeps)
    assert len(out) == 15 and all(c.chapter == "pa" for c in out)
    assert [c.name.split(":")[0] for c in out if c.level == "headline"] == ["Figure 3", "Figure 4"]
    checks = [c for c in out if c.kind == "check"]
    assert len(checks) == 5 and all(c.exact and "1e-10" in c.name for c in checks)   # the SVD identities
    by_name = {c.name: c for c in out}
    assert by_name["GMM: perfect alignment CMAE < 1e-10"].paper == pv.GMM["perfect"]["cmae"]
    assert by_name["GMM: MLRE stays large (> 1), latents not identified"].paper == 10.9
    assert by_name["GMM: pseudo-inverse S^+ MLRE < 1e-10 (worse modality)"].paper == 6.47e-16
    assert by_name["uniform latents: MLRE stays large (> 1)"].paper == pv.UNIFORM["mlre"]
    assert by_name["GMM: perfect alignment CMAE < 1e-10"].verdict == "reproduced"
    np.testing.assert_array_equal(by_name["GMM: perfect alignment CMAE < 1e-10"].values,
                                  gmm.sort_values("seed")["pa_cmae"].to_numpy())


def test_transfer_claims_are_paired_and_scaled():
    trials = pd.DataFrame(dict(seed=[1, 0], ca_cmae=[3.0, 2.0], pa_cmae=[1.0, 1.0], ca_ncmae=[0.5, 0.4],
                               pa_ncmae=[0.1, 0.2], ca_top1=[0.5, 0.4], pa_top1=[0.6, 0.5],
                               ca_top3=[0.7, 0.8], pa_top3=[0.8, 0.8]))
    out = pc.transfer_claims("pa", trials)
    head, out = out[0], out[1:]
    assert head.level == "headline" and head.count == (5, 6) and head.paper_text == "3 of 3 cells"   # no NCMAE cell
    assert [c.name.split(": ")[1] for c in out] == ["CMAE, CA -> CA+PA", "NCMAE, CA -> CA+PA",
                                                    "top-1 %, CA -> CA+PA", "top-3 %, CA -> CA+PA"]
    np.testing.assert_allclose(out[0].values, [1.0 - 2.0, 1.0 - 3.0])        # seed order, treatment - baseline
    np.testing.assert_allclose(out[2].values, [10.0, 10.0])                  # in %
    assert out[2].paper == pv.UTD_MHAD["CA+PA"]["top1"][0] - pv.UTD_MHAD["CA"]["top1"][0]
    assert out[1].paper is None and out[1].kind == "check"                    # no NCMAE in PA Table 1
    table = pc.transfer_table(trials)
    assert table.loc["CA+PA (paper, UTD-MHAD)", "CMAE"] == "8.66 ± 0.306"
    assert table.loc["CA (ours, watch)", "top-1 (%)"] == "45 ± 7.07"


def test_gmm_and_pinv_tables():
    gmm, _, _ = small_runs()
    table = pc.gmm_table(gmm)
    assert list(table.columns) == ["MLRE1", "MLRE2", "CMAE", "NCMAE"]
    assert list(table.index) == ["perfect (ours)", "contrastive (ours)", "perfect (paper)", "contrastive (paper)"]
    assert table.loc["contrastive (paper)", "NCMAE"] == "0.0298"
    assert table.loc["perfect (paper)", "CMAE"] == "3.66e-15"
    assert list(pc.pinv_table(gmm)["paper"]) == ["2.98e-16", "6.47e-16"]
