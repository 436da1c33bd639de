"""The ConDA chapter's claims: our per-seed results against :mod:`~lambdalib.papers.conda.paper_values`.

:func:`chapter_claims` builds every claim of the chapter, in the order the chapter reports them:
checks of our flow solver (exact per Reynolds number, or per St replicate), then ConDA's
claims per seed (:func:`lambdalib.book.claims.threshold` against a fixed bound,
:func:`~lambdalib.book.claims.compare` paired over seeds, a headline per table of two cells or
more, :func:`lambdalib.book.headline.table_claim`), then the book's own extensions with no paper
value (checks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.book.headline import cell_claims, cells_frame, table_claim
from lambdalib.data.flow import SCHAEFER_TUREK_ST
from lambdalib.papers.conda import paper_values as pv
from lambdalib.papers.conda import tables
from lambdalib.papers.conda.pipeline import CONDA_METHOD
from lambdalib.papers.conda.sizes import FlowSizes

__all__ = ["SHEDDING_PTP", "ST_TOLERANCE", "chapter_claims", "physics_claims", "flow_claims", "motion_claims"]

SHEDDING_PTP = 0.1   # late wake peak-to-peak (units of U_mean) above which a wake counts as shedding
ST_TOLERANCE = 0.1   # relative distance of St from the benchmark's that we accept
SEED = "seed"        # the replication unit of the learned results


def _span(values) -> str:
    return f"{min(values):g}-{max(values):g}"


def physics_claims(physics: pd.DataFrame, st_replicates: np.ndarray, sizes: FlowSizes, chapter: str) -> list[Claim]:
    """Checks of our flow solver (not claims of the paper): the simulated data behave like the
    paper's groups (appendix A.1) and like the benchmark. Units: Reynolds numbers, St replicates."""
    steady, unsteady = physics[physics.regime == "steady"], physics[physics.regime == "unsteady"]
    st_ref = float(np.mean(SCHAEFER_TUREK_ST))
    return [
        threshold(chapter, f"steady wake below onset: log(late/early wake ptp) < 0 (per Re, {_span(steady.Re)})",
                  steady.log_decay, reference=0.0, direction="lower", paper_text=f"steady (Re {_span(pv.STEADY_RE)})",
                  kind="check", exact=True, source="flow solver against ConDA appendix A.1", unit="Re"),
        threshold(chapter, f"shedding above onset: late wake ptp / U > {SHEDDING_PTP:g} (per Re, "
                           f"{_span(unsteady.Re)})", unsteady.late_ptp, reference=SHEDDING_PTP, direction="higher",
                  paper_text=f"periodic (Re {_span(pv.PERIODIC_RE)})", kind="check", exact=True,
                  source="flow solver against ConDA appendix A.1", unit="Re"),
        threshold(chapter, f"St at Re = {sizes.st_reynolds:g} within {ST_TOLERANCE:.0%} of Schäfer-Turek 2D-2: "
                           f"|St / {st_ref:.2f} - 1| < {ST_TOLERANCE:g}", np.abs(st_replicates / st_ref - 1),
                  reference=ST_TOLERANCE, direction="lower",
                  paper_text="-".join(f"{v:.3f}" for v in SCHAEFER_TUREK_ST), kind="check",
                  source="flow solver against Schäfer & Turek (1996)", unit="replicate"),
    ]


def _table(chapter: str, name: str, cells: list[tuple], source: str) -> list[Claim]:
    """A ConDA table of (cell name, baseline per seed, treatment per seed, direction, paper
    baseline, paper treatment), values in seed order: its headline ``name`` (for two cells or
    more) and one claim per cell."""
    tidy = cells_frame(cells)
    out = cell_claims(chapter, tidy, source=source, unit=SEED)
    return out if len(cells) < 2 else [table_claim(chapter, name, tidy, source=source, unit=SEED), *out]


