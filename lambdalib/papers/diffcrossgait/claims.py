"""The DiffCrossGait chapters' claims: our per-seed values against the paper's
(:mod:`lambdalib.papers.diffcrossgait.paper_values`), through :func:`lambdalib.book.claims.compare`
and :func:`lambdalib.book.claims.threshold`. A claim whose runs the profile did not train is left
out (the quick profile runs neither the phase pairs nor independent noise in the main chapter).
"""

from __future__ import annotations

import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.book.headline import cell_claims, table_claim
from lambdalib.papers.diffcrossgait import paper_values as pv
from lambdalib.papers.diffcrossgait.ablations import cross_modal, trajectory_values

__all__ = ["main_claims", "ablation_claims"]

RANK1 = "cross-modal rank-1 (%)"
# The pairs of the phase ablation (DiffCrossGait Tab. 6) that are claimed: (baseline, treatment).
PHASE_PAIRS = (("p1", "p1+p2"), ("p1+p2", "full"), ("base", "p1+p3"), ("base", "p2+p3"))
SHARING = {"independent_noise": ("shared vs independent noise", pv.INDEPENDENT_NOISE, "Tab. 5"),
           "independent_denoiser": ("shared vs independent denoisers", pv.INDEPENDENT_DENOISER, "Tab. 7")}
SEED = "seed"  # the replication unit: one training seed (the rendered data set is the same for all)


def _sharing_claims(chapter: str, results: list[dict], order: tuple[str, ...]) -> list[Claim]:
    """Full against each ablation of ``order`` that ran, paired over the seeds that ablation ran."""
    ran = {r["variant"] for r in results}
    full = cross_modal(results, "full")
    out = []
    for variant in (v for v in order if v in ran):
        name, paper, table = SHARING[variant]
        ablated = cross_modal(results, variant)
        out.append(compare(chapter, f"{name}: {RANK1}", ablated, full.loc[ablated.index], direction="higher",
                           paper_baseline=paper, paper_treatment=pv.PHASE_ABLATION["full"], kind="paper",
                           source=f"DiffCrossGait {table}", unit=SEED))
    return out


def main_claims(results: list[dict], flop_ratio: pd.DataFrame, chapter: str = "diffcrossgait") -> list[Claim]:
    """The DiffCrossGait chapter's claims, per seed: the headline of the phase ablation (Tab. 6:
    Full and phase 1 against Base, and whichever phase pairs ran) and its cells, the ``x0_hat`` gap
    at the largest ``t`` (section 4.5), training cost from the per-seed counted-FLOPs ratios
    ``flop_ratio`` (:func:`lambdalib.papers.diffcrossgait.cost.flop_ratios`, section 4.3; counted,
    so exact), then independent noise (Tab. 5) if it ran. Inference cost equal to Base is an
    identity of the design (the diffusion branch is dropped at inference): an exact check. The
    shared-vs-independent-denoiser claim (Tab. 7) is the ablation chapter's alone."""
    paper = pv.PHASE_ABLATION
    ran = {r["variant"] for r in results}
    pairs = [("base", "full", "full tri-phase vs Base"), ("base", "p1", "phase 1 alone vs Base")]
    pairs += [(lo, hi, f"phase ablation: {hi} vs {lo}") for lo, hi in PHASE_PAIRS if {lo, hi} <= ran]
    tab6 = dict(source="DiffCrossGait Tab. 6", unit=SEED)
    tidy = []
    for lo, hi, name in pairs:
        b = cross_modal(results, lo)
        tidy.append(pd.DataFrame({"cell": f"{name}: {RANK1}", "unit": b.index, "baseline": b.to_numpy(),
                                  "treatment": cross_modal(results, hi).loc[b.index].to_numpy(), "direction": "higher",
                                  "paper_baseline": paper[lo], "paper_treatment": paper[hi]}))
    tidy = pd.concat(tidy, ignore_index=True)
    head = table_claim(chapter, "Tab. 6: the alignment phases raise cross-modal rank-1", tidy, **tab6)
    cells = cell_claims(chapter, tidy, **tab6)
    gap_end = {v: trajectory_values(results, v, "gap", -1) for v in ("p1", "full")}
    claims = [
        head, *cells,
        compare(chapter, "x0-hat gap at the largest t: full vs phase 1 alone", gap_end["p1"], gap_end["full"],
                direction="lower", paper_baseline=pv.GAP_P1["end"], paper_treatment=pv.GAP_FULL["end"],
                kind="paper", source="DiffCrossGait section 4.5", unit=SEED),
        threshold(chapter, f"training cost Full / Base <= the paper's {pv.TRAIN_TIME_RATIO}x (counted FLOPs per step)",
                  flop_ratio.train_step.to_numpy(), reference=pv.TRAIN_TIME_RATIO, direction="lower",
                  paper=pv.TRAIN_TIME_RATIO, paper_text=f"{pv.TRAIN_TIME_RATIO} (training time)", kind="paper",
                  exact=True, source="DiffCrossGait section 4.3", unit=SEED),
        threshold(chapter, "inference cost Full / Base = 1 (counted FLOPs per sequence)",
                  flop_ratio.inference.to_numpy(), reference=1.0, direction="equal", margin=1e-9,
                  paper_text="equal (diffusion dropped)", kind="check", exact=True,
                  source="an identity of the design (DiffCrossGait section 4.3)", unit=SEED),
    ]
    return claims + _sharing_claims(chapter, results, ("independent_noise",))


def ablation_claims(results: list[dict], chapter: str = "diffcrossgait_ablations") -> list[Claim]:
    """The ablation chapter's claims: Full against independent noise (DiffCrossGait Tab. 5) and
    against independent denoisers (Tab. 7), paired over seeds. One cell per table: no headline."""
    return _sharing_claims(chapter, results, ("independent_noise", "independent_denoiser"))
