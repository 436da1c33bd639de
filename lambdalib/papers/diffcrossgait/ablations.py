"""The chapters' runs compared: every comparison here is an ablation of the full schedule (Base
is Full without the branch, DiffCrossGait Tab. 6; shared against independent noise and denoisers,
Tab. 5 / 7; one guessed choice changed, Tab. 8), made on the cross-modal rank-1 of the test
identities.

``results`` is always a list of :func:`lambdalib.papers.diffcrossgait.train.run_variant` dicts.
"""

from __future__ import annotations

import math

import pandas as pd

from lambdalib.book.claims import mean_sd_text
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.metrics import plateau_ratio
from lambdalib.papers.diffcrossgait import paper_values
from lambdalib.papers.diffcrossgait.branch import SENSITIVITY, VARIANTS, DiffConfig, phase_bounds

__all__ = ["CROSS_MODAL", "metrics_frame", "cross_modal", "summary_table", "condition_table", "paired_differences",
           "sensitivity_table", "convergence_table", "trajectory_values", "trajectory_ends", "guessed_choices"]

CROSS_MODAL = ("2d->3d", "3d->2d")  # the two retrieval directions across sensors


def _variants(results: list[dict]) -> list[str]:
    """The variants of ``results`` in the order they first appear."""
    return list(dict.fromkeys(r["variant"] for r in results))


def metrics_frame(results: list[dict]) -> pd.DataFrame:
    """Every run's retrieval table stacked, with ``variant`` and ``seed`` columns."""
    return pd.concat([r["metrics"].assign(variant=r["variant"], seed=r["seed"]) for r in results], ignore_index=True)


def cross_modal(results: list[dict], variant: str, rank: str = "rank1") -> pd.Series:
    """Per-seed mean of the 2D->3D and 3D->2D ``rank`` (%, all probes) of ``variant``, by seed."""
    m = metrics_frame(results)
    m = m[(m.variant == variant) & (m.condition == "all") & m.direction.isin(CROSS_MODAL)]
    return m.groupby("seed")[rank].mean()


def summary_table(results: list[dict]) -> pd.DataFrame:
    """Mean ± sd over seeds (:func:`lambdalib.book.claims.mean_sd_text`) of rank-1 / rank-5 per
    direction and of the cross-modal mean, one row per variant, with its number of seeds."""
    m = metrics_frame(results)
    m = m[m.condition == "all"]
    cm = m[m.direction.isin(CROSS_MODAL)].groupby(["variant", "seed"])[["rank1", "rank5"]].mean()
    m = pd.concat([m, cm.reset_index().assign(direction="cross-modal mean")])
    out = m.groupby(["variant", "direction"])[["rank1", "rank5"]].agg(mean_sd_text).unstack("direction")
    order = _variants(results)
    out = out.reindex(order)
    out.columns = [f"{d} {r}" for r, d in out.columns]
    cols = [f"{d} {r}" for d in (*CROSS_MODAL, "cross-modal mean", "2d->2d", "3d->3d") for r in ("rank1", "rank5")]
    n = pd.Series({v: sum(r["variant"] == v for r in results) for v in order}, name="seeds")
    return pd.concat([n, out[cols]], axis=1)


def condition_table(results: list[dict], variants: tuple[str, ...]) -> pd.DataFrame:
    """Cross-modal rank-1 (%, mean over seeds) per (direction, probe condition), one column per variant."""
    m = metrics_frame(results)
    m = m[m.direction.isin(CROSS_MODAL) & m.variant.isin(variants)]
    return m.pivot_table(index=["direction", "condition"], columns="variant", values="rank1", aggfunc="mean")


