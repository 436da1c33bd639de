"""LaMbDA Table 3 on gait: task probes of five alignment objectives, rankings and claims.

The probes themselves run inside each training run (:func:`lambdalib.papers.lambda_ts.gait.task_probes`:
frozen, time-pooled latents at t = 0 -> scikit-learn probe), so they are computed in parallel and
kept in the run cache; this module holds the paper's numbers and turns our per-fold accuracies
(:func:`lambdalib.papers.lambda_ts.gait.probes_frame`) into the table, the per-column ranking and the claims.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.claims import compare, threshold
from lambdalib.core.checks import check_choice
from lambdalib.core.probes import pool_latents, probe_accuracy
from lambdalib.papers.lambda_ts.gait import PAIRS, held_out_subjects

__all__ = ["OBJECTIVES", "N_FOLDS", "probe_subjects", "COLUMNS", "PAPER_TABLE3", "PAPER_AVERAGES", "column_of",
           "table3", "ranking", "raw_probe_table", "table3_claims"]

# The five objectives of Table 3, as variants of lambdalib.papers.lambda_ts.gait.VARIANTS.
OBJECTIVES = ("LaMbDA", "SimCLR", "MSE", "Barlow", "VICReg")
# Held-out subjects (folds) of the probing chapter. The paper's 10 at the paper profile; at quick
# 2, the first two of the gait chapters' 3, so that 5 objectives x 3 pairs x folds fit the
# 8-minute CPU budget from a cold run cache (3 folds: 45 trained pairs, about 11.5 minutes).
N_FOLDS = {"quick": 2, "paper": 10}
COLUMNS = tuple(f"{pair} {d}" for pair in PAIRS for d in ("X|Y", "Y|X"))
_ROWS = {  # LaMbDA (long paper) Table 3, columns in COLUMNS order
    "linear": {"Barlow": (0.70, 0.71, 0.64, 0.63, 0.53, 0.51), "SimCLR": (0.82, 0.79, 0.68, 0.78, 0.78, 0.80),
               "MSE": (0.72, 0.72, 0.62, 0.74, 0.82, 0.83), "VICReg": (0.65, 0.64, 0.66, 0.62, 0.54, 0.59),
               "LaMbDA": (0.86, 0.78, 0.80, 0.75, 0.82, 0.83)},
    "mlp": {"Barlow": (0.72, 0.73, 0.66, 0.68, 0.63, 0.57), "SimCLR": (0.83, 0.80, 0.74, 0.81, 0.64, 0.68),
            "MSE": (0.74, 0.75, 0.65, 0.76, 0.85, 0.85), "VICReg": (0.64, 0.64, 0.72, 0.66, 0.64, 0.68),
            "LaMbDA": (0.86, 0.80, 0.83, 0.78, 0.85, 0.84)},
}
PAPER_TABLE3 = {(probe, objective, column): value for probe, rows in _ROWS.items()
                for objective, values in rows.items() for column, value in zip(COLUMNS, values)}
# The short paper's Table 3: average over the six columns, (linear, nonlinear).
PAPER_AVERAGES = {"LaMbDA": (0.807, 0.827), "SimCLR": (0.775, 0.750), "MSE": (0.742, 0.767),
                  "Barlow": (0.620, 0.665), "VICReg": (0.617, 0.663)}


def probe_subjects(profile: str, source: str = "simulated", n_folds: int | None = None) -> list[str]:
    """The held-out subjects of the probing chapter: the first ``n_folds`` (default
    ``N_FOLDS[profile]``) of :func:`lambdalib.papers.lambda_ts.gait.held_out_subjects`' order, so every
    fold is also a fold of the other gait chapters when ``n_folds`` is at most theirs."""
    if n_folds is None:
        n_folds = N_FOLDS[check_choice("profile", profile, tuple(N_FOLDS))]
    return held_out_subjects(profile, source, n=n_folds)


def column_of(probes: pd.DataFrame) -> pd.Series:
    """The Table 3 column of each row of a probe table: "<pair> X|Y" or "<pair> Y|X"."""
    return probes["pair"] + " " + probes["model"].str.slice(0, 3)


def table3(probes: pd.DataFrame, probe: str) -> pd.DataFrame:
    """Rows = objectives, columns = Table 3 columns: "ours (paper)" with ours the mean ± sd over folds."""
    p = probes[probes.probe == probe].assign(column=column_of)
    stats = p.groupby(["variant", "column"])["accuracy"].agg(["mean", "std"])
    cell = lambda o, c: f"{stats.loc[(o, c), 'mean']:.2f} ± {stats.loc[(o, c), 'std']:.2f} ({PAPER_TABLE3[(probe, o, c)]:.2f})"  # noqa: E731
    return pd.DataFrame({c: [cell(o, c) for o in OBJECTIVES] for c in COLUMNS}, index=list(OBJECTIVES))


def ranking(probes: pd.DataFrame, probe: str) -> pd.DataFrame:
    """Rank (1 = best) of each objective's mean accuracy per column, ours and the paper's."""
    p = probes[probes.probe == probe].assign(column=column_of)
    ours = p.groupby(["column", "variant"])["accuracy"].mean().unstack("column")[list(COLUMNS)]
    paper = pd.DataFrame({c: [PAPER_TABLE3[(probe, o, c)] for o in OBJECTIVES] for c in COLUMNS}, index=list(OBJECTIVES))
    return pd.concat({"ours": ours.loc[list(OBJECTIVES)].rank(ascending=False, method="min"),
                      "paper": paper.rank(ascending=False, method="min")}).astype(int)


def raw_probe_table(folds: dict, *, kinds=("linear", "mlp"), seed: int = 0) -> pd.DataFrame:
    """The reference floor: the same probes on the raw input windows (each channel's time mean
    and sd, as the latents are pooled), per modality and fold. ``folds`` maps ``(pair, held_out)``
    to a :class:`~lambdalib.papers.lambda_ts.gait.GaitFold`."""
    rows = []
    for (pair, held_out), fold in folds.items():
        for modality, train, test in zip(PAIRS[pair], (fold.x_train, fold.y_train), (fold.x_test, fold.y_test)):
            for kind in kinds:
                acc = probe_accuracy(pool_latents(train, stats="mean_std"), fold.labels_train["task"],
                                     pool_latents(test, stats="mean_std"), fold.labels_test["task"], kind=kind, seed=seed)
                rows.append({"pair": pair, "modality": modality, "held_out": held_out, "probe": kind, "accuracy": acc})
    return pd.DataFrame(rows)


def table3_claims(chapter: str, probes: pd.DataFrame) -> list:
    """Per probe and column, "LaMbDA is best or second best": per fold, LaMbDA's accuracy minus
    the second-highest accuracy of the four other objectives (>= 0 means at most one beats it;
    claimed higher than 0). Then per probe, "LaMbDA's average over the six columns is higher"
    than each other objective's, paired over folds (the short paper's averages beside ours)."""
    out = []
    for probe, name in (("linear", "linear"), ("mlp", "nonlinear")):
        p = probes[probes.probe == probe].assign(column=column_of)
        wide = p.pivot_table(index=["column", "held_out", "seed"], columns="variant", values="accuracy")
        others = wide[[o for o in OBJECTIVES if o != "LaMbDA"]].to_numpy()
        margin = wide["LaMbDA"].to_numpy() - np.sort(others, axis=1)[:, -2]       # vs the second best other
        margin = pd.Series(margin, index=wide.index)
        for column in COLUMNS:
            paper = {o: PAPER_TABLE3[(probe, o, column)] for o in OBJECTIVES}
            paper_margin = paper["LaMbDA"] - sorted(v for o, v in paper.items() if o != "LaMbDA")[-2]
            out.append(threshold(chapter, f"{name} probe, {column}: LaMbDA best or second (margin over 2nd other)",
                                 margin.loc[column].to_numpy(), reference=0.0, direction="higher", paper=paper_margin))
        avg = p.groupby(["variant", "held_out", "seed"])["accuracy"].mean().unstack("variant")
        k = 0 if probe == "linear" else 1
        for other in OBJECTIVES[1:]:
            out.append(compare(chapter, f"{name} probe, average of 6 columns: LaMbDA above {other}",
                               avg[other].to_numpy(), avg["LaMbDA"].to_numpy(), direction="higher",
                               paper_baseline=PAPER_AVERAGES[other][k], paper_treatment=PAPER_AVERAGES["LaMbDA"][k]))
    return out
