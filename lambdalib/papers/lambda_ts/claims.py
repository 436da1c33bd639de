"""The claims of the LaMbDA chapters; the paper's numbers come from
:mod:`lambdalib.papers.lambda_ts.paper_values`.

Per paper table a chapter re-runs, one headline claim (:func:`lambdalib.book.headline.table_claim`:
the share of the table's cells going the paper's way, per replication unit, against 1/2), then
one claim per cell: "lower" where the paper's treatment is lower, a tie within
:data:`TIE_MARGIN` of the baseline (:func:`~lambdalib.book.headline.equivalence`) where the paper
prints the same number for both. Units: seeds for the synthetic systems, held-out subjects for
gait (values of one subject, e.g. several seeds or the X|Y and Y|X models, are averaged first).

- :func:`table2_claims`    LaMbDA-long Table 2: alignment lowers the test MSE (Lorenz, pendulum)
- :func:`sampler_claims`   DDIM at T/20 steps within 5% of DDPM's MSE (the book's own target: a check)
- :func:`variant_claims`   LaMbDA-long Tables 1, 4, 5: a variant against another (gait)
- :func:`table3_claims`    LaMbDA-long Table 3 and LaMbDA-short Table 3: task probes of five objectives
- :func:`geometry_claims`  LaMbDA-long Figure 3: alignment raises latent correlation and probe accuracy
- :func:`norm_claims`      the simulated gait data within able-bodied ranges (checks of our simulator)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.book.headline import cell_claims, table_claim
from lambdalib.papers.lambda_ts.gait_probing import COLUMNS, OBJECTIVES, column_of
from lambdalib.papers.lambda_ts.gait_tables import METRICS
from lambdalib.papers.lambda_ts.latent_geometry import run_correlations
from lambdalib.papers.lambda_ts.paper_values import TABLE2, TABLE3, TABLE3_AVERAGES

__all__ = ["TIE_MARGIN", "SEED", "SUBJECT", "table2_claims", "sampler_claims", "variant_claims", "table3_claims",
           "geometry_claims", "norm_claims"]

TIE_MARGIN = 0.10            # a tie in the paper holds when our relative difference is within +-10%
SEED, SUBJECT = "seed", "held-out subject"  # the replication units


def _direction(paper_baseline: float, paper_treatment: float) -> str:
    """The paper's direction for one cell: "lower", "higher", or "equal" (a tie)."""
    if paper_treatment == paper_baseline:
        return "equal"
    return "lower" if paper_treatment < paper_baseline else "higher"


def table2_claims(chapter: str, frame: pd.DataFrame, labels: dict[str, str]) -> list[Claim]:
    """LaMbDA-long Table 2 for the systems of ``labels`` (system -> label) in a
    :func:`~lambdalib.papers.lambda_ts.synthetic.results_frame`: the headline, then per (system,
    direction) "LaMbDA lowers the test MSE" (or a tie, as the paper reports for the non-chaotic
    pendulum's X|Y), paired over seeds."""
    rows = []
    for (system, direction), cell in frame[frame.system.isin(list(labels))].groupby(["system", "direction"],
                                                                                      sort=False):
        by_variant = cell.pivot(index="seed", columns="variant", values="mse")
        pb, pt = TABLE2[(system, direction)]
        rows.append(pd.DataFrame({"cell": f"{labels[system]} {direction}", "unit": by_variant.index,
                                  "baseline": by_variant["w/o align"], "treatment": by_variant["LaMbDA"],
                                  "direction": _direction(pb, pt), "paper_baseline": pb, "paper_treatment": pt}))
    cells = pd.concat(rows, ignore_index=True)
    source = "LaMbDA-long Table 2"
    head = table_claim(chapter, f"Table 2 ({', '.join(labels.values())}): LaMbDA lowers the test MSE", cells,
                       source=source, unit=SEED, margin=TIE_MARGIN)
    return [head, *cell_claims(chapter, cells, what="LaMbDA {dir} test MSE vs w/o align", source=source,
                               unit=SEED, margin=TIE_MARGIN)]


def sampler_claims(chapter: str, comparison: pd.DataFrame, fraction: int = 20) -> list[Claim]:
    """The foundation's accuracy target for DDIM at T/``fraction`` steps, a check of our sampler
    (the paper makes no such claim): an MSE within 5% of the full DDPM chain (ratio <= 1.05), per
    seed (averaged over variants and directions) of a
    :func:`~lambdalib.papers.lambda_ts.synthetic.sampler_table`.

    The speed target (>= 15x faster) is reported by
    :func:`~lambdalib.papers.lambda_ts.synthetic.ddim_summary` and the benchmarks, not as a claim:
    wall times change from run to run, and a claims table must not.
    """
    key = ["seed", "variant", "direction"]
    ddpm = comparison[comparison.sampler == "DDPM"].set_index(key)
    steps = ddpm["steps"].iloc[0] // fraction
    ddim = comparison[(comparison.sampler == "DDIM") & (comparison.steps == steps)].set_index(key).loc[ddpm.index]
    return [threshold(chapter, f"DDIM at T/{fraction} steps: MSE / DDPM MSE <= 1.05",
                      (ddim["mse"] / ddpm["mse"]).to_numpy(), reference=1.05, direction="lower",
                      paper_text="target <= 1.05", units=ddpm.index.get_level_values("seed"), kind="check",
                      source="the book's sampler target", unit=SEED)]