def paired_differences(results: list[dict], pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Per seed that every named variant ran: the cross-modal rank-1 (%) of each variant of
    ``pairs`` (in the order of ``results``) and, per ``(treatment, baseline)`` pair, the paired
    difference ``treatment - baseline``; then a mean and an sd row."""
    names = [v for v in _variants(results) if any(v in pair for pair in pairs)]
    cm = pd.DataFrame({v: cross_modal(results, v) for v in names}).dropna()
    for treatment, baseline in pairs:
        cm[f"{treatment} - {baseline}"] = cm[treatment] - cm[baseline]
    cm.index = cm.index.astype(str)
    return pd.concat([cm, cm.agg(["mean", "std"]).rename(index={"std": "sd"})])


def sensitivity_table(results: list[dict], reference: str = "full") -> pd.DataFrame:
    """One row per sensitivity run (a name of :data:`~lambdalib.papers.diffcrossgait.branch.SENSITIVITY`):
    its seed, cross-modal rank-1 (%), ``reference``'s rank-1 on the same seed, the difference, and
    the difference in units of ``sqrt(2)`` x ``reference``'s seed-to-seed sd (the sd of a difference
    of two runs if a run's rank-1 varies over seeds as the reference's does). Empty if none ran."""
    columns = ["seed", "rank1", f"{reference} rank1", "difference", "difference / (sqrt2 sd)"]
    names = [v for v in _variants(results) if v in SENSITIVITY]
    if not names:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="setting"))
    ref = cross_modal(results, reference)
    rows = []
    for name in names:
        for seed, value in cross_modal(results, name).items():
            rows.append({"setting": name, "seed": seed, "rank1": value, f"{reference} rank1": ref[seed],
                         "difference": value - ref[seed]})
    out = pd.DataFrame(rows).set_index("setting")
    out["difference / (sqrt2 sd)"] = out["difference"] / (math.sqrt(2) * ref.std())
    return out


def convergence_table(results: list[dict]) -> pd.DataFrame:
    """One row per run: the cross-entropy's plateau ratio (:func:`lambdalib.core.metrics.plateau_ratio`,
    last 10% of steps over the 10% before; 1 = flat), its mean over the last 10% of steps, and the
    run's training wall time, CPU time and median step time (s)."""
    return pd.DataFrame([{"variant": r["variant"], "seed": r["seed"],
                          "CE plateau ratio": plateau_ratio(r["history"], "ce"),
                          "final CE": r["history"].ce.iloc[-max(1, len(r["history"]) // 10):].mean(),
                          "train wall (s)": r["train_sec"], "train CPU (s)": r["train_cpu_sec"],
                          "median step (s)": r["step_sec"]} for r in results])


def trajectory_values(results: list[dict], variant: str, column: str, where: int) -> pd.Series:
    """Per seed, ``column`` of ``variant``'s trajectory diagnostic at its smallest (``where=0``) or
    largest (``where=-1``) diagnosed ``t``."""
    return pd.Series({r["seed"]: float(r["trajectory"][column].iloc[where]) for r in results
                      if r["variant"] == variant and "trajectory" in r}, dtype=float)


def trajectory_ends(results: list[dict]) -> pd.DataFrame:
    """Per diagnosed variant (index), mean over seeds of the 2D-3D gap of ``x0_hat`` at the smallest
    (``gap_start``) and the largest ``t`` (``gap_end``), and the rank-1 on ``x0_hat`` at the
    smallest ``t`` (``x0_rank1``)."""
    names = [v for v in _variants(results) if any(r["variant"] == v and "trajectory" in r for r in results)]
    return pd.DataFrame({v: {"gap_start": trajectory_values(results, v, "gap", 0).mean(),
                             "gap_end": trajectory_values(results, v, "gap", -1).mean(),
                             "x0_rank1": trajectory_values(results, v, "rank1_x0", 0).mean()} for v in names}).T


def guessed_choices(config: DiffConfig = VARIANTS["full"]) -> pd.DataFrame:
    """The choices our copy of the paper does not fix, with ``config``'s values, the reason for
    each, and the :data:`~lambdalib.papers.diffcrossgait.branch.SENSITIVITY` settings that change it."""
    t1, t2 = phase_bounds(GaussianDiffusion(config.timesteps, config.schedule), config.gamma1, config.gamma2)
    tried = lambda field: " / ".join(n for n, c in SENSITIVITY.items() if getattr(c, field) != getattr(config, field))
    row = lambda field: " / ".join(f"{v:g}" for v in paper_values.SENSITIVITY_SETTINGS[field])
    return pd.DataFrame({
        "ours": [f"{config.timesteps}", f"{config.gamma1} (phase 1: t < {t1})",
                 f"{config.gamma2} (phase 2: {t1} <= t < {t2}, phase 3: t >= {t2})",
                 f"{config.lambda_gen}, every term inside the branch 1", "min(SNR_t, 1)", config.schedule],
        "why": [f"the middle value of the paper's diffusion-length row ({row('timesteps')}, DiffCrossGait Tab. 8)",
                f"the middle value of the paper's row {row('gamma1')} (DiffCrossGait Tab. 8)",
                f"the middle value of the paper's row {row('gamma2')} (DiffCrossGait Tab. 8)",
                "the paper's weights did not survive in our copy",
                "DiffCrossGait eq. 13 divides by sqrt(abar_t) ~ 0.007 at t = T-1: unweighted phase-3 errors "
                "are 10^4x the rest",
                "lambdalib's default (DDPM); the paper does not name one"],
        "sensitivity runs": [tried("timesteps"), tried("gamma1"), tried("gamma2"), tried("lambda_gen"), "", ""]},
        index=["T", "gamma1", "gamma2", "loss weights (lambda_gen)", "reconstruction weight", "schedule"])
