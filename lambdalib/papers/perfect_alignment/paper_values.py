"""Every number of "Towards Achieving Perfect Multimodal Alignment" (PA) that the book compares
against, with where the paper reports it. The book's own numbers never live here.

- :data:`GMM`  the GMM study, perfect vs contrastive alignment (PA Figure 3's table)
- :data:`PINV_MLRE`  the pseudo-inverse sanity check (PA appendix Table 2)
- :data:`UNIFORM`  uniform latents (PA appendix 6.5)
- :data:`UTD_MHAD`  cross-modal transfer, CA vs CA+PA (PA Table 1)
"""

from __future__ import annotations

__all__ = ["GMM", "PINV_MLRE", "UNIFORM", "UTD_MHAD"]

# PA section 3.1, the table of Figure 3: one run of the GMM study (n = 2000, d1 = d2 = k = 2).
# mlre1 / mlre2: MLRE of modality 1 / 2 (PA eq. 9); cmae: PA eq. 8; ncmae: CMAE of unit-length latents.
GMM = {
    "perfect": dict(mlre1=10.9, mlre2=10.9, cmae=3.66e-15, ncmae=3.14e-16),
    "contrastive": dict(mlre1=8.73, mlre2=4.34, cmae=5.44, ncmae=0.0298),  # Nakada et al. (2023)
}

# PA appendix Table 2: MLRE of the true maps' pseudo-inverses, S1^+ x1 and S2^+ x2.
PINV_MLRE = (2.98e-16, 6.47e-16)

# PA appendix 6.5 (text): uniform latents on both sides of a line, 2000 points.
UNIFORM = dict(cmae=1.36e-14, mlre=15.6)

# PA Table 1: UTD-MHAD, RGB -> IMU transfer, (mean, sd) over 3 trials, for CA and CA+PA.
# cmae: PA eq. 8 on the test split; top1 / top3: accuracy in %. (Top-5 and top-7 are not compared.)
UTD_MHAD = {
    "CA": dict(cmae=(2210.0, 20.5), top1=(38.6, 3.01), top3=(56.1, 6.66)),
    "CA+PA": dict(cmae=(8.66, 0.306), top1=(43.9, 4.28), top3=(60.6, 5.67)),
}
