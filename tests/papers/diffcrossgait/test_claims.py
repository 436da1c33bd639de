"""lambdalib.papers.diffcrossgait.claims and paper_values: names, order and paper numbers."""

import pandas as pd
import pytest

from lambdalib.papers.diffcrossgait import paper_values as pv
from lambdalib.papers.diffcrossgait.claims import ablation_claims, main_claims

MAIN = ["Tab. 6: the alignment phases raise cross-modal rank-1",
        "full tri-phase vs Base: cross-modal rank-1 (%)", "phase 1 alone vs Base: cross-modal rank-1 (%)",
        "x0-hat gap at the largest t: full vs phase 1 alone",
        "training cost Full / Base <= the paper's 1.32x (counted FLOPs per step)",
        "inference cost Full / Base = 1 (counted FLOPs per sequence)"]


def with_trajectories(runs):
    for r in runs:
        if r["variant"] in ("full", "p1"):
            end = 0.5 if r["variant"] == "full" else 1.3
            r["trajectory"] = pd.DataFrame({"t": [0, 95], "gap": [0.4, end + 0.01 * r["seed"]], "rank1_x0": [20.0, 2.0]})
    return runs


def test_main_claims_at_quick(fake_results):
    res = with_trajectories(fake_results({"base": [30.0, 31.0, 29.0], "full": [28.0, 29.0, 27.0],
                                          "p1": [29.0, 30.0, 29.0]}) + fake_results({"independent_denoiser": [27.0]}))
    flop_ratio = pd.DataFrame({"train_step": [2.2] * 3, "inference": [1.0] * 3}, index=[0, 1, 2])
    claims = main_claims(res, flop_ratio)
    assert [c.name for c in claims] == MAIN                 # Tab. 7 (independent denoisers): the ablation chapter's
    assert claims[0].level == "headline" and claims[0].values == (0.0, 0.0, 0.25) and claims[0].count == (0, 6)  # a tie: 1/2
    assert claims[1].values == (-2.0, -2.0, -2.0) and claims[1].paper_text == "54.7 -> 63.8"
    assert claims[3].values == pytest.approx((-0.8, -0.8, -0.8)) and claims[3].paper_text == "1.74 -> 0.63"
    assert claims[4].reference == 1.32 and claims[4].exact and claims[4].kind == "paper"
    inference = claims[5]
    assert (inference.kind, inference.exact, inference.direction, inference.reference) == ("check", True, "equal", 1.0)
    assert inference.verdict == "reproduced" and inference.note == ""    # exact: no zero-spread warning


def test_main_claims_with_every_variant(fake_results):
    values = {v: [30.0, 31.0] for v in ("base", "full", "p1", "p1+p2", "p1+p3", "p2+p3", "independent_noise",
                                         "independent_denoiser")}
    res = with_trajectories(fake_results(values))
    claims = main_claims(res, pd.DataFrame({"train_step": [2.0, 2.0], "inference": [1.0, 1.0]}))
    names = [c.name for c in claims]
    assert names[3:7] == [
        "phase ablation: p1+p2 vs p1: cross-modal rank-1 (%)", "phase ablation: full vs p1+p2: cross-modal rank-1 (%)",
        "phase ablation: p1+p3 vs base: cross-modal rank-1 (%)", "phase ablation: p2+p3 vs base: cross-modal rank-1 (%)"]
    assert [c.paper_text for c in claims[3:7]] == ["60.6 -> 63.1", "63.1 -> 63.8", "54.7 -> 62.5", "54.7 -> 61.8"]
    assert names[-1] == "shared vs independent noise: cross-modal rank-1 (%)"
    assert "shared vs independent denoisers: cross-modal rank-1 (%)" not in names
    assert claims[0].count[1] == 6 * 2                      # the headline pools the six Tab. 6 cells over 2 seeds


def test_ablation_claims(fake_results):
    res = fake_results({"full": [30.0, 32.0, 28.0], "independent_noise": [29.0, 30.0, 28.0],
                        "independent_denoiser": [28.0, 31.0, 27.0], "T=50": [26.0]})
    claims = ablation_claims(res)
    assert [c.name for c in claims] == ["shared vs independent noise: cross-modal rank-1 (%)",
                                        "shared vs independent denoisers: cross-modal rank-1 (%)"]
    assert claims[0].values == (1.0, 2.0, 0.0) and claims[0].paper_text == "61.8 -> 63.8"
    assert {c.chapter for c in claims} == {"diffcrossgait_ablations"}


def test_paper_values_prose():
    prose = pv.prose()
    assert prose["paper_full_gain"] == pytest.approx(9.1) and prose["paper_p1_gain"] == pytest.approx(5.9)
    assert prose["paper_sensitivity_range"] == pytest.approx(1.7)
    assert pv.TRAIN_TIME_RATIO == round(pv.TRAIN_HOURS[1] / pv.TRAIN_HOURS[0], 2)