def _variant_cells(frame: pd.DataFrame, paper: dict, baseline: str, treatment: str) -> pd.DataFrame:
    """Tidy cells of ``paper`` (a gait table) holding both variants, one row per (held-out, seed)
    run of ``frame``; each cell names its baseline (Tables 1 and 5 share their cells' pairs)."""
    rows = []
    for (pair, direction, metric), values in paper.items():
        if baseline not in values or treatment not in values:
            continue
        wide = frame.query("pair == @pair and direction == @direction").pivot(
            index=["held_out", "seed"], columns="variant", values=metric)
        pb, pt = values[baseline], values[treatment]
        name = f"{pair} {direction}, {METRICS[metric]}, vs {baseline}"
        rows.append(pd.DataFrame({"cell": name, "unit": wide.index.get_level_values("held_out"),
                                  "baseline": wide[baseline].to_numpy(), "treatment": wide[treatment].to_numpy(),
                                  "direction": _direction(pb, pt), "paper_baseline": pb, "paper_treatment": pt}))
    return pd.concat(rows, ignore_index=True)


def variant_claims(chapter: str, frame: pd.DataFrame, paper: dict, *, baselines: tuple[str, ...], treatment: str,
                   table: str, title: str) -> list[Claim]:
    """A gait table of :mod:`~lambdalib.papers.lambda_ts.paper_values` (``table``: "Table 1", ...):
    its headline ``title`` pooled over every cell holding ``treatment`` and one of ``baselines``,
    then one claim per cell, paired over the (held-out subject, seed) runs of ``frame``
    (:func:`~lambdalib.papers.lambda_ts.gait_runs.metrics_frame`), averaged within subjects."""
    cells = pd.concat([_variant_cells(frame, paper, b, treatment) for b in baselines],
                      ignore_index=True)
    source = f"LaMbDA-long {table}"
    head = table_claim(chapter, f"{table}: {title}", cells, source=source, unit=SUBJECT, margin=TIE_MARGIN)
    return [head, *cell_claims(chapter, cells, what=f"{treatment} {{dir}} it", source=source, unit=SUBJECT,
                               margin=TIE_MARGIN)]


