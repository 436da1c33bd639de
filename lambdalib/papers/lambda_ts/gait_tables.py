"""LaMbDA on gait, the tables and figure data read off the cached runs (LaMbDA-long Tables 1, 4, 5; Figure 2).

Every function takes the runs of :func:`lambdalib.papers.lambda_ts.gait_runs.run_gait` (one row
per run) or their :func:`~lambdalib.papers.lambda_ts.gait_runs.metrics_frame`; the paper's
numbers come from :mod:`lambdalib.papers.lambda_ts.paper_values`.
"""

from __future__ import annotations

import pandas as pd

from lambdalib.book.claims import mean_sd_text
from lambdalib.core.metrics import plateau_ratio
from lambdalib.papers.lambda_ts.baselines import baseline_table
from lambdalib.papers.lambda_ts.gait import MODALITIES, PAIRS, UNITS, make_fold

__all__ = ["METRICS", "FIGURE2", "paper_vs_ours", "plateaus", "convergence_table", "histories",
           "collapse_summary", "trained_alignment", "predictive_convergence", "baseline_comparison", "generated_signals"]

METRICS = {"mse": "MSE", "fd": "FD", "pred": "predictive score"}
# One signal per modality for the Figure 2-style panels: name -> (pair, direction, channel).
FIGURE2 = {"knee angle": ("angles-moments", "X|Y", 1), "ankle moment": ("angles-moments", "Y|X", 2),
           "vertical GRF": ("moments-GRF", "Y|X", 1)}


