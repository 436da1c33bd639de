"""Every LaMbDA number the book compares against, with where the paper reports it. Our own
numbers never live here; the chapters glue these beside them.

"LaMbDA-long" is the long version with appendix, "LaMbDA-short" the short one (see
``/work/shared/papers/README.md``); Tables 1 and 2 are the same in both.

- :data:`TABLE1`  gait generation, w/o align vs LaMbDA: MSE, FD ("FID"), predictive score (LaMbDA-long Table 1)
- :data:`TABLE2`  synthetic systems, test MSE w/o align vs LaMbDA (LaMbDA-long Table 2)
- :data:`TABLE3`, :data:`TABLE3_SD`  task-probe accuracy of five objectives (LaMbDA-long Table 3)
- :data:`TABLE3_AVERAGES`  the same averaged over the six columns (LaMbDA-short Table 3)
- :data:`TABLE4`  ablations of the loss terms, MSE (LaMbDA-long Table 4)
- :data:`TABLE5`  shared encoder vs LaMbDA, MSE (LaMbDA-long appendix A.5, Table 5)

LaMbDA-long Figure 3 (latent correlation and linear probes, with vs without alignment) and
Figure 2 (real vs generated cycles) are plots without numbers: the latent-geometry chapter's
claims have no paper value.
"""

from __future__ import annotations

__all__ = ["TABLE1", "TABLE2", "TABLE3_COLUMNS", "TABLE3", "TABLE3_SD", "TABLE3_AVERAGES",
           "TABLE4", "TABLE5"]

_DIRECTIONS = ("X|Y", "Y|X")  # "X|Y": X generated from Y by p(X|Y)

# LaMbDA-long Table 1 (= LaMbDA-short Table 1), means over test splits:
# (pair, direction, metric) -> {variant: value}; "fd" is the papers' "FID" (LaMbDA-long eq. 10).
TABLE1 = {
    (pair, direction, metric): {"w/o align": wo, "LaMbDA": w}
    for (pair, direction), cells in {
        ("angles-moments", "X|Y"): {"mse": (0.18, 0.14), "fd": (37.8, 32.4), "pred": (0.18, 0.16)},
        ("angles-moments", "Y|X"): {"mse": (0.08, 0.07), "fd": (20.4, 14.2), "pred": (0.08, 0.07)},
        ("angles-GRF", "X|Y"): {"mse": (0.22, 0.19), "fd": (66.7, 40.4), "pred": (0.30, 0.16)},
        ("angles-GRF", "Y|X"): {"mse": (0.07, 0.06), "fd": (24.8, 5.8), "pred": (0.12, 0.08)},
        ("moments-GRF", "X|Y"): {"mse": (0.08, 0.07), "fd": (16.5, 13.7), "pred": (0.08, 0.07)},
        ("moments-GRF", "Y|X"): {"mse": (0.03, 0.03), "fd": (6.6, 4.3), "pred": (0.07, 0.05)},
    }.items() for metric, (wo, w) in cells.items()
}

# LaMbDA-long Table 2 (= LaMbDA-short Table 2): test MSE (w/o align, LaMbDA) per system and direction.
TABLE2 = {
    ("lorenz", "X|Y"): (0.678, 0.425), ("lorenz", "Y|X"): (0.135, 0.004),
    ("pendulum_nonchaotic", "X|Y"): (2.5e-3, 2.5e-3), ("pendulum_nonchaotic", "Y|X"): (6.6e-3, 6.4e-3),
    ("pendulum_chaotic", "X|Y"): (0.042, 0.028), ("pendulum_chaotic", "Y|X"): (0.031, 0.021),
}