def _probe_cells(probes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy cells of LaMbDA-long Table 3 (probe, column, other objective: the paper's order of
    LaMbDA and that objective) and of LaMbDA-short Table 3 (probe, other: the six-column average)."""
    long, short = [], []
    for probe, name in (("linear", "linear"), ("mlp", "nonlinear")):
        p = probes[probes.probe == probe].assign(column=column_of)
        wide = p.pivot_table(index=["column", "held_out", "seed"], columns="variant", values="accuracy")
        avg = p.groupby(["variant", "held_out", "seed"])["accuracy"].mean().unstack("variant")
        k = 0 if probe == "linear" else 1
        for other in OBJECTIVES[1:]:
            for column in COLUMNS:
                pb, pt = TABLE3[(probe, other, column)], TABLE3[(probe, "LaMbDA", column)]
                w = wide.loc[column]
                long.append(pd.DataFrame({"cell": f"{name} probe, {column}: LaMbDA vs {other}",
                                          "unit": w.index.get_level_values("held_out"), "baseline": w[other],
                                          "treatment": w["LaMbDA"], "direction": _direction(pb, pt),
                                          "paper_baseline": pb, "paper_treatment": pt}))
            pb, pt = TABLE3_AVERAGES[other][k], TABLE3_AVERAGES["LaMbDA"][k]
            short.append(pd.DataFrame({"cell": f"{name} probe, average of 6 columns: LaMbDA vs {other}",
                                       "unit": avg.index.get_level_values("held_out"), "baseline": avg[other],
                                       "treatment": avg["LaMbDA"], "direction": _direction(pb, pt),
                                       "paper_baseline": pb, "paper_treatment": pt}))
    return pd.concat(long, ignore_index=True), pd.concat(short, ignore_index=True)


def table3_claims(chapter: str, probes: pd.DataFrame) -> list[Claim]:
    """LaMbDA-long Table 3: headline over its 48 (probe, column, other objective) cells, each
    LaMbDA against one objective in the paper's order (a tie in the paper: within the margin);
    per probe and column, "LaMbDA is best or second best" (LaMbDA's accuracy minus the second
    highest of the four others, claimed > 0). LaMbDA-short Table 3: headline over its 8 (probe,
    other) six-column averages, and one claim each. Units: held-out subjects."""
    long, short = _probe_cells(probes)
    out = [table_claim(chapter, "Table 3 (long): LaMbDA against each objective, in the paper's order", long,
                       source="LaMbDA-long Table 3", unit=SUBJECT, margin=TIE_MARGIN),
           table_claim(chapter, "Table 3 (short): LaMbDA's six-column average above each objective's", short,
                       source="LaMbDA-short Table 3", unit=SUBJECT)]
    for probe, name in (("linear", "linear"), ("mlp", "nonlinear")):
        p = probes[probes.probe == probe].assign(column=column_of)
        wide = p.pivot_table(index=["column", "held_out", "seed"], columns="variant", values="accuracy")
        others = wide[[o for o in OBJECTIVES if o != "LaMbDA"]].to_numpy()
        margin = pd.Series(wide["LaMbDA"].to_numpy() - np.sort(others, axis=1)[:, -2], index=wide.index)
        for column in COLUMNS:
            paper = {o: TABLE3[(probe, o, column)] for o in OBJECTIVES}
            paper_margin = paper["LaMbDA"] - sorted(v for o, v in paper.items() if o != "LaMbDA")[-2]
            m = margin.loc[column]
            out.append(threshold(chapter, f"{name} probe, {column}: LaMbDA best or second (margin over 2nd other)",
                                 m.to_numpy(), reference=0.0, direction="higher", paper=paper_margin,
                                 units=m.index.get_level_values("held_out"), kind="paper",
                                 source="LaMbDA-long Table 3", unit=SUBJECT))
    return out + cell_claims(chapter, short, what="LaMbDA {dir} accuracy", source="LaMbDA-short Table 3",
                             unit=SUBJECT)


def geometry_claims(chapter: str, corr: pd.DataFrame, probes: pd.DataFrame) -> list[Claim]:
    """LaMbDA-long Figure 3 (right), which gives no numbers: alignment raises the matched-coordinate
    correlation of the two latents (per pair: the mean over the diffusion steps of ``corr``, a
    :func:`~lambdalib.papers.lambda_ts.latent_geometry.correlation_table`) and the linear-probe
    task accuracy (per pair and model: ``probes``, linear rows of
    :func:`~lambdalib.papers.lambda_ts.gait_runs.probes_frame`). Headline over those cells, then
    one claim per quantity; the unit is the held-out subject (pairs, models and seeds of one
    subject share its data and are averaged first, so n is the number of folds)."""
    def tidy(frame, value, cell):
        wide = frame.pivot_table(index=[*cell, "held_out", "seed"], columns="variant", values=value).reset_index()
        return pd.DataFrame({"cell": wide[cell].astype(str).agg(" ".join, axis=1), "unit": wide["held_out"],
                             "baseline": wide["w/o align"], "treatment": wide["LaMbDA"], "direction": "higher"})

    corr_cells = tidy(run_correlations(corr), "matched", ["pair"]).assign(cell=lambda f: "correlation, " + f.cell)
    probe_cells = tidy(probes, "accuracy", ["pair", "model"]).assign(cell=lambda f: "linear probe, " + f.cell)
    source = "LaMbDA-long Figure 3"
    head = table_claim(chapter, "Figure 3: alignment raises latent correlation and probe accuracy",
                       pd.concat([corr_cells, probe_cells], ignore_index=True), source=source, unit=SUBJECT)
    fields = dict(direction="higher", kind="paper", source=source, unit=SUBJECT)
    return [head,
            compare(chapter, "alignment raises matched cross-modal latent correlation (mean over t)",
                    corr_cells["baseline"], corr_cells["treatment"], units=corr_cells["unit"], **fields),
            compare(chapter, "alignment raises linear-probe task accuracy", probe_cells["baseline"],
                    probe_cells["treatment"], units=probe_cells["unit"], **fields)]


def norm_claims(chapter: str, summary: pd.DataFrame, norms: dict) -> list[Claim]:
    """Checks of the simulator, one per quantity of ``norms`` (column -> (low, high, source), e.g.
    :data:`lambdalib.data.gait.GAIT_NORMS`): every simulated subject's value (rows of ``summary``)
    lies inside the published range, written as its distance from the range's centre being below
    the half-width. Deterministic given the seed: every subject is compared, no interval."""
    out = []
    for column, (low, high, source) in norms.items():
        centre, half = (low + high) / 2, (high - low) / 2
        out.append(threshold(chapter, f"{column} within {low:g}-{high:g}: |x - {centre:g}| (simulated)",
                             np.abs(summary[column].to_numpy() - centre), reference=half, direction="lower",
                             paper_text=f"< {half:g} ({source})", kind="check", exact=True,
                             source="simulator against published ranges", unit="simulated subject"))
    return out