def paper_vs_ours(frame: pd.DataFrame, paper: dict, metric: str, variants) -> pd.DataFrame:
    """Table of one metric: rows (pair, direction) of ``paper`` (a table of
    :mod:`~lambdalib.papers.lambda_ts.paper_values`), per variant the paper's value and ours as
    "mean ± sd over folds" (``frame`` from :func:`~lambdalib.papers.lambda_ts.gait_runs.metrics_frame`).
    For ``metric="fd"`` a last column gives our real-vs-real floor on the same held-out windows
    (the paper reports none): what a perfect generator would score at this sample size."""
    rows = {}
    for (pair, direction, m), values in paper.items():
        if m != metric:
            continue
        row = {}
        for variant in variants:
            ours = frame.query("pair == @pair and direction == @direction and variant == @variant")[metric]
            row[(variant, "paper")] = values.get(variant, float("nan"))
            row[(variant, "ours")] = mean_sd_text(ours) or "—"
        if metric == "fd":
            floor = frame.query("pair == @pair and direction == @direction").groupby("held_out")["fd_floor"].first()
            row[("real vs real", "ours")] = mean_sd_text(floor) or "—"
        rows[(pair, direction)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return table


def plateaus(runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with each run's convergence ratios of both denoising losses,
    ``plateau_x`` and ``plateau_y`` (:func:`lambdalib.core.metrics.plateau_ratio`; 1.0 = flat)."""
    return runs.assign(plateau_x=[plateau_ratio(h, "den_x") for h in runs["history"]],
                       plateau_y=[plateau_ratio(h, "den_y") for h in runs["history"]])


def convergence_table(runs: pd.DataFrame, by) -> pd.DataFrame:
    """Mean :func:`plateaus` and training seconds per group ``by`` (e.g. ``["pair", "variant"]``)."""
    return plateaus(runs).groupby(by)[["plateau_x", "plateau_y", "train_seconds"]].mean()


def histories(runs: pd.DataFrame, variants) -> dict[str, list[pd.DataFrame]]:
    """The per-step loss histories of the runs of each of ``variants``: ``{variant: [history, ...]}``."""
    return {v: list(runs[runs.variant == v]["history"]) for v in variants}


def collapse_summary(collapse: pd.DataFrame, variants=("w/o align", "LaMbDA")) -> pd.DataFrame:
    """Mean over folds (and seeds) of the collapse measures of ``collapse`` (from
    :func:`~lambdalib.papers.lambda_ts.gait_runs.collapse_frame`): rows (pair, model, t), columns
    (measure, variant), for ``variants``."""
    return collapse[collapse.variant.isin(variants)].pivot_table(
        index=["pair", "model", "t"], columns="variant", values=["within-window share", "probe R2"], aggfunc="mean")


def trained_alignment(runs: pd.DataFrame, fraction: float = 0.1) -> dict[tuple[str, str], float]:
    """The alignment losses the trained runs reached, keyed as
    :func:`~lambdalib.papers.lambda_ts.shortcut.shortcut_table` takes them: mean over runs of the
    last ``fraction`` of steps of LaMbDA's L_con and L_cov and of each Table 3 baseline's loss
    (all runs draw one t per minibatch)."""
    columns = {"L_con": ("LaMbDA", "con"), "L_cov": ("LaMbDA", "cov"), "simclr": ("SimCLR", "align"),
               "barlow": ("Barlow", "align"), "vicreg": ("VICReg", "align"), "mse": ("MSE", "align")}
    out = {}
    for objective, (variant, column) in columns.items():
        tails = [h[column].iloc[-max(1, int(len(h) * fraction)):].mean() for h in runs[runs.variant == variant]["history"]]
        if tails:
            out[(objective, "per_batch")] = float(pd.Series(tails).mean())
    return out


def predictive_convergence(frame: pd.DataFrame) -> pd.DataFrame:
    """How the predictive score's forecaster trained, per variant: mean, min and max of its steps
    and of its last chunk ratio (1.0 = flat) over the runs and directions of ``frame``."""
    return frame.groupby("variant")[["pred_steps", "pred_plateau"]].agg(["mean", "min", "max"])


def baseline_comparison(runs: pd.DataFrame, frame: pd.DataFrame, held_out: str, seed: int, *,
                        source: str = "simulated") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The trivial predictors (:func:`lambdalib.papers.lambda_ts.baselines.baseline_table`) and
    the variants of ``frame`` on the windows of ``held_out`` that the runs scored, seed ``seed``:
    ``(baselines, ours)``, rows = predictor or variant, columns = (pair, direction), MSE."""
    rows = []
    for pair in PAIRS:
        run = runs[(runs.pair == pair) & (runs.held_out == held_out)].iloc[0]
        fold = make_fold(pair, held_out, run["profile"], source=source)
        rows.append(baseline_table(fold, run["eval_idx"]).assign(pair=pair))
    base = pd.concat(rows).pivot_table(index="predictor", columns=["pair", "direction"], values="mse")
    ours = frame[(frame.held_out == held_out) & (frame.seed == seed)].pivot_table(
        index="variant", columns=["pair", "direction"], values="mse")
    return base, ours


def generated_signals(runs: pd.DataFrame, held_out: str, variants, signals: dict = FIGURE2, *,
                      source: str = "simulated", data_seed: int = 0):
    """Real and generated windows of ``held_out``'s scored windows in data units, for
    :func:`lambdalib.papers.lambda_ts.figures.plot_cycles`: ``(real {name: (b, L)}, generated {variant: {name:
    (b, L)}}, units {name: unit}, mse {variant: {name: (b,)}})``."""
    real, generated, units, errors = {}, {v: {} for v in variants}, {}, {v: {} for v in variants}
    for name, (pair, direction, k) in signals.items():
        run0 = runs[(runs.pair == pair) & (runs.held_out == held_out)].iloc[0]
        fold = make_fold(pair, held_out, run0["profile"], source=source, data_seed=data_seed)
        x_name, y_name = PAIRS[pair]
        c = k if direction == "X|Y" else len(MODALITIES[x_name]) + k           # channel in (X, Y)
        target = fold.x_test if direction == "X|Y" else fold.y_test
        scale = lambda z: z * fold.std[c] + fold.mean[c]                          # noqa: E731
        real[name] = scale(target[run0["eval_idx"], :, k])
        units[name] = UNITS[x_name if direction == "X|Y" else y_name]
        for v in variants:
            run = runs[(runs.pair == pair) & (runs.held_out == held_out) & (runs.variant == v)].iloc[0]
            generated[v][name] = scale(run["samples"][direction][:, :, k])
            errors[v][name] = ((run["samples"][direction] - target[run["eval_idx"]]) ** 2).mean(axis=(1, 2))
    return real, generated, units, errors