def flow_claims(results: list[dict], chapter: str) -> list[Claim]:
    """ConDA's flow results, per seed: round trip (Fig. 12), traversals (Table 1), SVMs (Table 3),
    ablation (Table 2) and orthogonality (Table 6); a headline for each table of two cells or
    more. The traversal nRMSE has no paper value: a check of our own."""
    held = tables.roundtrip_table(results).xs("held-out", level="split").sort_index()
    svm = tables.seed_columns(tables.svm_table(results))
    abl = tables.by_seed(results, "ablation", "method", "psnr")
    cos = tables.by_seed(results, "ortho", "space", "cos")
    fig12 = dict(kind="paper", source="ConDA Fig. 12", unit=SEED)
    out = [
        threshold(chapter, f"DDIM round trip PSNR (held-out frames) >= paper's {pv.ROUNDTRIP_PSNR:.1f} dB", held.psnr,
                  reference=round(pv.ROUNDTRIP_PSNR, 1), direction="higher", paper=pv.ROUNDTRIP_PSNR, **fig12),
        threshold(chapter, f"DDIM round trip SSIM (held-out frames) >= paper's {pv.ROUNDTRIP_SSIM:g}", held.ssim,
                  reference=pv.ROUNDTRIP_SSIM, direction="higher", paper=pv.ROUNDTRIP_SSIM, **fig12),
    ]
    out += _table(chapter, "Table 1: embedded spline traversals beat raw Lerp", [
        (f"traversal PSNR ({p}): embedded spline > raw Lerp", tables.per_seed(results, p, "raw x_T", "lerp"),
         tables.per_seed(results, p, "embedding", "spline"), "higher", pv.TRAVERSAL_PSNR["raw x_T"],
         pv.TRAVERSAL_PSNR["embedding"]) for p in ("block", "sparse")], "ConDA Table 1")
    out += _table(chapter, "Table 3: SVMs classify better on the embedding than on x_T", [
        (f"SVM-{label} accuracy: embedding > x_T", svm[(kernel, "raw x_T")], svm[(kernel, "embedding")], "higher",
         pv.SVM_ACCURACY[(kernel, "raw x_T")], pv.SVM_ACCURACY[(kernel, "embedding")])
        for kernel, label in (("linear", "linear"), ("rbf", "RBF"))], "ConDA Table 3")
    out += _table(chapter, "Table 2: ConDA's block prediction beats PCA and beta-VAE codes", [
        (f"block prediction PSNR: ConDA > {code} (width 3)", abl[code], abl[CONDA_METHOD], "higher",
         pv.ABLATION_PSNR[code], pv.ABLATION_PSNR["ConDA"]) for code in ("PCA", "beta-VAE")], "ConDA Table 2")
    out += _table(chapter, "Table 6", [("|cos(time, Re directions)|: embedding < x_T", cos["raw x_T"], cos["embedding"],
                                 "lower", pv.DIRECTION_COSINE["raw x_T"], pv.DIRECTION_COSINE["embedding"])],
                  "ConDA Table 6")
    out.append(compare(chapter, "traversal nRMSE (block): embedded spline < raw spline",
                       tables.per_seed(results, "block", "raw x_T", "spline", "nrmse"),
                       tables.per_seed(results, "block", "embedding", "spline", "nrmse"), direction="lower",
                       kind="check", source="the book's own: no paper value", unit=SEED))
    return out


def motion_claims(motion_results: list[dict], chapter: str) -> list[Claim]:
    """BasicMotions: does the embedding help each SVM as on the flow? The paper reports no
    BasicMotions SVM numbers: checks of our own, per seed."""
    svm = tables.seed_columns(tables.svm_table(motion_results, sort=False))
    return [compare(chapter, f"BasicMotions SVM-{kernel} accuracy: embedding > x_T", svm[(kernel, "raw x_T")],
                    svm[(kernel, "embedding")], direction="higher", kind="check",
                    source="the book's own: no paper value", unit=SEED) for kernel in ("linear", "rbf")]


def chapter_claims(physics: pd.DataFrame, st_replicates: np.ndarray, sizes: FlowSizes, results: list[dict],
                   motion_results: list[dict], chapter: str = "conda") -> list[Claim]:
    """Every claim of the ConDA chapter, in its order: physics, flow, BasicMotions."""
    return (physics_claims(physics, st_replicates, sizes, chapter) + flow_claims(results, chapter)
            + motion_claims(motion_results, chapter))
