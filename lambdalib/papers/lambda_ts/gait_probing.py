"""LaMbDA-long Table 3 on gait: task probes of five alignment objectives, the table and the ranking.

The probes themselves run inside each training run
(:func:`lambdalib.papers.lambda_ts.gait_runs.task_probes`: frozen, time-pooled latents at t = 0
-> scikit-learn probe), so they are computed in parallel and kept in the run cache; this module
turns our per-fold accuracies (:func:`lambdalib.papers.lambda_ts.gait_runs.probes_frame`) into
the table and the per-column ranking beside the paper's
(:data:`lambdalib.papers.lambda_ts.paper_values.TABLE3`). The claims are
:func:`lambdalib.papers.lambda_ts.claims.table3_claims`.
"""

from __future__ import annotations

from contextlib import redirect_stderr

import pandas as pd

from lambdalib.book.claims import mean_sd_text
from lambdalib.core.probes import pool_latents, probe_accuracy
from lambdalib.core.progress import terminal
from lambdalib.papers.lambda_ts.gait import PAIRS, gait_sizes, held_out_subjects
from lambdalib.papers.lambda_ts.paper_values import TABLE3, TABLE3_COLUMNS

__all__ = ["OBJECTIVES", "COLUMNS", "probe_subjects", "column_of", "table3", "ranking", "raw_probe_table"]

# The five objectives of Table 3, as variants of lambdalib.papers.lambda_ts.gait_runs.VARIANTS.
OBJECTIVES = ("LaMbDA", "SimCLR", "MSE", "Barlow", "VICReg")
COLUMNS = TABLE3_COLUMNS  # "<pair> X|Y" and "<pair> Y|X" for the pairs of PAIRS, in the paper's order


def probe_subjects(profile: str, source: str = "simulated", n_folds: int | None = None) -> list[str]:
    """The held-out subjects of the probing chapter: the first ``n_folds`` (default the profile's
    ``n_probe_folds``) of :func:`lambdalib.papers.lambda_ts.gait.held_out_subjects`' order, so every
    fold is also a fold of the other gait chapters when ``n_folds`` is at most theirs."""
    return held_out_subjects(profile, source, n=gait_sizes(profile).n_probe_folds if n_folds is None else n_folds)


def column_of(probes: pd.DataFrame) -> pd.Series:
    """The Table 3 column of each row of a probe table: "<pair> X|Y" or "<pair> Y|X"."""
    return probes["pair"] + " " + probes["model"].str.slice(0, 3)


def table3(probes: pd.DataFrame, probe: str) -> pd.DataFrame:
    """Rows = objectives, columns = Table 3 columns: "ours (paper)" with ours the mean ± sd over folds."""
    p = probes[probes.probe == probe].assign(column=column_of)
    cells = p.groupby(["variant", "column"])["accuracy"].apply(lambda a: mean_sd_text(a, 2))
    return pd.DataFrame({c: [f"{cells.loc[(o, c)]} ({TABLE3[(probe, o, c)]:.2f})" for o in OBJECTIVES]
                         for c in COLUMNS}, index=list(OBJECTIVES))


def ranking(probes: pd.DataFrame, probe: str) -> pd.DataFrame:
    """Rank (1 = best) of each objective's mean accuracy per column, ours and the paper's."""
    p = probes[probes.probe == probe].assign(column=column_of)
    ours = p.groupby(["column", "variant"])["accuracy"].mean().unstack("column")[list(COLUMNS)]
    paper = pd.DataFrame({c: [TABLE3[(probe, o, c)] for o in OBJECTIVES] for c in COLUMNS}, index=list(OBJECTIVES))
    return pd.concat({"ours": ours.loc[list(OBJECTIVES)].rank(ascending=False, method="min"),
                      "paper": paper.rank(ascending=False, method="min")}).astype(int)


def raw_probe_table(folds: dict, *, kinds=("linear", "mlp"), seed: int = 0) -> pd.DataFrame:
    """The reference floor: the same probes on the raw input windows (each channel's time mean
    and sd, as the latents are pooled), per modality and fold. ``folds`` maps ``(pair, held_out)``
    to a :class:`~lambdalib.papers.lambda_ts.gait.GaitFold`. scikit-learn's convergence warnings
    (the probes stop at 200 L-BFGS iterations) go to the terminal, not into a notebook
    (:func:`lambdalib.core.progress.terminal`)."""
    rows = []
    with redirect_stderr(terminal()):
        for (pair, held_out), fold in folds.items():
            for modality, train, test in zip(PAIRS[pair], (fold.x_train, fold.y_train), (fold.x_test, fold.y_test)):
                for kind in kinds:
                    acc = probe_accuracy(pool_latents(train, stats="mean_std"), fold.labels_train["task"],
                                         pool_latents(test, stats="mean_std"), fold.labels_test["task"],
                                         kind=kind, seed=seed)
                    rows.append({"pair": pair, "modality": modality, "held_out": held_out, "probe": kind,
                                 "accuracy": acc})
    return pd.DataFrame(rows)
