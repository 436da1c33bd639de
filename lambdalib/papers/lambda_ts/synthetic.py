"""The synthetic-systems study of LaMbDA-long Table 2: runs over seeds and the tables read off them.

Shared by the Lorenz and double-pendulum chapters; each cell of Table 2 is one
:func:`~lambdalib.papers.lambda_ts.experiment.run_pair` per seed and variant, at the sizes
``get_sizes("lambda_ts.synthetic", profile)``. The claims are built in
:mod:`lambdalib.papers.lambda_ts.claims`.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from lambdalib.book.claims import mean_sd_text
from lambdalib.book.profiles import get_sizes
from lambdalib.book.sweep import default_cache_dir, expand_grid, sweep
from lambdalib.core.checks import check_choice
from lambdalib.core.metrics import mse_up_to_sign, plateau_ratio
from lambdalib.core.seed import resolve_device
from lambdalib.data.dynamics import PairedWindows, make_pair_dataset
from lambdalib.papers.lambda_ts.experiment import DIRECTIONS, PairResult, run_pair

__all__ = ["VARIANTS", "SENSITIVITY", "table2_task", "run_table2", "data_fingerprint", "variant_name", "histories",
           "main_runs", "results_frame", "up_to_sign", "sampler_table", "ddim_summary", "sensitivity_table",
           "collapse_summary", "trained_alignment"]

# The two columns of Table 2 (TrainConfig fields each sets). Both keep mutual conditioning and the
# energy terms; LaMbDA learns its weight as an uncertainty weight (AlignmentWeight "learned").
VARIANTS = {"w/o align": {"align": False}, "LaMbDA": {}}
# Sensitivity rows for the weight of LaMbDA-short eq. 6: learned as the papers write it (alpha * L
# with alpha a free parameter from 1), and fixed at 1 and at 0.1.
SENSITIVITY = {"λ as written": {"weighting": "literal", "alpha": 1.0},
               "λ = 1 (fixed)": {"weighting": "fixed", "alpha": 1.0},
               "λ = 0.1 (fixed)": {"weighting": "fixed", "alpha": 0.1}}


def table2_task(system: str, profile: str, variant: str, seed: int, device: str = "auto",
                compare_samplers: bool = False) -> dict:
    """One Table 2 run, as a :func:`~lambdalib.book.sweep.sweep` task: ``{"result": PairResult}``."""
    overrides = {**VARIANTS, **SENSITIVITY}[check_choice("variant", variant, (*VARIANTS, *SENSITIVITY))]
    result = run_pair(system, profile=get_sizes("lambda_ts.synthetic", profile), variant=variant, seed=seed,
                      device=device, progress=False, ddim_fractions=(10, 20) if compare_samplers else (),
                      **overrides)
    return {"result": result}


def run_table2(system: str, profile: str, seeds: list[int], *, device: str = "auto", compare_samplers: bool = False,
               sensitivity: bool = False, scheduler=None, cache_dir=None) -> list[PairResult]:
    """Train every (seed, variant) pair for ``system``; one :class:`PairResult` each, seed-major.
    ``sensitivity`` adds the :data:`SENSITIVITY` variants (samplers compared on Table 2's only).

    Runs go through :func:`~lambdalib.book.sweep.sweep`: ``scheduler`` None starts one single-thread
    worker process per core, ``"serial"`` runs them here one after the other, and a Dask
    ``Client`` or scheduler address runs them on that cluster; the numbers are the same in every
    case. Finished runs are kept in ``cache_dir`` (None: the book's run cache,
    :func:`~lambdalib.book.sweep.default_cache_dir`; ``False``: none) and not run again (keyed by
    the config, the data fingerprint and the lambdalib source).
    """
    cache_dir = default_cache_dir() if cache_dir is None else (cache_dir or None)
    sizes = get_sizes("lambda_ts.synthetic", profile)
    variants = [*VARIANTS, *(SENSITIVITY if sensitivity else ())]
    fixed = {"system": system, "profile": profile, "device": device}
    configs = [{**fixed, **c, "compare_samplers": compare_samplers and c["variant"] in VARIANTS}
               for c in expand_grid({"seed": list(seeds), "variant": variants})]
    fingerprint = data_fingerprint(make_pair_dataset(system, sizes)) + json.dumps(sizes.to_dict(), sort_keys=True)
    table = sweep(table2_task, configs, client=scheduler, cache_dir=cache_dir, fingerprint=fingerprint,
                  gpu=resolve_device(device).type == "cuda")
    return list(table["result"])


def data_fingerprint(data: PairedWindows) -> str:
    """A short sha256 of every array of a dataset: the run cache's data version."""
    digest = hashlib.sha256()
    for arr in (data.x_train, data.y_train, data.x_test, data.y_test):
        digest.update(arr.tobytes())
    return digest.hexdigest()[:16]


def variant_name(result: PairResult) -> str:
    """The variant a run belongs to: a key of :data:`VARIANTS` or :data:`SENSITIVITY`."""
    return result.variant


def main_runs(results: list[PairResult]) -> list[PairResult]:
    """The runs of Table 2's two columns (the sensitivity rows left out)."""
    return [r for r in results if r.variant in VARIANTS]


def histories(results: list[PairResult]) -> dict[str, list[pd.DataFrame]]:
    """The runs' per-step loss histories by variant, in run order: ``{variant: [history, ...]}``."""
    out: dict[str, list[pd.DataFrame]] = {}
    for r in results:
        out.setdefault(variant_name(r), []).append(r.history)
    return out


def results_frame(results: list[PairResult]) -> pd.DataFrame:
    """One row per (system, variant, seed, direction): test MSE, convergence ratio, train time."""
    rows = []
    for r in results:
        for direction, column in zip(DIRECTIONS, ("den_x", "den_y")):
            rows.append({"system": r.system, "variant": variant_name(r), "seed": r.seed, "direction": direction,
                         "mse": r.mse[direction], "plateau": plateau_ratio(r.history, column),
                         "train_s": r.train_seconds})
    return pd.DataFrame(rows)


def up_to_sign(results: list[PairResult], data: PairedWindows, idx, direction: str = "X|Y") -> dict[str, float]:
    """Per variant, the mean over seeds of the test MSE of the ``direction`` samples on the test
    windows ``idx``, each window scored after choosing its better sign
    (:func:`lambdalib.core.metrics.mse_up_to_sign`): for targets known only up to their sign."""
    target = data.x_test[idx] if direction == "X|Y" else data.y_test[idx]
    return {v: float(pd.Series([mse_up_to_sign(r.samples[direction], target) for r in results
                                if variant_name(r) == v]).mean()) for v in VARIANTS}


def sampler_table(results: list[PairResult]) -> pd.DataFrame:
    """Every run's DDPM-vs-DDIM rows (:func:`~lambdalib.papers.lambda_ts.experiment.sampler_comparison`), with
    the run's seed and variant."""
    return pd.concat([r.samplers.assign(seed=r.seed, variant=variant_name(r)) for r in results],
                     ignore_index=True)


def ddim_summary(comparison: pd.DataFrame, timesteps: int, fraction: int = 20) -> tuple[float, float]:
    """(speed-up, MSE ratio) of DDIM at T/``fraction`` steps over DDPM, from mean times and MSEs."""
    means = comparison.groupby(["sampler", "steps"])[["seconds", "mse"]].mean()
    ddpm, ddim = means.loc[("DDPM", timesteps)], means.loc[("DDIM", timesteps // fraction)]
    return float(ddpm["seconds"] / ddim["seconds"]), float(ddim["mse"] / ddpm["mse"])


def sensitivity_table(results: list[PairResult]) -> pd.DataFrame:
    """Per variant (Table 2's and the sensitivity rows): test MSE per direction as "mean ± sd"
    over seeds, the weight alpha at the first and the last step (mean over seeds), and the
    Y encoder's within-window share and probe R^2 at t = 0 (mean over seeds)."""
    rows = []
    for variant in dict.fromkeys(r.variant for r in results):
        runs = [r for r in results if r.variant == variant]
        y0 = pd.concat([r.collapse.query("model == 'Y' and t == 0") for r in runs])
        rows.append({"variant": variant,
                     **{f"MSE {d}": mean_sd_text([r.mse[d] for r in runs]) for d in DIRECTIONS},
                     "α first step": float(pd.Series([r.history["alpha"].iloc[0] for r in runs]).mean()),
                     "α last step": float(pd.Series([r.history["alpha"].iloc[-1] for r in runs]).mean()),
                     "within-window share (Y, t=0)": float(y0["within-window share"].mean()),
                     "probe R² (Y, t=0)": float(y0["probe R2"].mean())})
    return pd.DataFrame(rows).set_index("variant")


def collapse_summary(results: list[PairResult]) -> pd.DataFrame:
    """Mean over seeds of the collapse measures, rows (model, t), columns (measure, variant)."""
    frame = pd.concat([r.collapse.assign(variant=r.variant) for r in results], ignore_index=True)
    return frame.pivot_table(index=["model", "t"], columns="variant",
                             values=["within-window share", "probe R2"], aggfunc="mean")


def trained_alignment(results: list[PairResult], fraction: float = 0.1) -> dict[tuple[str, str], float]:
    """The alignment losses LaMbDA's trained runs reached: mean over seeds of the last ``fraction``
    of steps of L_con and L_cov, keyed as :func:`~lambdalib.papers.lambda_ts.shortcut.shortcut_table`
    takes them (these runs draw one t per minibatch)."""
    runs = [r for r in results if r.variant == "LaMbDA"]
    tail = [r.history.iloc[-max(1, int(len(r.history) * fraction)):] for r in runs]
    return {(name, "per_batch"): float(pd.Series([h[column].mean() for h in tail]).mean())
            for name, column in (("L_con", "con"), ("L_cov", "cov"))}