# LaMbDA-long Table 3: probe accuracy (mean, sd over test sets) per probe, objective and column;
# columns in the paper's order. "mlp" is the paper's nonlinear probe.
TABLE3_COLUMNS = tuple(f"{pair} {d}" for pair in ("angles-moments", "angles-GRF", "moments-GRF") for d in _DIRECTIONS)
_TABLE3 = {
    "linear": {
        "Barlow": ((0.70, 0.08), (0.71, 0.08), (0.64, 0.06), (0.63, 0.06), (0.53, 0.08), (0.51, 0.10)),
        "SimCLR": ((0.82, 0.04), (0.79, 0.06), (0.68, 0.06), (0.78, 0.04), (0.78, 0.04), (0.80, 0.08)),
        "MSE": ((0.72, 0.04), (0.72, 0.06), (0.62, 0.10), (0.74, 0.03), (0.82, 0.04), (0.83, 0.05)),
        "VICReg": ((0.65, 0.09), (0.64, 0.06), (0.66, 0.07), (0.62, 0.07), (0.54, 0.07), (0.59, 0.09)),
        "LaMbDA": ((0.86, 0.05), (0.78, 0.05), (0.80, 0.06), (0.75, 0.04), (0.82, 0.04), (0.83, 0.07)),
    },
    "mlp": {
        "Barlow": ((0.72, 0.06), (0.73, 0.07), (0.66, 0.08), (0.68, 0.05), (0.63, 0.07), (0.57, 0.10)),
        "SimCLR": ((0.83, 0.05), (0.80, 0.06), (0.74, 0.07), (0.81, 0.05), (0.64, 0.07), (0.68, 0.09)),
        "MSE": ((0.74, 0.05), (0.75, 0.06), (0.65, 0.10), (0.76, 0.05), (0.85, 0.05), (0.85, 0.05)),
        "VICReg": ((0.64, 0.09), (0.64, 0.07), (0.72, 0.07), (0.66, 0.06), (0.64, 0.07), (0.68, 0.09)),
        "LaMbDA": ((0.86, 0.05), (0.80, 0.05), (0.83, 0.06), (0.78, 0.05), (0.85, 0.05), (0.84, 0.05)),
    },
}
TABLE3 = {(probe, objective, column): mean for probe, rows in _TABLE3.items()
          for objective, cells in rows.items() for column, (mean, _) in zip(TABLE3_COLUMNS, cells)}
TABLE3_SD = {(probe, objective, column): sd for probe, rows in _TABLE3.items()
             for objective, cells in rows.items() for column, (_, sd) in zip(TABLE3_COLUMNS, cells)}

# LaMbDA-short Table 3: Table 3 averaged over the six columns, (linear, nonlinear).
TABLE3_AVERAGES = {"LaMbDA": (0.807, 0.827), "SimCLR": (0.775, 0.750), "MSE": (0.742, 0.767),
                   "Barlow": (0.620, 0.665), "VICReg": (0.617, 0.663)}

# LaMbDA-long Table 4 (angles-moments, MSE means; LaMbDA-short Table 4 has the first two rows):
# (pair, direction, "mse") -> {variant: value}.
TABLE4 = {
    ("angles-moments", d, "mse"): dict(zip(("w/o contrastive", "w/o covariance", "w/o energy", "LaMbDA"), v))
    for d, v in (("X|Y", (0.18, 0.17, 0.17, 0.14)), ("Y|X", (0.08, 0.07, 0.07, 0.07)))
}

# LaMbDA-long Table 5 (appendix A.5): MSE means of one shared encoder vs LaMbDA's two encoders,
# ((X|Y shared, X|Y LaMbDA), (Y|X shared, Y|X LaMbDA)) per pair.
TABLE5 = {
    (pair, d, "mse"): {"shared encoder": shared, "LaMbDA": ours}
    for pair, rows in {"angles-moments": ((0.98, 0.14), (1.02, 0.07)), "moments-GRF": ((1.00, 0.07), (1.13, 0.03)),
                       "angles-GRF": ((0.95, 0.19), (1.14, 0.06))}.items()
    for d, (shared, ours) in zip(_DIRECTIONS, rows)
}
