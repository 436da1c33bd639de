"""The ConDA chapter's claims: our per-seed results against :mod:`~lambdalib.papers.conda.paper_values`.

:func:`chapter_claims` builds every claim of the chapter with
:func:`lambdalib.book.claims.threshold` (per-seed values against a fixed bound) and
:func:`lambdalib.book.claims.compare` (treatment against baseline, paired over seeds), in the
order the chapter reports them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.data.flow import SCHAEFER_TUREK_ST
from lambdalib.papers.conda import paper_values as pv
from lambdalib.papers.conda import tables
from lambdalib.papers.conda.pipeline import CONDA_METHOD
from lambdalib.papers.conda.sizes import FlowSizes

__all__ = ["SHEDDING_PTP", "ST_TOLERANCE", "chapter_claims", "physics_claims", "flow_claims", "motion_claims"]

SHEDDING_PTP = 0.1   # late wake peak-to-peak (units of U_mean) above which a wake counts as shedding
ST_TOLERANCE = 0.1   # relative distance of St from the benchmark's that we accept


def _span(values) -> str:
    return f"{min(values):g}-{max(values):g}"


def physics_claims(physics: pd.DataFrame, st_replicates: np.ndarray, sizes: FlowSizes, chapter: str) -> list[Claim]:
    """The simulated data behave like the paper's groups (appendix A.1) and like the benchmark."""
    steady, unsteady = physics[physics.regime == "steady"], physics[physics.regime == "unsteady"]
    st_ref = float(np.mean(SCHAEFER_TUREK_ST))
    return [
        threshold(chapter, f"steady wake below onset: log(late/early wake ptp) < 0 (per Re, {_span(steady.Re)})",
                  steady.log_decay, reference=0.0, direction="lower", paper_text=f"steady (Re {_span(pv.STEADY_RE)})"),
        threshold(chapter, f"shedding above onset: late wake ptp / U > {SHEDDING_PTP:g} (per Re, "
                           f"{_span(unsteady.Re)})", unsteady.late_ptp, reference=SHEDDING_PTP, direction="higher",
                  paper_text=f"periodic (Re {_span(pv.PERIODIC_RE)})"),
        threshold(chapter, f"St at Re = {sizes.st_reynolds:g} within {ST_TOLERANCE:.0%} of Schäfer-Turek 2D-2: "
                           f"|St / {st_ref:.2f} - 1| < {ST_TOLERANCE:g}", np.abs(st_replicates / st_ref - 1),
                  reference=ST_TOLERANCE, direction="lower",
                  paper_text="-".join(f"{v:.3f}" for v in SCHAEFER_TUREK_ST)),
    ]


def flow_claims(results: list[dict], chapter: str) -> list[Claim]:
    """ConDA's flow results: round trip (Fig. 12), traversals (Table 1), SVMs (Table 3),
    ablation (Table 2) and orthogonality (Table 6)."""
    held = tables.roundtrip_table(results).xs("held-out", level="split").sort_index()
    svm = tables.seed_columns(tables.svm_table(results))
    abl = tables.by_seed(results, "ablation", "method", "psnr")
    cos = tables.by_seed(results, "ortho", "space", "cos")
    out = [
        threshold(chapter, f"DDIM round trip PSNR (held-out frames) >= paper's {pv.ROUNDTRIP_PSNR:.1f} dB", held.psnr,
                  reference=round(pv.ROUNDTRIP_PSNR, 1), direction="higher", paper=pv.ROUNDTRIP_PSNR),
        threshold(chapter, f"DDIM round trip SSIM (held-out frames) >= paper's {pv.ROUNDTRIP_SSIM:g}", held.ssim,
                  reference=pv.ROUNDTRIP_SSIM, direction="higher", paper=pv.ROUNDTRIP_SSIM),
    ]
    out += [compare(chapter, f"traversal PSNR ({p}): embedded spline > raw Lerp",
                    tables.per_seed(results, p, "raw x_T", "lerp"), tables.per_seed(results, p, "embedding", "spline"),
                    direction="higher", paper_baseline=pv.TRAVERSAL_PSNR["raw x_T"],
                    paper_treatment=pv.TRAVERSAL_PSNR["embedding"]) for p in ("block", "sparse")]
    out.append(compare(chapter, "traversal nRMSE (block): embedded spline < raw spline",
                       tables.per_seed(results, "block", "raw x_T", "spline", "nrmse"),
                       tables.per_seed(results, "block", "embedding", "spline", "nrmse"), direction="lower"))
    out += [compare(chapter, f"SVM-{label} accuracy: embedding > x_T", svm[(kernel, "raw x_T")],
                    svm[(kernel, "embedding")], direction="higher",
                    paper_baseline=pv.SVM_ACCURACY[(kernel, "raw x_T")],
                    paper_treatment=pv.SVM_ACCURACY[(kernel, "embedding")])
            for kernel, label in (("linear", "linear"), ("rbf", "RBF"))]
    out += [compare(chapter, f"block prediction PSNR: ConDA > {code} (width 3)", abl[code], abl[CONDA_METHOD],
                    direction="higher", paper_baseline=pv.ABLATION_PSNR[code],
                    paper_treatment=pv.ABLATION_PSNR["ConDA"])
            for code in ("PCA", "beta-VAE")]
    out.append(compare(chapter, "|cos(time, Re directions)|: embedding < x_T", cos["raw x_T"], cos["embedding"],
                       direction="lower", paper_baseline=pv.DIRECTION_COSINE["raw x_T"],
                       paper_treatment=pv.DIRECTION_COSINE["embedding"]))
    return out


def motion_claims(motion_results: list[dict], chapter: str) -> list[Claim]:
    """BasicMotions: does the embedding help each SVM as on the flow? (no paper number)"""
    svm = tables.seed_columns(tables.svm_table(motion_results, sort=False))
    return [compare(chapter, f"BasicMotions SVM-{kernel} accuracy: embedding > x_T", svm[(kernel, "raw x_T")],
                    svm[(kernel, "embedding")], direction="higher") for kernel in ("linear", "rbf")]


def chapter_claims(physics: pd.DataFrame, st_replicates: np.ndarray, sizes: FlowSizes, results: list[dict],
                   motion_results: list[dict], chapter: str = "conda") -> list[Claim]:
    """Every claim of the ConDA chapter, in its order: physics, flow, BasicMotions."""
    return (physics_claims(physics, st_replicates, sizes, chapter) + flow_claims(results, chapter)
            + motion_claims(motion_results, chapter))
