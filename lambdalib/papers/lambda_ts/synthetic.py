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

from lambdalib.book.profiles import get_sizes
from lambdalib.book.sweep import expand_grid, sweep
from lambdalib.core.metrics import mse_up_to_sign, plateau_ratio
from lambdalib.core.seed import resolve_device
from lambdalib.data.dynamics import PairedWindows, make_pair_dataset
from lambdalib.papers.lambda_ts.experiment import DIRECTIONS, PairResult, run_pair

__all__ = ["VARIANTS", "table2_task", "run_table2", "data_fingerprint", "variant_name", "histories",
           "results_frame", "up_to_sign", "sampler_table", "ddim_summary"]

# The two columns of Table 2. Both keep mutual conditioning and the energy terms.
VARIANTS = {"w/o align": False, "LaMbDA": True}


def table2_task(system: str, profile: str, aligned: bool, seed: int, device: str = "auto",
                compare_samplers: bool = False) -> dict:
    """One Table 2 run, as a :func:`~lambdalib.book.sweep.sweep` task: ``{"result": PairResult}``."""
    result = run_pair(system, profile=get_sizes("lambda_ts.synthetic", profile), aligned=aligned, seed=seed,
                      device=device, progress=False, ddim_fractions=(10, 20) if compare_samplers else ())
    return {"result": result}


def run_table2(system: str, profile: str, seeds: list[int], *, device: str = "auto",
               compare_samplers: bool = False, scheduler=None, cache_dir=None) -> list[PairResult]:
    """Train every (seed, variant) pair for ``system``; one :class:`PairResult` each, seed-major.

    Runs go through :func:`~lambdalib.book.sweep.sweep`: ``scheduler`` None starts one single-thread
    worker process per core, ``"serial"`` runs them here one after the other, and a Dask
    ``Client`` or scheduler address runs them on that cluster; the numbers are the same in every
    case. With ``cache_dir``, finished runs are kept and not run again (keyed by the config,
    the data fingerprint and the lambdalib version).
    """
    sizes = get_sizes("lambda_ts.synthetic", profile)
    grid = {"seed": list(seeds), "aligned": list(VARIANTS.values())}
    fixed = {"system": system, "profile": profile, "device": device, "compare_samplers": compare_samplers}
    configs = [{**fixed, **c} for c in expand_grid(grid)]
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
    """The Table 2 column a run belongs to: "w/o align" or "LaMbDA"."""
    return next(name for name, aligned in VARIANTS.items() if aligned == result.aligned)


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
