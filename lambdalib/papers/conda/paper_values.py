"""Every number of the ConDA paper that the book compares with, with where it is reported.

Reference values only: the book's own numbers are computed. All are for the paper's flow past
a cylinder (FEniCS, velocity-magnitude images, a pretrained LDM VAE latent of 4096 dimensions).
"""

from __future__ import annotations

__all__ = ["STEADY_RE", "PERIODIC_RE", "ROUNDTRIP_PSNR", "ROUNDTRIP_SSIM", "TRAVERSAL_PSNR", "SVM_ACCURACY",
           "ABLATION_PSNR", "DIRECTION_COSINE", "RAW_DIM", "prose_values"]

# Appendix A.1: the Reynolds groups of the flow data set, stationary and time-periodic.
STEADY_RE = (20, 40)
PERIODIC_RE = (100, 120)

# Appendix C.2, the table of Fig. 12 (Fluid, "DDIM Inv."): reconstruction after DDIM inversion
# and sampling, PSNR (dB, 35.791 ± 0.229) and SSIM (0.954 ± 0.004).
ROUNDTRIP_PSNR = 35.791
ROUNDTRIP_SSIM = 0.954

# Section 1 (and Table 1, Fluid): PSNR (dB) of traversals in the contrastive embedding against
# linear baselines (Lerp) in the DDIM latent x_T.
TRAVERSAL_PSNR = {"raw x_T": 28.3, "embedding": 35.7}

# Table 3, steady vs unsteady laminar flow: SVM accuracy in x_T (D = 4096) and in the
# embedding (d = 3), keyed by (kernel, space).
SVM_ACCURACY = {("linear", "raw x_T"): 0.78, ("rbf", "raw x_T"): 0.68,
                ("linear", "embedding"): 0.83, ("rbf", "embedding"): 0.87}

# Table 2, Fluid: PSNR (dB) of test-sequence prediction from codes of width 3, each with its own
# decoder (PCA 31.82 ± 2.30, beta-VAE 32.20 ± 2.55, ConDA 33.90 ± 2.52).
ABLATION_PSNR = {"PCA": 31.82, "beta-VAE": 32.20, "ConDA": 33.90}

# Table 6 (appendix C.4): |cos| between the regression directions of time and Re.
DIRECTION_COSINE = {"raw x_T": 0.1014, "embedding": 0.0155}
RAW_DIM = 4096  # dimension of the paper's x_T (Tables 3 and 6)


def prose_values() -> dict[str, float]:
    """The values above under flat names, for the chapter's prose (``glue``)."""
    return {"paper_steady_lo": STEADY_RE[0], "paper_steady_hi": STEADY_RE[1],
            "paper_periodic_lo": PERIODIC_RE[0], "paper_periodic_hi": PERIODIC_RE[1],
            "paper_rt_psnr": ROUNDTRIP_PSNR, "paper_rt_ssim": ROUNDTRIP_SSIM,
            "paper_trav_raw": TRAVERSAL_PSNR["raw x_T"], "paper_trav_emb": TRAVERSAL_PSNR["embedding"],
            **{f"paper_svm_{kernel}_{'raw' if space == 'raw x_T' else 'emb'}": v
               for (kernel, space), v in SVM_ACCURACY.items()},
            "paper_cos_raw": DIRECTION_COSINE["raw x_T"], "paper_cos_emb": DIRECTION_COSINE["embedding"],
            "paper_raw_dim": RAW_DIM}
