"""The DiffCrossGait chapters' claims: our per-seed values against the paper's
(:mod:`lambdalib.papers.diffcrossgait.paper_values`), through :func:`lambdalib.book.claims.compare`
and :func:`lambdalib.book.claims.threshold`. A claim whose runs the profile did not train is left
out (the quick profile runs neither the phase pairs nor independent noise in the main chapter).
"""

from __future__ import annotations

import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.papers.diffcrossgait import paper_values as pv
from lambdalib.papers.diffcrossgait.ablations import cross_modal, trajectory_values

__all__ = ["main_claims", "ablation_claims", "EQUAL_TOLERANCE"]

EQUAL_TOLERANCE = 1.001  # "inference cost equal": counted FLOPs ratio below this bound
RANK1 = "cross-modal rank-1 (%)"
# The pairs of the phase ablation (DiffCrossGait Tab. 6) that are claimed: (baseline, treatment).
PHASE_PAIRS = (("p1", "p1+p2"), ("p1+p2", "full"), ("base", "p1+p3"), ("base", "p2+p3"))
SHARING = {"independent_noise": ("shared vs independent noise", pv.INDEPENDENT_NOISE),       # Tab. 5
           "independent_denoiser": ("shared vs independent denoisers", pv.INDEPENDENT_DENOISER)}  # Tab. 7


def _sharing_claims(chapter: str, results: list[dict], order: tuple[str, ...]) -> list[Claim]:
    """Full against each ablation of ``order`` that ran, paired over the seeds that ablation ran."""
    ran = {r["variant"] for r in results}
    full = cross_modal(results, "full")
    out = []
    for variant in (v for v in order if v in ran):
        name, paper = SHARING[variant]
        ablated = cross_modal(results, variant)
        out.append(compare(chapter, f"{name}: {RANK1}", ablated, full.loc[ablated.index], direction="higher",
                           paper_baseline=paper, paper_treatment=pv.PHASE_ABLATION["full"]))
    return out


def main_claims(results: list[dict], flop_ratio: pd.DataFrame, chapter: str = "diffcrossgait") -> list[Claim]:
    """The DiffCrossGait chapter's claims: Full and phase 1 against Base (DiffCrossGait Tab. 6), the
    ``x0_hat`` gap at the largest ``t`` (section 4.5), training and inference cost from the per-seed
    counted-FLOPs ratios ``flop_ratio`` (:func:`lambdalib.papers.diffcrossgait.cost.flop_ratios`,
    section 4.3), then whichever of the sharing ablations and phase pairs ran."""
    paper = pv.PHASE_ABLATION
    cm = {v: cross_modal(results, v) for v in ("base", "full", "p1")}
    gap_end = {v: trajectory_values(results, v, "gap", -1) for v in ("p1", "full")}
    claims = [
        compare(chapter, f"full tri-phase vs Base: {RANK1}", cm["base"], cm["full"], direction="higher",
                paper_baseline=paper["base"], paper_treatment=paper["full"]),
        compare(chapter, f"phase 1 alone vs Base: {RANK1}", cm["base"], cm["p1"], direction="higher",
                paper_baseline=paper["base"], paper_treatment=paper["p1"]),
        compare(chapter, "x0-hat gap at the largest t: full vs phase 1 alone", gap_end["p1"], gap_end["full"],
                direction="lower", paper_baseline=pv.GAP_P1["end"], paper_treatment=pv.GAP_FULL["end"]),
        threshold(chapter, f"training cost Full / Base <= the paper's {pv.TRAIN_TIME_RATIO}x (counted FLOPs per step)",
                  flop_ratio.train_step.to_numpy(), reference=pv.TRAIN_TIME_RATIO, direction="lower",
                  paper=pv.TRAIN_TIME_RATIO, paper_text=f"{pv.TRAIN_TIME_RATIO} (training time)"),
        threshold(chapter, "inference cost Full / Base <= 1 (counted FLOPs per sequence)",
                  flop_ratio.inference.to_numpy(), reference=EQUAL_TOLERANCE, direction="lower",
                  paper_text="equal (diffusion dropped)"),
    ]
    claims += _sharing_claims(chapter, results, ("independent_denoiser", "independent_noise"))
    ran = {r["variant"] for r in results}
    for lo, hi in (pair for pair in PHASE_PAIRS if set(pair) <= ran):
        claims.append(compare(chapter, f"phase ablation: {hi} vs {lo}, {RANK1}", cross_modal(results, lo),
                              cross_modal(results, hi), direction="higher",
                              paper_baseline=paper[lo], paper_treatment=paper[hi]))
    return claims


def ablation_claims(results: list[dict], chapter: str = "diffcrossgait_ablations") -> list[Claim]:
    """The ablation chapter's claims: Full against independent noise (DiffCrossGait Tab. 5) and
    against independent denoisers (Tab. 7), paired over seeds."""
    return _sharing_claims(chapter, results, ("independent_noise", "independent_denoiser"))
