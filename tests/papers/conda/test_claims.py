"""The chapter's claims: names, order and paper numbers, from fabricated per-seed results."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.conda import paper_values as pv
from lambdalib.papers.conda.claims import chapter_claims
from lambdalib.papers.conda.pipeline import CONDA_METHOD

NAMES = [
    "steady wake below onset: log(late/early wake ptp) < 0 (per Re, 20-40)",
    "shedding above onset: late wake ptp / U > 0.1 (per Re, 60-120)",
    "St at Re = 100 within 10% of Schäfer-Turek 2D-2: |St / 0.30 - 1| < 0.1",
    "DDIM round trip PSNR (held-out frames) >= paper's 35.8 dB",
    "DDIM round trip SSIM (held-out frames) >= paper's 0.954",
    "Table 1: embedded spline traversals beat raw Lerp",
    "traversal PSNR (block): embedded spline > raw Lerp",
    "traversal PSNR (sparse): embedded spline > raw Lerp",
    "Table 3: SVMs classify better on the embedding than on x_T",
    "SVM-linear accuracy: embedding > x_T",
    "SVM-RBF accuracy: embedding > x_T",
    "Table 2: ConDA's block prediction beats PCA and beta-VAE codes",
    "block prediction PSNR: ConDA > PCA (width 3)",
    "block prediction PSNR: ConDA > beta-VAE (width 3)",
    "|cos(time, Re directions)|: embedding < x_T",
    "traversal nRMSE (block): embedded spline < raw spline",
    "BasicMotions SVM-linear accuracy: embedding > x_T",
    "BasicMotions SVM-rbf accuracy: embedding > x_T",
]


def fake_seed(seed: int, rng: np.random.Generator) -> dict:
    """One seed's tables with the columns the claims read; the embedding scores 1 higher."""
    trav = pd.DataFrame([{"protocol": p, "space": s, "method": m, "psnr": 30 + (s == "embedding") + 0.1 * rng.random(),
                          "ssim": 0.5, "nrmse": 2 - (s == "embedding") + 0.1 * rng.random()}
                         for p in ("block", "sparse") for s in ("raw x_T", "embedding") for m in ("lerp", "spline")])
    svm = pd.DataFrame([{"fold": f, "kernel": k, "space": s, "accuracy": 0.7 + 0.1 * (s == "embedding") + 0.01 * f}
                        for f in range(2) for k in ("linear", "rbf") for s in ("raw x_T", "embedding")])
    return {"seed": seed, "traversal": trav, "svm": svm,
            "roundtrip": pd.DataFrame({"split": ["train", "held-out"], "psnr": 40 + rng.random(2),
                                       "ssim": 0.96 + 0.01 * rng.random(2), "ae_psnr": 50.0, "x_T_std": 1.0}),
            "ablation": pd.DataFrame({"method": ["PCA", "beta-VAE", CONDA_METHOD], "psnr": 30 + rng.random(3)}),
            "ortho": pd.DataFrame({"space": ["raw x_T", "embedding"], "cos": rng.random(2)})}


@pytest.fixture(scope="module")
def claims():
    rng = np.random.default_rng(0)
    sizes = get_sizes("conda.flow", "quick")
    re = np.array(sizes.steady + sizes.unsteady, float)
    physics = pd.DataFrame({"Re": re, "regime": np.where(np.isin(re, sizes.unsteady), "unsteady", "steady"),
                            "log_decay": -rng.random(10), "late_ptp": 1 + rng.random(10)})
    results = [fake_seed(s, rng) for s in range(3)]
    motion = [{"seed": s, "svm": fake_seed(s, rng)["svm"]} for s in range(3)]
    return chapter_claims(physics, np.array([0.301, 0.299, 0.3]), sizes, results, motion)


def test_claims_keep_their_names_and_order(claims):
    assert [c.name for c in claims] == NAMES
    assert {c.chapter for c in claims} == {"conda"}
    kinds = {c.name: (c.kind, c.level) for c in claims}
    assert [n for n, k in kinds.items() if k == ("paper", "headline")] == [NAMES[5], NAMES[8], NAMES[11]]
    assert [n for n, (kind, _) in kinds.items() if kind == "check"] == [*NAMES[:3], *NAMES[15:]]
    assert all(c.exact for c in claims[:2]) and not claims[2].exact            # per Re exact; St replicates


def test_headlines_pool_their_table_per_seed(claims):
    head = next(c for c in claims if c.name == NAMES[5])
    assert head.n == 3 and head.values == (1.0, 1.0, 1.0) and head.count == (6, 6)  # both cells, every seed
    assert head.source == "ConDA Table 1" and head.unit == "seed" and head.paper == 1.0


def test_paper_numbers_come_from_paper_values(claims):
    by_name = {c.name: c for c in claims}
    assert by_name[NAMES[3]].paper == pv.ROUNDTRIP_PSNR and by_name[NAMES[3]].reference == 35.8
    assert by_name[NAMES[6]].paper_text == "28.3 -> 35.7"
    assert by_name[NAMES[10]].paper == pytest.approx(pv.SVM_ACCURACY[("rbf", "embedding")]
                                                    - pv.SVM_ACCURACY[("rbf", "raw x_T")])
    assert by_name[NAMES[13]].paper_text == "32.2 -> 33.9"
    assert by_name[NAMES[14]].paper_text == "0.101 -> 0.0155"
    assert by_name[NAMES[0]].paper_text == "steady (Re 20-40)" and by_name[NAMES[2]].paper_text == "0.295-0.305"
    assert by_name[NAMES[16]].paper is None


def test_claims_pair_seeds_and_read_the_right_rows(claims):
    by_name = {c.name: c for c in claims}
    assert by_name[NAMES[6]].n == 3 and by_name[NAMES[6]].verdict == "reproduced"     # embedding 1 dB higher
    assert by_name[NAMES[15]].verdict == "reproduced"                                  # nRMSE 1 lower
    np.testing.assert_allclose(by_name[NAMES[9]].values, [0.1] * 3)                   # fold means differ by 0.1
    assert by_name[NAMES[2]].n == 3 and by_name[NAMES[0]].n == 5
